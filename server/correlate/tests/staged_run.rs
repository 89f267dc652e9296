//! The run that releases the utility rows once their readers ran ([`run_releasing`]) gives
//! what the in-memory run gives on a synthetic city with every source: same progress order,
//! reports, fingerprint and anomalies (as JSON, in order), same write inputs. A rule that read
//! the utility rows without naming them in `Rule::reads` would lose them and differ here.

#[path = "../benches/common/mod.rs"]
mod common;

use segit_correlate::persist::WriteInputs;
use segit_correlate::staged::run_releasing;
use segit_correlate::{Inputs, Params, Registry, RuleStatus, RunOptions, Source, run};

#[test]
fn releasing_the_utility_rows_changes_nothing_in_the_run() -> Result<(), common::BoxError> {
    let (data, _) = common::milan(0.02)?;
    let registry = Registry::standard();
    let params = Params::default();
    let options = RunOptions {
        as_of: common::as_of(),
        only: Vec::new(),
    };
    let inputs = Inputs::new(data.clone()).with_pseudonym_key(b"staged");
    let mut order = Vec::new();
    let plain = run(&registry, &inputs, &params, &options, &mut |r| {
        order.push(r.rule_id.clone());
    });
    let plain_write = WriteInputs::new(&inputs, &params, &plain);
    drop(inputs);

    let inputs = Inputs::new(data).with_pseudonym_key(b"staged");
    let mut staged_order = Vec::new();
    let (staged, staged_write) = run_releasing(&registry, inputs, &params, &options, &mut |r| {
        staged_order.push(r.rule_id.clone());
    });

    assert_eq!(order, staged_order, "progress in registry order");
    assert_eq!(plain.input_fingerprint, staged.input_fingerprint);
    let statuses = |r: &segit_correlate::Run| -> Vec<(String, RuleStatus)> {
        r.rules
            .iter()
            .map(|x| (x.rule_id.clone(), x.status.clone()))
            .collect()
    };
    assert_eq!(statuses(&plain), statuses(&staged));
    // the utility rules found something, so the rows were there for them
    for id in ["Q07", "R15"] {
        let found = plain.rules.iter().find(|r| r.rule_id == id);
        assert!(
            matches!(found.map(|r| &r.status), Some(RuleStatus::Ok(n)) if *n > 0),
            "{id}: {found:?}"
        );
    }
    assert_eq!(plain.anomalies.len(), staged.anomalies.len());
    for (a, b) in plain.anomalies.iter().zip(&staged.anomalies) {
        assert_eq!(serde_json::to_string(a)?, serde_json::to_string(b)?);
    }
    assert_eq!(format!("{plain_write:?}"), format!("{staged_write:?}"));
    Ok(())
}

#[test]
fn every_rule_reads_what_it_needs() {
    for rule in Registry::standard().rules() {
        for s in rule.needs() {
            assert!(
                rule.reads().contains(s),
                "{} needs {s} but does not read it",
                rule.id()
            );
        }
    }
}

#[test]
fn released_utility_rows_are_gone_from_the_snapshot() -> Result<(), common::BoxError> {
    let (data, _) = common::milan(0.005)?;
    let mut inputs = Inputs::new(data);
    assert!(!inputs.utilities().is_empty());
    let shared = std::sync::Arc::clone(&inputs.data);
    assert!(!inputs.release_utilities(), "shared data is not touched");
    assert!(!inputs.utilities().is_empty());
    drop(shared);
    assert!(inputs.release_utilities());
    assert!(inputs.utilities().is_empty());
    assert!(inputs.utility_link(0).is_none());
    assert!(!inputs.supplied_sources().contains(&Source::Utilities));
    Ok(())
}
