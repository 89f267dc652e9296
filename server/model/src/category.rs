//! Cadastral categories of the buildings cadastre, A/1 … F/7 (categories.md): group,
//! consistency unit, IMU multiplier and the flags the fiscal rules need.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::ModelError;
use crate::ids::serde_via_str;

/// Group of a cadastral category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum CategoryGroup {
    /// Housing and offices (ordinary; consistency in rooms).
    A,
    /// Collective-use buildings (ordinary; consistency in cubic metres).
    B,
    /// Commercial and ancillary units (ordinary; consistency in square metres).
    C,
    /// Special-purpose buildings (direct valuation).
    D,
    /// Particular-purpose buildings (direct valuation; exempt from IMU).
    E,
    /// Fictitious categories (no rent).
    F,
}

impl CategoryGroup {
    /// Number of categories of the group (A/1–A/11, B/1–B/8, …).
    pub fn category_count(self) -> u8 {
        match self {
            Self::A => 11,
            Self::B => 8,
            Self::C | Self::F => 7,
            Self::D => 10,
            Self::E => 9,
        }
    }

    /// The group letter.
    pub fn letter(self) -> char {
        match self {
            Self::A => 'A',
            Self::B => 'B',
            Self::C => 'C',
            Self::D => 'D',
            Self::E => 'E',
            Self::F => 'F',
        }
    }

    /// All groups, A to F.
    pub const ALL: [Self; 6] = [Self::A, Self::B, Self::C, Self::D, Self::E, Self::F];

    fn from_letter(c: char) -> Option<Self> {
        Self::ALL.into_iter().find(|g| g.letter() == c)
    }

    /// Ordinary units (groups A, B, C): rent = tariff × consistency.
    pub fn is_ordinary(self) -> bool {
        matches!(self, Self::A | Self::B | Self::C)
    }
}

/// Unit in which the consistency (*consistenza*) of a category is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsistencyUnit {
    /// Conventional rooms (*vani*), group A.
    Rooms,
    /// Cubic metres, group B.
    CubicMetres,
    /// Square metres, group C.
    SquareMetres,
}

/// A cadastral category such as A/2. Parsed from the census form (`A02`) or the display form
/// (`A/2`); `Display` gives the display form, [`Category::census_code`] the census form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Category {
    group: CategoryGroup,
    number: u8,
}

impl Category {
    /// Builds a category from group and number, checking the number exists in the group.
    pub fn new(group: CategoryGroup, number: u8) -> Result<Self, ModelError> {
        if number == 0 || number > group.category_count() {
            return Err(ModelError::syntax(
                "category",
                &format!("{}/{number}", group.letter()),
                format!(
                    "group {} has categories 1 to {}",
                    group.letter(),
                    group.category_count()
                ),
            ));
        }
        Ok(Self { group, number })
    }

