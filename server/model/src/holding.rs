//! Holdings (TIT): which subject holds which right, for which share, on which property, over
//! which period; with the right codes (censuario.md §7.2) and fractional shares.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::ModelError;
use crate::cadastre::{Deed, PropertyId};
use crate::ids::{Belfiore, serde_via_str};
use crate::subject::SubjectId;
use crate::validity::Validity;

/// A right code (*codice diritto*), trimmed and lower-cased (`10`, `1s`, `8a`…). Codes outside
/// the reference's table are kept as text.
///
/// Stored inline (the code's ASCII bytes, zero-padded to 4): no allocation per holding, and
/// the order is the order of the texts.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RightCode([u8; 4]);

impl RightCode {
    /// Ownership.
    pub const OWNERSHIP: &'static str = "10";

    /// Parses a right code: 1 to 4 letters or digits after trimming (inner spaces removed).
    pub fn parse(input: &str) -> Result<Self, ModelError> {
        let s: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        if s.is_empty() || s.len() > 4 || !s.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(ModelError::syntax(
                "right code",
                input,
                "expected 1 to 4 letters or digits",
            ));
        }
        let mut code = [0u8; 4];
        code[..s.len()].copy_from_slice(s.to_ascii_lowercase().as_bytes());
        Ok(Self(code))
    }

    /// The code (`10`).
    pub fn as_str(&self) -> &str {
        let len = self.0.iter().position(|&b| b == 0).unwrap_or(self.0.len());
        // always ASCII (checked by `parse`)
        std::str::from_utf8(&self.0[..len]).unwrap_or_default()
    }

    /// English meaning, for the codes of the reference's table.
    pub fn description(&self) -> Option<&'static str> {
        Some(match self.as_str() {
            "10" => "ownership",
            "1s" => "surface ownership",
            "1t" => "ownership of the land only",
            "20" => "bare ownership",
            "2s" => "bare surface ownership",
            "30" => "right of habitation",
            "3s" => "habitation on surface ownership",
            "40" => "grantor's right (emphyteusis)",
            "50" => "emphyteusis",
            "60" => "surface right",
            "70" => "right of use",
            "7s" => "use on surface ownership",
            "80" => "usufruct",
            "8a" => "usufruct with accrual",
            "8e" => "usufruct on emphyteusis",
            "8s" => "usufruct on surface ownership",
            "90" => "easement",
            "100" => "charges",
            "99" | "990" => "uncoded title",
            "0" => "no title",
            _ => return None,
        })
    }

    /// Project convention (fiscal-rules.md §1.7): the right makes its holder an IMU taxpayer —
    /// `10`, `1s`, `30`/`3s`, `50`, `60`, `70`/`7s` and every usufruct `8x`; never bare
    /// ownership `20`/`2s`.
    pub fn pays_imu(&self) -> bool {
        let s = self.as_str();
        matches!(s, "10" | "1s" | "30" | "3s" | "50" | "60" | "70" | "7s")
            || (s.len() == 2 && s.starts_with('8'))
    }

    /// Bare ownership (`20`, `2s`).
    pub fn is_bare_ownership(&self) -> bool {
        matches!(self.as_str(), "20" | "2s")
    }

    /// Usufruct (`80`, `8a`, `8e`, `8s`).
    pub fn is_usufruct(&self) -> bool {
        let s = self.as_str();
        s.len() == 2 && s.starts_with('8')
    }
}

impl fmt::Debug for RightCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("RightCode").field(&self.as_str()).finish()
    }
}

impl FromStr for RightCode {
    type Err = ModelError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for RightCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

serde_via_str!(RightCode, "a right code such as 10 or 8a");

/// A share as a fraction `num/den` with `0 ≤ num ≤ den`, `den > 0`, kept as written (`2/4` is
/// not reduced). Written `n/d`; the census "not expressed" value `0/0` is `Option::None`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Share {
    num: u64,
    den: u64,
}

impl Share {
    /// The whole (1/1).
    pub const WHOLE: Self = Self { num: 1, den: 1 };

    /// Builds a share, checking `den > 0` and `num ≤ den`.
    pub fn new(num: u64, den: u64) -> Result<Self, ModelError> {
        if den == 0 {
            return Err(ModelError::InvalidShare {
                num,
                den,
                reason: "denominator is zero",
            });
        }
        if num > den {
            return Err(ModelError::InvalidShare {
                num,
                den,
                reason: "numerator exceeds denominator",
            });
        }
        Ok(Self { num, den })
    }

    /// Census numerator and denominator: `0/0` (not expressed) gives `None`.
    pub fn from_census(num: u64, den: u64) -> Result<Option<Self>, ModelError> {
        if num == 0 && den == 0 {
            Ok(None)
        } else {
            Self::new(num, den).map(Some)
        }
    }

