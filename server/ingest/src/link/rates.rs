//! Link rates per source: how many records of a source found their target, and how.

use std::collections::BTreeMap;

use serde::Serialize;

use super::confidence::LinkMethod;

/// Rate of one join (source → target).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct LinkRate {
    /// records of the source considered
    pub total: u64,
    /// records linked
    pub linked: u64,
    /// linked records per method
    pub by_method: BTreeMap<LinkMethod, u64>,
}

impl LinkRate {
    /// Linked share in [0, 1] (1 when there was nothing to link).
    pub fn rate(&self) -> f64 {
        if self.total == 0 {
            1.0
        } else {
            self.linked as f64 / self.total as f64
        }
    }
}

/// All link rates of one ingest, by `(source, target)`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct LinkRates {
    /// rates by join
    pub joins: BTreeMap<String, LinkRate>,
}

impl LinkRates {
    /// Counts one record of `source` looking for `target`, linked by `method` or not.
    pub fn record(&mut self, source: &str, target: &str, method: Option<LinkMethod>) {
        let rate = self
            .joins
            .entry(format!("{source} → {target}"))
            .or_default();
        rate.total += 1;
        if let Some(m) = method {
            rate.linked += 1;
            *rate.by_method.entry(m).or_default() += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_count_per_join_and_method() {
        let mut rates = LinkRates::default();
        rates.record("tari", "unit", Some(LinkMethod::UnitKey));
        rates.record("tari", "unit", Some(LinkMethod::AddressInternal));
        rates.record("tari", "unit", None);
        rates.record("units", "parcel", None);
        let tari = &rates.joins["tari → unit"];
        assert_eq!((tari.total, tari.linked), (3, 2));
        assert!((tari.rate() - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(tari.by_method[&LinkMethod::AddressInternal], 1);
        assert!(rates.joins["units → parcel"].rate().abs() < 1e-12);
    }
}
