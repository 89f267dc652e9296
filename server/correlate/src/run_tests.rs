//! Tests of runs: per-rule status, failure isolation, determinism, fingerprint, diff.

use chrono::NaiveDate;
use segit_model::{Anomaly, SuggestedAction, UtilityKind};

use crate::engine::{Draft, Family, Rule, RuleError};
use crate::inputs::{InputData, Inputs, Source, Utilities};
use crate::params::Params;
use crate::registry::Registry;
use crate::run::{RuleStatus, RunOptions, carry_over_status, diff, run};
use crate::testkit::*;

struct Failing;
impl Rule for Failing {
    fn id(&self) -> &'static str {
        "X01"
    }
    fn version(&self) -> u32 {
        1
    }
    fn title(&self) -> &'static str {
        "always fails"
    }
    fn family(&self) -> Family {
        Family::DataQuality
    }
    fn legal_basis(&self) -> &'static str {
        "none"
    }
    fn needs(&self) -> &'static [Source] {
        &[]
    }
    fn evaluate(&self, _: &Inputs, _: &Params, _: NaiveDate) -> Result<Vec<Anomaly>, RuleError> {
        Err(RuleError::Input("broken supply".into()))
    }
}

struct Panicking;
impl Rule for Panicking {
    fn id(&self) -> &'static str {
        "X02"
    }
    fn version(&self) -> u32 {
        1
    }
    fn title(&self) -> &'static str {
        "panics"
    }
    fn family(&self) -> Family {
        Family::DataQuality
    }
    fn legal_basis(&self) -> &'static str {
        "none"
    }
    fn needs(&self) -> &'static [Source] {
        &[]
    }
    fn evaluate(&self, i: &Inputs, _: &Params, d: NaiveDate) -> Result<Vec<Anomaly>, RuleError> {
        let units = i.data.units.as_deref().unwrap_or_default();
        // Out-of-bounds index on purpose.
        let _ = &units[units.len()];
        Ok(vec![
            Draft::new(self, d, SuggestedAction::RegistryCheck)?.build(),
        ])
    }
}

fn snapshot() -> InputData {
    let mut data = all_sources();
    data.units = Some(vec![
        unit(
            1,
            vec![state(&["F205//12/101/1"], Some("F02"), d(2018, 1, 1), None)],
        ),
        unit(
            2,
            vec![state(&["F205//12/101/2"], Some("F02"), d(2018, 1, 1), None)],
        ),
    ]);
    data.utilities = Some(Utilities::from(vec![
        utility(
            UtilityKind::Electricity,
            "E1",
            Some(CF[0]),
            Some("F205//12/101/1"),
            2025,
            900.0,
        ),
        utility(
            UtilityKind::Gas,
            "G2",
            Some(CF[1]),
            Some("F205//12/101/2"),
            2025,
            900.0,
        ),
        utility(
            UtilityKind::Electricity,
            "E3",
            Some("RSSMRA85T10A562X"),
            None,
            2025,
            900.0,
        ),
    ]));
    data
}

fn options() -> RunOptions {
    RunOptions {
        as_of: d(2025, 6, 1),
        only: Vec::new(),
    }
}

#[test]
fn statuses_missing_sources_and_isolated_failures() {
    let mut data = snapshot();
    data.deaths = None;
    data.footprints = None;
    let inputs = Inputs::new(data);
    assert!(inputs.missing_sources().contains(&Source::Deaths));
    let mut rules = crate::rules::all();
    rules.insert(0, Box::new(Failing));
    rules.insert(1, Box::new(Panicking));
    let registry = Registry::from_rules(rules);
    let mut seen = 0;
    let r = run(
        &registry,
        &inputs,
        &Params::default(),
        &options(),
        &mut |_| seen += 1,
    );
    assert_eq!(seen, r.rules.len());
    let status = |id: &str| {
        r.rules
            .iter()
            .find(|x| x.rule_id == id)
            .unwrap()
            .status
            .clone()
    };
    assert_eq!(
        status("X01"),
        RuleStatus::Failed("inconsistent input: broken supply".into())
    );
    assert!(matches!(status("X02"), RuleStatus::Failed(m) if m.starts_with("internal error")));
    assert_eq!(
        status("R24"),
        RuleStatus::NotEvaluated(vec![Source::Deaths])
    );
    assert_eq!(status("R24").to_string(), "not evaluated: missing deaths");
    assert_eq!(
        status("R01").to_string(),
        "not evaluated: missing footprints"
    );
    assert_eq!(status("R07"), RuleStatus::Ok(2));
    assert!(r.anomalies.iter().any(|a| a.rule_id.as_str() == "Q07"));
}