    /// Parses `n/d`.
    pub fn parse(input: &str) -> Result<Self, ModelError> {
        let Some((n, d)) = input.trim().split_once('/') else {
            return Err(ModelError::syntax("share", input, "expected n/d"));
        };
        let n: u64 = n
            .trim()
            .parse()
            .map_err(|_| ModelError::syntax("share", input, "numerator is not an integer"))?;
        let d: u64 = d
            .trim()
            .parse()
            .map_err(|_| ModelError::syntax("share", input, "denominator is not an integer"))?;
        Self::new(n, d)
    }

    /// Numerator.
    pub fn num(self) -> u64 {
        self.num
    }

    /// Denominator.
    pub fn den(self) -> u64 {
        self.den
    }

    /// The share as a number in 0..=1.
    pub fn as_f64(self) -> f64 {
        self.num as f64 / self.den as f64
    }
}

impl FromStr for Share {
    type Err = ModelError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for Share {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.num, self.den)
    }
}

serde_via_str!(Share, "a share written n/d");

/// A holding (TIT record): a right of a subject on a property over a validity period.
///
/// Serialised as the flat TIT record (`HoldingForm`): the right as text (kept in the
/// details) and the generating deed (kept boxed) are written at the holding's level, in the
/// record's order.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(from = "HoldingForm")]
pub struct Holding {
    /// Municipality of the supply.
    pub belfiore: Belfiore,
    /// Unique id of the holding (*identificativo titolarità*, present since 2001).
    pub holding_id: Option<u64>,
    /// The holder.
    pub subject: SubjectId,
    /// The property held.
    pub property: PropertyId,
    /// Right code.
    pub right: RightCode,
    /// Share; `None` when not expressed (`0/0`), to be flagged by the rules.
    pub share: Option<Share>,
    /// Validity: TIT field 13 to field 20, closing date **excluded** (censuario.md §8).
    pub validity: Validity,
    /// Deed that opened the holding (see [`Holding::generating_deed`]); `None` when empty.
    /// Boxed: the correlation engine holds millions of holdings without one.
    pub generating_deed: Option<Box<Deed>>,
    /// Deed that closed it; `None` while current.
    pub closing_deed: Option<Box<Deed>>,
    /// Right as text, regime, ledger number and change ids; `None` when all are empty. Boxed:
    /// a city holds millions of holdings and few readers need them.
    pub details: Option<Box<HoldingDetails>>,
}

/// The parts of a TIT record that few readers need, kept apart from [`Holding`] (see
/// [`Holding::details`]).
///
/// Its serialised form (the `details` of a holding's) holds the parts from `regime` on: the
/// right as text is serialised with the holding's own fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HoldingDetails {
    /// Right as free text when not coded.
    #[serde(skip)]
    pub right_text: Option<Box<str>>,
    /// Property regime between spouses, as written.
    pub regime: Option<Box<str>>,
    /// The other subject of that regime.
    pub regime_subject_id: Option<u64>,
    /// Ledger number, as written.
    pub partita: Option<Box<str>>,
    /// Id of the change that opened the holding.
    pub initial_mutation_id: Option<u64>,
    /// Id of the change that closed it.
    pub final_mutation_id: Option<u64>,
}

/// The details of a holding without any (what [`Holding::details`] reads as when `None`).
static NO_HOLDING_DETAILS: HoldingDetails = HoldingDetails {
    right_text: None,
    regime: None,
    regime_subject_id: None,
    partita: None,
    initial_mutation_id: None,
    final_mutation_id: None,
};

impl HoldingDetails {
    /// The details boxed, or `None` when every part is empty.
    pub fn boxed(self) -> Option<Box<Self>> {
        (self != NO_HOLDING_DETAILS).then(|| Box::new(self))
    }

    /// True when the parts serialised as the holding's `details` (from `regime` on) are all
    /// empty.
    fn record_parts_empty(&self) -> bool {
        self.regime.is_none()
            && self.regime_subject_id.is_none()
            && self.partita.is_none()
            && self.initial_mutation_id.is_none()
            && self.final_mutation_id.is_none()
    }
}

impl Holding {
    /// Right as text, regime, ledger number and change ids (all empty when the holding has
    /// none).
    pub fn details(&self) -> &HoldingDetails {
        self.details.as_deref().unwrap_or(&NO_HOLDING_DETAILS)
    }

    /// The details, to be filled (boxed on first use).
    pub fn details_mut(&mut self) -> &mut HoldingDetails {
        self.details.get_or_insert_with(Box::default)
    }

    /// Right as free text when not coded.
    pub fn right_text(&self) -> Option<&str> {
        self.details().right_text.as_deref()
    }

