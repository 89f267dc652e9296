//! The run that releases the transfer deeds, the IMU declarations, the F24 payments and the
//! utility rows once their readers ran ([`run_releasing`]) gives what the in-memory run gives
//! on a synthetic city with every source: same progress order, reports, fingerprint and
//! anomalies (as JSON, in order), same write inputs. A rule that read a released source
//! without naming it in `Rule::reads` would lose it and differ here.

#[path = "../benches/common/mod.rs"]
mod common;

use segit_correlate::persist::WriteInputs;
use segit_correlate::staged::run_releasing;
use segit_correlate::{Inputs, Params, Registry, RuleStatus, RunOptions, Source, run};

#[test]
fn releasing_deeds_and_utility_rows_changes_nothing_in_the_run() -> Result<(), common::BoxError> {
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
    // the rules reading each released source found something, so the sources were there
    let found = |id: &str| {
        plain
            .rules
            .iter()
            .any(|r| r.rule_id == id && matches!(r.status, RuleStatus::Ok(n) if n > 0))
    };
    for readers in [
        &["R27"][..],
        &["R16", "R19", "R20", "R21", "R25"],
        &["R18", "R22", "R23"],
        &["Q07", "R15"],
    ] {
        assert!(readers.iter().any(|id| found(id)), "{readers:?}");
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
fn released_sources_are_gone_from_the_snapshot() -> Result<(), common::BoxError> {
    let (data, _) = common::milan(0.005)?;
    let mut inputs = Inputs::new(data);
    assert!(!inputs.utilities().is_empty());
    let shared = std::sync::Arc::clone(&inputs.data);
    assert!(
        !inputs.release(Source::Utilities),
        "shared data is not touched"
    );
    assert!(!inputs.utilities().is_empty());
    drop(shared);
    assert!(!inputs.release(Source::Units), "units are not releasable");
    assert!(inputs.data.units.is_some());
    for source in Inputs::RELEASABLE {
        assert!(inputs.supplied_sources().contains(&source));
        assert!(inputs.release(source));
        assert!(!inputs.supplied_sources().contains(&source));
    }
    assert!(inputs.utilities().is_empty());
    assert!(inputs.utility_link(0).is_none());
    assert!(inputs.data.deeds.is_none() && inputs.data.f24.is_none());
    assert!(inputs.data.imu_declarations.is_none());
    Ok(())
}