    /// Parses `A02`, `A2`, `A/2` or `A/02` (blanks trimmed, case ignored).
    pub fn parse(input: &str) -> Result<Self, ModelError> {
        let s = input.trim().to_ascii_uppercase();
        let mut chars = s.chars();
        let Some(group) = chars.next().and_then(CategoryGroup::from_letter) else {
            return Err(ModelError::syntax(
                "category",
                input,
                "expected a group letter A-F",
            ));
        };
        let rest = chars.as_str();
        let digits = rest.strip_prefix('/').unwrap_or(rest);
        if digits.is_empty() || digits.len() > 2 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ModelError::syntax(
                "category",
                input,
                "expected a group letter and a number, as A02 or A/2",
            ));
        }
        let number: u8 = digits.parse().unwrap_or(0);
        Self::new(group, number).map_err(|_| {
            ModelError::syntax(
                "category",
                input,
                format!(
                    "group {} has categories 1 to {}",
                    group.letter(),
                    group.category_count()
                ),
            )
        })
    }

    /// Every category, A/1 to F/7.
    pub fn all() -> impl Iterator<Item = Self> {
        CategoryGroup::ALL.into_iter().flat_map(|group| {
            (1..=group.category_count()).map(move |number| Self { group, number })
        })
    }

    /// The group.
    pub fn group(self) -> CategoryGroup {
        self.group
    }

    /// The number within the group.
    pub fn number(self) -> u8 {
        self.number
    }

    /// Census form: letter and two-digit number (`A02`).
    pub fn census_code(self) -> String {
        format!("{}{:02}", self.group.letter(), self.number)
    }

    /// Consistency unit: rooms (A), m³ (B), m² (C), none for D, E, F.
    pub fn consistency_unit(self) -> Option<ConsistencyUnit> {
        match self.group {
            CategoryGroup::A => Some(ConsistencyUnit::Rooms),
            CategoryGroup::B => Some(ConsistencyUnit::CubicMetres),
            CategoryGroup::C => Some(ConsistencyUnit::SquareMetres),
            CategoryGroup::D | CategoryGroup::E | CategoryGroup::F => None,
        }
    }

    /// IMU multiplier of L. 160/2019 c. 745 (applied to the rent revalued by 5 %): 160, 140,
    /// 80, 65 or 55. `None` for group E (exempt) and group F (no rent).
    pub fn imu_multiplier(self) -> Option<u16> {
        use CategoryGroup as G;
        match (self.group, self.number) {
            (G::A, 10) | (G::D, 5) => Some(80),
            (G::A, _) | (G::C, 2 | 6 | 7) => Some(160),
            (G::B, _) | (G::C, 3..=5) => Some(140),
            (G::C, _) => Some(55),
            (G::D, _) => Some(65),
            (G::E | G::F, _) => None,
        }
    }

    /// A/1, A/8, A/9: taxed also as main residence.
    pub fn is_luxury(self) -> bool {
        self.group == CategoryGroup::A && matches!(self.number, 1 | 8 | 9)
    }

    /// C/2, C/6, C/7: the only categories that can be appurtenances of a main residence.
    pub fn can_be_appurtenance(self) -> bool {
        self.group == CategoryGroup::C && matches!(self.number, 2 | 6 | 7)
    }

    /// True for the fictitious categories (group F), which have no rent.
    pub fn is_fictitious(self) -> bool {
        self.group == CategoryGroup::F
    }

    /// English meaning of the category (categories.md).
    pub fn description(self) -> &'static str {
        let table: &[&str] = match self.group {
            CategoryGroup::A => &DESC_A,
            CategoryGroup::B => &DESC_B,
            CategoryGroup::C => &DESC_C,
            CategoryGroup::D => &DESC_D,
            CategoryGroup::E => &DESC_E,
            CategoryGroup::F => &DESC_F,
        };
        table
            .get(usize::from(self.number) - 1)
            .copied()
            .unwrap_or("")
    }
}

const DESC_A: [&str; 11] = [
    "upper-class dwellings",
    "middle-class dwellings",
    "economy dwellings",
    "working-class dwellings",
    "very low-standard dwellings",
    "rural dwellings",
    "small detached houses",
    "villas",
    "castles and palaces of outstanding artistic or historic value",
    "private offices and professional studios",
    "dwellings typical of the place",
];
const DESC_B: [&str; 8] = [
    "boarding schools, orphanages, hospices, convents, seminaries, barracks",
    "nursing homes and hospitals not for profit",
    "prisons and reformatories",
    "public offices",
    "schools and scientific laboratories",
    "libraries, art galleries, museums, academies, non-profit cultural clubs",
    "chapels and oratories not used for public worship",
    "underground warehouses for foodstuffs",
];
const DESC_C: [&str; 7] = [
    "shops",
    "storerooms, warehouses, cellars and lofts not part of a dwelling",
    "workshops for arts and crafts",
    "buildings for sports not for profit",
    "bathing establishments and spas not for profit",
    "stables, garages, parking boxes",
    "sheds, canopies, covered parking spaces",
];
const DESC_D: [&str; 10] = [
    "factories",
    "hotels and guesthouses",
    "theatres, cinemas, concert halls, arenas, amusement parks",
    "nursing homes and hospitals for profit",
    "banks, exchange and insurance offices",
    "sports buildings and grounds for profit",
    "buildings for a specific industrial activity",
    "buildings for a specific commercial activity",
    "floating or suspended buildings fixed to the ground; private toll bridges",
    "buildings for productive functions connected to farming",
];
const DESC_E: [&str; 9] = [
    "stations for land, sea and air transport",
    "municipal and provincial toll bridges",
    "constructions for special public needs",
    "enclosures for markets, fairs, livestock parking",
    "fortifications and their outbuildings",
    "lighthouses, signal towers, public-clock towers",
    "buildings for public worship",
    "cemetery buildings",
    "other particular-purpose buildings",
];
const DESC_F: [&str; 7] = [
    "urban area",
    "derelict units",
    "units under construction",
    "units being defined",
    "flat roof terrace",
    "building awaiting declaration",
    "infrastructure of public communication networks",
];