    /// The deed that opened the holding (all empty when none was written).
    pub fn generating_deed(&self) -> &Deed {
        self.generating_deed.as_deref().unwrap_or(Deed::empty())
    }

    /// The generating deed, to be filled (boxed on first use).
    pub fn generating_deed_mut(&mut self) -> &mut Deed {
        self.generating_deed.get_or_insert_with(Box::default)
    }

    /// Sets the generating deed (boxed unless empty).
    pub fn set_generating_deed(&mut self, deed: Deed) {
        self.generating_deed = deed.boxed();
    }
}

impl Serialize for Holding {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        HoldingForm {
            belfiore: self.belfiore,
            holding_id: self.holding_id,
            subject: self.subject,
            property: Cow::Borrowed(&self.property),
            right: self.right,
            right_text: Cow::Borrowed(&self.details().right_text),
            share: self.share,
            validity: self.validity,
            generating_deed: Cow::Borrowed(self.generating_deed()),
            closing_deed: Cow::Borrowed(&self.closing_deed),
            details: self
                .details
                .as_deref()
                .filter(|d| !d.record_parts_empty())
                .map(Cow::Borrowed),
        }
        .serialize(serializer)
    }
}

/// The serialised form of a [`Holding`]: the TIT record's fields in their order, the rarely
/// filled rest (from `regime` on) as `details`, `null` when empty.
#[derive(Serialize, Deserialize)]
#[serde(rename = "Holding")]
struct HoldingForm<'a> {
    belfiore: Belfiore,
    holding_id: Option<u64>,
    subject: SubjectId,
    property: Cow<'a, PropertyId>,
    right: RightCode,
    right_text: Cow<'a, Option<Box<str>>>,
    share: Option<Share>,
    validity: Validity,
    generating_deed: Cow<'a, Deed>,
    closing_deed: Cow<'a, Option<Box<Deed>>>,
    details: Option<Cow<'a, HoldingDetails>>,
}

