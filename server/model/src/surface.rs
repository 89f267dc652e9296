//! Cadastral surfaces for TARI (other-supplies.md §1): per unit, the total cadastral surface
//! and the surface excluding uncovered areas (DPR 138/1998), with the DOCFA room polygons.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::category::Category;
use crate::ids::{Belfiore, UnitKey};

/// Share of the cadastral surface a municipality may use for TARI assessments (c. 646).
pub const TARI_SURFACE_SHARE: f64 = 0.8;

/// One DOCFA room polygon: type `A`…`G` (first letter of the written type), area, height.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SurfacePolygon {
    /// Type as written (`A`, `A1`, `D`…); its first letter is the polygon type.
    pub polygon_type: String,
    /// Area in m².
    pub area_m2: f64,
    /// Height in metres (0.0 for uncovered areas).
    pub height_m: f64,
}

impl SurfacePolygon {
    /// The polygon type letter `A`…`G` (`A1`, `A2` count as `A`); `None` for other values.
    pub fn kind(&self) -> Option<char> {
        self.polygon_type
            .trim()
            .chars()
            .next()
            .map(|c| c.to_ascii_uppercase())
            .filter(|c| ('A'..='G').contains(c))
    }
}

/// The surfaces of one unit (a row of `cadastral_surface.csv`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CadastralSurface {
    /// Municipality.
    pub belfiore: Belfiore,
    /// FAB identificativo immobile of the unit.
    pub age_property_id: u64,
    /// Canonical unit key.
    pub unit_key: UnitKey,
    /// Category.
    pub category: Category,
    /// Total cadastral surface, m².
    pub total_m2: u32,
    /// Surface excluding uncovered areas, m² (the TARI reference).
    pub excluding_uncovered_m2: u32,
    /// DOCFA polygons, when supplied.
    pub polygons: Vec<SurfacePolygon>,
    /// Date of the surface (DOCFA registration date).
    pub reference_date: Option<NaiveDate>,
    /// Supply identifier.
    pub source: Box<str>,
}

impl CadastralSurface {
    /// 80 % of the surface excluding uncovered areas, unrounded (rule R14 compares with it).
    pub fn tari_min_m2(&self) -> f64 {
        f64::from(self.excluding_uncovered_m2) * TARI_SURFACE_SHARE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn composed_example() {
        let polygon = |t: &str, a: f64, h: f64| SurfacePolygon {
            polygon_type: t.into(),
            area_m2: a,
            height_m: h,
        };
        let s = CadastralSurface {
            belfiore: Belfiore::parse("F205").unwrap(),
            age_property_id: 1_000_001,
            unit_key: UnitKey::parse("F205//12/101/7").unwrap(),
            category: Category::parse("A02").unwrap(),
            total_m2: 98,
            excluding_uncovered_m2: 93,
            polygons: vec![
                polygon("A", 88.0, 2.7),
                polygon("B", 10.0, 2.4),
                polygon("D", 15.0, 0.0),
            ],
            reference_date: NaiveDate::from_ymd_opt(2019, 3, 15),
            source: "SUP-F205-2025".into(),
        };
        assert!((s.tari_min_m2() - 74.4).abs() < 1e-9);
        assert_eq!(s.polygons[2].kind(), Some('D'));
        assert_eq!(polygon("a1", 1.0, 1.0).kind(), Some('A'));
        assert_eq!(polygon("X", 1.0, 1.0).kind(), None);
    }
}