#[test]
fn same_inputs_give_byte_identical_results_and_fingerprint() {
    let registry = Registry::standard();
    let a = run(
        &registry,
        &Inputs::new(snapshot()),
        &Params::default(),
        &options(),
        &mut |_| {},
    );
    let mut reversed = snapshot();
    reversed.units.as_mut().unwrap().reverse();
    let mut rows = reversed.utilities.take().unwrap().to_vec();
    rows.reverse();
    reversed.utilities = Some(rows.into());
    let b = run(
        &registry,
        &Inputs::new(reversed),
        &Params::default(),
        &options(),
        &mut |_| {},
    );
    assert_eq!(a.input_fingerprint, b.input_fingerprint);
    assert_eq!(
        serde_json::to_string(&a.anomalies).unwrap(),
        serde_json::to_string(&b.anomalies).unwrap()
    );
    let mut changed = snapshot();
    let mut rows = changed.utilities.take().unwrap().to_vec();
    rows[0].billed_consumption = Some(901.0);
    changed.utilities = Some(rows.into());
    let c = run(
        &registry,
        &Inputs::new(changed),
        &Params::default(),
        &options(),
        &mut |_| {},
    );
    assert_ne!(a.input_fingerprint, c.input_fingerprint);
    assert!(a.run_id.starts_with("run-") && a.run_id.ends_with(&a.input_fingerprint[..12]));
    let only = run(
        &registry,
        &Inputs::new(snapshot()),
        &Params::default(),
        &RunOptions {
            only: vec!["r07".into()],
            ..options()
        },
        &mut |_| {},
    );
    assert_eq!(only.rules.len(), 1);
    assert_eq!(only.anomalies.len(), 2);
}

#[test]
fn diff_between_runs() {
    let registry = Registry::standard();
    let options = RunOptions {
        only: vec!["R07".into()],
        ..options()
    };
    let before = run(
        &registry,
        &Inputs::new(snapshot()),
        &Params::default(),
        &options,
        &mut |_| {},
    );
    let mut later = snapshot();
    // Unit 2 is no longer used (resolved); unit 3 appears (new).
    let mut rows = later.utilities.take().unwrap().to_vec();
    rows[1].billed_consumption = Some(10.0);
    later.utilities = Some(rows.into());
    later.units.as_mut().unwrap().push(unit(
        3,
        vec![state(&["F205//12/101/3"], Some("F02"), d(2018, 1, 1), None)],
    ));
    later
        .utilities
        .as_mut()
        .unwrap()
        .push(utility(
            UtilityKind::Electricity,
            "E4",
            Some(CF[2]),
            Some("F205//12/101/3"),
            2025,
            900.0,
        ))
        .unwrap();
    let after = run(
        &registry,
        &Inputs::new(later),
        &Params::default(),
        &options,
        &mut |_| {},
    );
    let dd = diff(&before.anomalies, &after.anomalies);
    assert_eq!(dd.new, ["R07||F205//12/101/3|||"]);
    assert_eq!(dd.resolved, ["R07||F205//12/101/2|||"]);
    assert!(dd.unchanged.contains(&"R07||F205//12/101/1|||".to_owned()));
    let mut reviewed = before.anomalies.clone();
    reviewed[0].status = segit_model::AnomalyStatus::UnderReview;
    let mut current = after.anomalies.clone();
    carry_over_status(&reviewed, &mut current);
    let status = |k: &str| {
        current
            .iter()
            .find(|a| crate::run::anomaly_key(a) == k)
            .map(|a| a.status)
    };
    assert_eq!(
        status("R07||F205//12/101/1|||"),
        Some(segit_model::AnomalyStatus::UnderReview)
    );
    assert_eq!(
        status("R07||F205//12/101/3|||"),
        Some(segit_model::AnomalyStatus::New)
    );
}

#[test]
fn every_rule_runs_on_an_empty_snapshot_and_reports_missing_sources() {
    let registry = Registry::standard();
    let empty = run(
        &registry,
        &Inputs::new(all_sources()),
        &Params::default(),
        &options(),
        &mut |_| {},
    );
    assert!(
        empty.rules.iter().all(|r| r.status == RuleStatus::Ok(0)),
        "{:?}",
        empty.rules
    );
    let none = run(
        &registry,
        &Inputs::new(InputData::default()),
        &Params::default(),
        &options(),
        &mut |_| {},
    );
    for (rule, report) in registry.rules().zip(&none.rules) {
        if rule.needs().is_empty() {
            assert_eq!(report.status, RuleStatus::Ok(0));
        } else {
            assert_eq!(
                report.status,
                RuleStatus::NotEvaluated(rule.needs().to_vec()),
                "{}",
                rule.id()
            );
        }
    }
}

#[test]
fn permute_puts_each_item_at_its_rank() {
    let mut items = vec!['a', 'b', 'c', 'd', 'e', 'f'];
    // Two cycles and a fixed point.
    crate::run::permute(&mut items, &[2, 0, 1, 3, 5, 4]);
    assert_eq!(items, vec!['c', 'a', 'b', 'd', 'f', 'e']);
    let mut none: Vec<u8> = Vec::new();
    crate::run::permute(&mut none, &[]);
    assert!(none.is_empty());
}
