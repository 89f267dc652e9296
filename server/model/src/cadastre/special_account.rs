//! Special accounts (*partite speciali*) of the census field "partita" (censuario.md §7.3).
//! Values are compared after trimming and removing leading zeros (`0000001` ≡ `1`); any other
//! value — an ordinary ledger number, or empty — means "no special account".

use serde::{Deserialize, Serialize};

/// Special accounts of the buildings cadastre (`.FAB`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FabSpecialAccount {
    /// `0`: common parts that are taxable units (*beni comuni censibili*).
    TaxableCommonParts,
    /// `A`: common parts that are not units (stairs, courtyards).
    NonTaxableCommonParts,
    /// `C`: suppressed units.
    Suppressed,
    /// `R`: rural buildings.
    Rural,
}

impl FabSpecialAccount {
    /// Reads a FAB partita field; `None` when it is not a special account.
    pub fn from_partita(partita: &str) -> Option<Self> {
        match normalise(partita)?.as_str() {
            "0" => Some(Self::TaxableCommonParts),
            "A" => Some(Self::NonTaxableCommonParts),
            "C" => Some(Self::Suppressed),
            "R" => Some(Self::Rural),
            _ => None,
        }
    }
}

/// Special accounts of the land cadastre (`.TER`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TerSpecialAccount {
    /// `0`: suppressed parcels.
    Suppressed,
    /// `1`: urban sites — the parcel hosts buildings registered in the buildings cadastre.
    UrbanSite,
    /// `2`: common accessories of rural/urban sites.
    CommonAccessories,
    /// `3`: sites of buildings to be assessed, divided in sub-units.
    ToBeAssessed,
    /// `4`: waters exempt from valuation.
    ExemptWaters,
    /// `5`: public roads.
    PublicRoads,
}

impl TerSpecialAccount {
    /// Reads a TER partita field; `None` when it is not a special account.
    pub fn from_partita(partita: &str) -> Option<Self> {
        match normalise(partita)?.as_str() {
            "0" => Some(Self::Suppressed),
            "1" => Some(Self::UrbanSite),
            "2" => Some(Self::CommonAccessories),
            "3" => Some(Self::ToBeAssessed),
            "4" => Some(Self::ExemptWaters),
            "5" => Some(Self::PublicRoads),
            _ => None,
        }
    }
}

/// Trimmed, upper-cased, leading zeros removed (all zeros → `0`); `None` when blank.
fn normalise(partita: &str) -> Option<String> {
    let t = partita.trim();
    if t.is_empty() {
        return None;
    }
    let stripped = t.trim_start_matches('0');
    Some(if stripped.is_empty() {
        "0".to_owned()
    } else {
        stripped.to_ascii_uppercase()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fab_accounts() {
        assert_eq!(
            FabSpecialAccount::from_partita("A"),
            Some(FabSpecialAccount::NonTaxableCommonParts)
        );
        assert_eq!(
            FabSpecialAccount::from_partita("0000000"),
            Some(FabSpecialAccount::TaxableCommonParts)
        );
        assert_eq!(
            FabSpecialAccount::from_partita(" r "),
            Some(FabSpecialAccount::Rural)
        );
        assert_eq!(FabSpecialAccount::from_partita("2345678"), None);
        assert_eq!(FabSpecialAccount::from_partita(""), None);
    }

    #[test]
    fn ter_accounts() {
        assert_eq!(
            TerSpecialAccount::from_partita("0000001"),
            Some(TerSpecialAccount::UrbanSite)
        );
        assert_eq!(
            TerSpecialAccount::from_partita("1"),
            Some(TerSpecialAccount::UrbanSite)
        );
        assert_eq!(
            TerSpecialAccount::from_partita("0000005"),
            Some(TerSpecialAccount::PublicRoads)
        );
        assert_eq!(
            TerSpecialAccount::from_partita("0000000"),
            Some(TerSpecialAccount::Suppressed)
        );
        assert_eq!(TerSpecialAccount::from_partita("0004567"), None);
        assert_eq!(TerSpecialAccount::from_partita("  "), None);
    }
}