impl FromStr for Category {
    type Err = ModelError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.group.letter(), self.number)
    }
}

serde_via_str!(Category, "a cadastral category such as A/2 or A02");

#[cfg(test)]
mod tests {
    use super::*;

    fn cat(s: &str) -> Category {
        Category::parse(s).unwrap()
    }

    #[test]
    fn parses_both_forms() {
        for (input, display, census) in [
            ("A02", "A/2", "A02"),
            ("A/2", "A/2", "A02"),
            ("a/02", "A/2", "A02"),
            ("A10", "A/10", "A10"),
            ("C06", "C/6", "C06"),
            ("F03", "F/3", "F03"),
            ("D/10", "D/10", "D10"),
        ] {
            let c = cat(input);
            assert_eq!(c.to_string(), display);
            assert_eq!(c.census_code(), census);
            assert_eq!(cat(&c.to_string()), c);
            assert_eq!(cat(&c.census_code()), c);
        }
    }

    #[test]
    fn rejects_unknown_categories() {
        for bad in [
            "", "A", "A00", "A12", "B09", "C08", "D11", "E10", "F08", "G01", "A/", "A-2", "A123",
        ] {
            assert!(Category::parse(bad).is_err(), "{bad} accepted");
        }
        assert_eq!(
            Category::parse("D11").unwrap_err().to_string(),
            "category D11: group D has categories 1 to 10"
        );
    }

    #[test]
    fn all_has_52_categories() {
        assert_eq!(Category::all().count(), 11 + 8 + 7 + 10 + 9 + 7);
        assert!(Category::all().all(|c| !c.description().is_empty()));
    }

    #[test]
    fn imu_multipliers() {
        let expect = [
            ("A/1", Some(160)),
            ("A/2", Some(160)),
            ("A/10", Some(80)),
            ("A/11", Some(160)),
            ("B/1", Some(140)),
            ("B/8", Some(140)),
            ("C/1", Some(55)),
            ("C/2", Some(160)),
            ("C/3", Some(140)),
            ("C/4", Some(140)),
            ("C/5", Some(140)),
            ("C/6", Some(160)),
            ("C/7", Some(160)),
            ("D/1", Some(65)),
            ("D/5", Some(80)),
            ("D/10", Some(65)),
            ("E/7", None),
            ("F/2", None),
        ];
        for (c, m) in expect {
            assert_eq!(cat(c).imu_multiplier(), m, "{c}");
        }
    }

    #[test]
    fn consistency_units_and_flags() {
        assert_eq!(cat("A02").consistency_unit(), Some(ConsistencyUnit::Rooms));
        assert_eq!(
            cat("B01").consistency_unit(),
            Some(ConsistencyUnit::CubicMetres)
        );
        assert_eq!(
            cat("C06").consistency_unit(),
            Some(ConsistencyUnit::SquareMetres)
        );
        assert_eq!(cat("D01").consistency_unit(), None);
        assert!(cat("A08").is_luxury() && !cat("A07").is_luxury());
        assert!(cat("C07").can_be_appurtenance() && !cat("C01").can_be_appurtenance());
        assert!(cat("F02").is_fictitious());
        assert!(cat("B05").group().is_ordinary() && !cat("D05").group().is_ordinary());
        assert_eq!(cat("F06").description(), "building awaiting declaration");
    }

    #[test]
    fn serde_uses_display_form() {
        let json = serde_json::to_string(&cat("A02")).unwrap();
        assert_eq!(json, "\"A/2\"");
        assert_eq!(
            serde_json::from_str::<Category>("\"C06\"").unwrap(),
            cat("C/6")
        );
    }
}
