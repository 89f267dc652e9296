//! R18 — IMU paid versus due (L. 160/2019 c. 738-783).
//!
//! due = Σ over the holder's holdings of the tax of fiscal-rules.md §1.7 for Y (buildings,
//! group D with its State share, agricultural land); paid = Σ of the F24 rows with that payer
//! code and tax year Y, all tax codes together, whatever the payment date (a payment under
//! the wrong code is not a gap, c. 744: the evidence reports due and paid per code). A holder
//! whose due is below `imu.min_payable_eur` is never flagged. Anomaly when `due − paid >
//! max(min_gap, tolerance × due)`; overpayment is never an anomaly; gap = due − paid. Key:
//! the holder; the evidence lists the objects of the due and `due_incomplete` when a held
//! unit had no rent on 1 January.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use segit_model::{Anomaly, EvidenceValue, SubjectRole, SuggestedAction};

use crate::engine::{Draft, Family, Rule, RuleError, text_list};
use crate::imu_due::holder_due;
use crate::inputs::{Inputs, Source};
use crate::params::Params;

/// R18.
#[derive(Debug, Default)]
pub struct R18ImuPaidBelowDue;

fn amounts(m: &BTreeMap<String, f64>) -> EvidenceValue {
    EvidenceValue::Map(
        m.iter()
            .map(|(k, v)| (k.clone(), EvidenceValue::from((v * 100.0).round() / 100.0)))
            .collect(),
    )
}

impl Rule for R18ImuPaidBelowDue {
    fn id(&self) -> &'static str {
        "R18"
    }
    fn version(&self) -> u32 {
        1
    }
    fn title(&self) -> &'static str {
        "IMU paid below the due"
    }
    fn family(&self) -> Family {
        Family::Imu
    }
    fn legal_basis(&self) -> &'static str {
        "L. 160/2019 c. 738-783"
    }
    fn needs(&self) -> &'static [Source] {
        &[
            Source::Holdings,
            Source::Subjects,
            Source::Units,
            Source::LandParcels,
            Source::Residents,
            Source::F24,
        ]
    }
    fn evaluate(
        &self,
        inputs: &Inputs,
        params: &Params,
        as_of: NaiveDate,
    ) -> Result<Vec<Anomaly>, RuleError> {
        let year = params.tax_year_for(as_of);
        let f24 = inputs.data.f24.as_deref().unwrap_or_default();
        // holders in the order of their first holding; the anomalies by code, at the end
        let mut out: Vec<(&segit_model::TaxId, Anomaly)> = Vec::new();
        for code in inputs.holder_codes_by_first_holding() {
            let due = holder_due(inputs, params, code, year);
            if due.total < params.imu.min_payable_eur {
                continue;
            }
            let mut paid_by_code: BTreeMap<String, f64> = BTreeMap::new();
            for p in inputs.f24_of(code) {
                if f24[p].tax_year == year {
                    *paid_by_code.entry(f24[p].tax_code.clone()).or_insert(0.0) +=
                        f24[p].amount_eur;
                }
            }
            let paid: f64 = paid_by_code.values().sum();
            let gap = due.total - paid;
            if gap
                <= params
                    .rules
                    .r18_min_gap_eur
                    .max(params.rules.r18_tolerance_share * due.total)
            {
                continue;
            }
            let mut objects: Vec<String> = due.items.iter().map(|i| i.object.clone()).collect();
            objects.dedup();
            let largest = due.items.iter().max_by(|a, b| {
                a.amount
                    .total_cmp(&b.amount)
                    .then_with(|| b.object.cmp(&a.object))
            });
            let mut draft = Draft::new(self, as_of, SuggestedAction::ImuAssessment)?
                .record_key(inputs.pseudonym(code))
                .evidence("year", i64::from(year))
                .evidence("due_eur", (due.total * 100.0).round() / 100.0)
                .evidence("paid_eur", (paid * 100.0).round() / 100.0)
                .evidence("due_by_code", amounts(&due.by_code()))
                .evidence("paid_by_code", amounts(&paid_by_code))
                .evidence("objects", text_list(objects))
                .evidence("due_incomplete", due.incomplete)
                .evidence("shares_missing", due.missing_shares)
                .subject(inputs, code, SubjectRole::Owner)
                .evidence_date(NaiveDate::from_ymd_opt(year, 12, 17))
                .gap(Some(gap));
            if let Some(item) = largest {
                if let Ok(k) = item.object.parse::<segit_model::UnitKey>() {
                    draft = draft.unit(k);
                } else if let Ok(k) = item.object.parse::<segit_model::ParcelKey>() {
                    draft = draft.parcel(k);
                }
            }
            out.push((code, draft.build()));
        }
        out.sort_by(|a, b| a.0.cmp(b.0));
        Ok(out.into_iter().map(|(_, a)| a).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::*;
    use segit_model::PropertyKind;

    #[test]
    fn due_against_paid() {
        let mut data = all_sources();
        let subjects = cf_persons();
        // Every unit: 1000 × 1.05 × 160 × 0.86 % = 1444.80 a year.
        data.units = Some(dwellings(4));
        let own = |s: usize, p: u64| {
            holding(
                &subjects[s],
                property(p, PropertyKind::Building),
                "10",
                (1, 1),
                d(2010, 1, 1),
                None,
            )
        };
        data.holdings = Some(vec![own(0, 1), own(1, 2), own(2, 3), own(3, 4)]);
        data.f24 = Some(vec![
            payment(CF[0], 2025, "3918", 700.0),   // positive: gap 744.80
            payment(CF[1], 2025, "3918", 1420.0),  // near miss: gap 24.80 ≤ max(12, 28.90)
            payment(CF[2], 2025, "3912", 1444.0),  // wrong code: not a gap
            payment(CF[3], 2024, "3918", 1444.80), // paid for the wrong year → positive
        ]);
        data.subjects = Some(subjects);
        let out = R18ImuPaidBelowDue
            .evaluate(&Inputs::new(data), &Params::default(), d(2025, 12, 31))
            .unwrap();
        let gaps: Vec<f64> = out
            .iter()
            .map(|a| (a.estimated_gap.unwrap() * 100.0).round() / 100.0)
            .collect();
        let mut sorted = gaps.clone();
        sorted.sort_by(f64::total_cmp);
        assert_eq!(sorted, [744.8, 1444.8]);
        assert!(
            out.iter()
                .all(|a| a.subjects.len() == 1 && a.object.unit_key.is_some())
        );
    }
}