impl From<HoldingForm<'_>> for Holding {
    fn from(f: HoldingForm<'_>) -> Self {
        let mut details = f.details.map(Cow::into_owned).unwrap_or_default();
        details.right_text = f.right_text.into_owned();
        Self {
            belfiore: f.belfiore,
            holding_id: f.holding_id,
            subject: f.subject,
            property: f.property.into_owned(),
            right: f.right,
            share: f.share,
            validity: f.validity,
            generating_deed: f.generating_deed.into_owned().boxed(),
            closing_deed: f.closing_deed.into_owned(),
            details: details.boxed(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn details_are_boxed_only_when_some_part_is_written() {
        assert_eq!(HoldingDetails::default().boxed(), None);
        let written = HoldingDetails {
            final_mutation_id: Some(7),
            ..HoldingDetails::default()
        };
        assert_eq!(written.clone().boxed(), Some(Box::new(written)));
    }

    fn holding(right_text: Option<&str>, deed: Deed, details: HoldingDetails) -> Holding {
        let belfiore = Belfiore::parse("F205").unwrap();
        let mut h = Holding {
            belfiore,
            holding_id: Some(42),
            subject: SubjectId {
                belfiore,
                id: 7,
                kind: crate::subject::SubjectKind::NaturalPerson,
            },
            property: PropertyId {
                belfiore,
                section: None,
                id: 1_000_001,
                kind: crate::cadastre::PropertyKind::Building,
            },
            right: RightCode::parse("10").unwrap(),
            share: Some(Share::WHOLE),
            validity: Validity::new(chrono::NaiveDate::from_ymd_opt(2019, 3, 15).unwrap(), None)
                .unwrap(),
            generating_deed: deed.boxed(),
            closing_deed: None,
            details: details.boxed(),
        };
        if let Some(t) = right_text {
            h.details_mut().right_text = Some(t.into());
        }
        h
    }

    #[test]
    fn the_generating_deed_and_the_right_text_are_boxed_only_when_written() {
        let mut h = holding(None, Deed::default(), HoldingDetails::default());
        assert_eq!((&h.generating_deed, &h.details), (&None, &None));
        assert_eq!(h.generating_deed(), &Deed::default());
        assert_eq!(h.right_text(), None);
        h.details_mut().right_text = Some("PROPRIETA'".into());
        assert_eq!(h.right_text(), Some("PROPRIETA'"));
        h.set_generating_deed(Deed::default());
        assert_eq!(h.generating_deed, None);
        h.generating_deed_mut().cause_description = Some("COMPRAVENDITA".into());
        assert_eq!(
            h.generating_deed().cause_description.as_deref(),
            Some("COMPRAVENDITA")
        );
    }

    /// The serialised form of a holding before its right text and generating deed moved out
    /// of line: the form must not change.
    #[derive(Serialize)]
    #[serde(rename = "Holding")]
    struct FlatHolding {
        belfiore: Belfiore,
        holding_id: Option<u64>,
        subject: SubjectId,
        property: PropertyId,
        right: RightCode,
        right_text: Option<Box<str>>,
        share: Option<Share>,
        validity: Validity,
        generating_deed: Deed,
        closing_deed: Option<Box<Deed>>,
        details: Option<Box<HoldingDetails>>,
    }

    #[test]
    fn the_serialised_form_is_the_flat_record() {
        let deed = Deed {
            registration_date: chrono::NaiveDate::from_ymd_opt(2019, 3, 20),
            ..Deed::default()
        };
        let written = HoldingDetails {
            partita: Some("1234".into()),
            ..HoldingDetails::default()
        };
        for h in [
            holding(None, Deed::default(), HoldingDetails::default()),
            holding(Some("PROPRIETA'"), deed.clone(), HoldingDetails::default()),
            holding(Some("PROPRIETA'"), Deed::default(), written.clone()),
            holding(None, deed.clone(), written.clone()),
        ] {
            let flat = FlatHolding {
                belfiore: h.belfiore,
                holding_id: h.holding_id,
                subject: h.subject,
                property: h.property.clone(),
                right: h.right,
                right_text: h.right_text().map(Into::into),
                share: h.share,
                validity: h.validity,
                generating_deed: h.generating_deed().clone(),
                closing_deed: h.closing_deed.clone(),
                // the old details had no right text: the form serialises none of it
                details: (h.details().partita.is_some()).then(|| Box::new(written.clone())),
            };
            let json = serde_json::to_string(&h).unwrap();
            assert_eq!(json, serde_json::to_string(&flat).unwrap());
            assert!(!json.contains(r#""details":{"right_text""#));
            let back: Holding = serde_json::from_str(&json).unwrap();
            assert_eq!(back, h);
        }
    }

    #[test]
    fn a_holding_stays_small() {
        // the deeds, the deed's note and the rarely filled details (the right as text among
        // them) are boxed (most holdings have none), the right code inline, the texts boxed
        // strings
        assert!(size_of::<Holding>() <= 120, "{}", size_of::<Holding>());
    }

    #[test]
    fn right_codes() {
        for (code, pays) in [
            ("10", true),
            ("1s", true),
            ("1t", false),
            ("20", false),
            ("2s", false),
            ("30", true),
            ("3S", true),
            ("50", true),
            ("60", true),
            ("70", true),
            ("7s", true),
            ("80", true),
            ("8a", true),
            ("8e", true),
            ("90", false),
            ("100", false),
        ] {
            assert_eq!(RightCode::parse(code).unwrap().pays_imu(), pays, "{code}");
        }
        assert_eq!(RightCode::parse(" 1 s ").unwrap().as_str(), "1s");
        assert_eq!(RightCode::parse("1000").unwrap().as_str(), "1000");
        assert_eq!(
            format!("{:?}", RightCode::parse("8A").unwrap()),
            "RightCode(\"8a\")"
        );
        assert!(RightCode::parse("10").unwrap() < RightCode::parse("100").unwrap());
        assert!(RightCode::parse("100").unwrap() < RightCode::parse("1s").unwrap());
        assert!(RightCode::parse("10000").is_err());
        assert!(RightCode::parse("20").unwrap().is_bare_ownership());
        assert!(RightCode::parse("8s").unwrap().is_usufruct());
        assert_eq!(
            RightCode::parse("10").unwrap().description(),
            Some("ownership")
        );
        assert_eq!(RightCode::parse("x9").unwrap().description(), None);
        assert!(RightCode::parse("").is_err());
        assert!(RightCode::parse("12345").is_err());
    }

    #[test]
    fn shares() {
        let half = Share::parse("1/2").unwrap();
        assert!((half.as_f64() - 0.5).abs() < f64::EPSILON);
        assert_eq!(half.to_string(), "1/2");
        assert_eq!(Share::from_census(0, 0).unwrap(), None);
        assert_eq!(Share::from_census(1, 2).unwrap(), Some(half));
        assert_eq!(
            Share::new(3, 2).unwrap_err().to_string(),
            "share 3/2: numerator exceeds denominator"
        );
        assert!(Share::new(1, 0).is_err());
        assert!(Share::parse("1:2").is_err());
        assert!(Share::parse("a/2").is_err());
        assert_eq!(serde_json::to_string(&half).unwrap(), "\"1/2\"");
        assert_eq!(serde_json::from_str::<Share>("\"1/2\"").unwrap(), half);
    }
}
