//! Topographic buildings (other-supplies.md §8): footprints of the municipal topographic
//! database with height, floors, use and survey date. The geometry itself lives with the
//! stores; this is the attribute record the rules use.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Storey height used to derive floors from a height (rule R05).
pub const STOREY_HEIGHT_M: f64 = 3.0;

/// Use class of a topographic building.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BuildingUse {
    /// `residenziale`.
    Residential,
    /// `produttivo`.
    Productive,
    /// `agricolo`.
    Agricultural,
    /// `religioso`.
    Religious,
    /// Any other value.
    Other,
}

impl BuildingUse {
    /// Reads the `use_class` column; unknown values are [`BuildingUse::Other`].
    pub fn from_use_class(value: &str) -> Self {
        match value.trim().to_ascii_lowercase().as_str() {
            "residenziale" => Self::Residential,
            "produttivo" => Self::Productive,
            "agricolo" => Self::Agricultural,
            "religioso" => Self::Religious,
            _ => Self::Other,
        }
    }

    /// The Italian value of the `use_class` column (`altro` for other uses).
    pub fn use_class(self) -> &'static str {
        match self {
            Self::Residential => "residenziale",
            Self::Productive => "produttivo",
            Self::Agricultural => "agricolo",
            Self::Religious => "religioso",
            Self::Other => "altro",
        }
    }
}

/// A topographic building footprint's attributes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Building {
    /// Unique id of the footprint.
    pub building_id: String,
    /// Height in metres; `None` when missing or not positive.
    pub height_m: Option<f64>,
    /// Floors above ground; `None` when missing or 0.
    pub floors: Option<u32>,
    /// Use class.
    pub use_class: BuildingUse,
    /// Date of the survey that recorded the footprint.
    pub survey_date: Option<NaiveDate>,
}

impl Building {
    /// Floors to use: the recorded floors, else height ÷ 3.0 m rounded to the nearest integer
    /// (at least 1 for a positive height); `None` when both are unknown.
    pub fn effective_floors(&self) -> Option<u32> {
        if let Some(f) = self.floors.filter(|&f| f > 0) {
            return Some(f);
        }
        let h = self.height_m.filter(|h| h.is_finite() && *h > 0.0)?;
        Some(((h / STOREY_HEIGHT_M).round() as u32).max(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn building(height: Option<f64>, floors: Option<u32>) -> Building {
        Building {
            building_id: "B1".into(),
            height_m: height,
            floors,
            use_class: BuildingUse::from_use_class("Residenziale"),
            survey_date: None,
        }
    }

    #[test]
    fn floors_preferred_over_height() {
        assert_eq!(building(Some(9.0), Some(4)).effective_floors(), Some(4));
        assert_eq!(building(Some(9.2), None).effective_floors(), Some(3));
        assert_eq!(building(Some(9.2), Some(0)).effective_floors(), Some(3));
        assert_eq!(building(Some(1.0), None).effective_floors(), Some(1));
        assert_eq!(building(Some(-2.0), None).effective_floors(), None);
        assert_eq!(building(None, None).effective_floors(), None);
    }

    #[test]
    fn use_classes() {
        assert_eq!(
            BuildingUse::from_use_class("produttivo"),
            BuildingUse::Productive
        );
        assert_eq!(
            BuildingUse::from_use_class("commerciale"),
            BuildingUse::Other
        );
        assert_eq!(building(None, None).use_class, BuildingUse::Residential);
    }
}
