//! A run that frees the snapshot as it goes, for the command line at a city's scale: the
//! rules reading the transfer deeds run first and the deeds are released, then those reading
//! the IMU declarations, then the F24 payments, then the utility rows, each source released
//! with its indexes once its readers ran, then the other rules run
//! ([`Inputs::RELEASABLE`]); what the write needs is then taken from the snapshot
//! ([`WriteInputs`]) and the snapshot is dropped before the anomalies are gathered and
//! sorted. The run is the one [`crate::run`] gives on the same snapshot: same reports in
//! registry order, same progress order, same anomalies in the same order.

use crate::engine::Rule;
use crate::inputs::{Inputs, Source};
use crate::params::Params;
use crate::persist::WriteInputs;
use crate::registry::Registry;
use crate::run::{Outcomes, RuleReport, Run, RunOptions, Started, selected};

/// Runs the registry's rules (or `options.only`) on `inputs`, which it consumes, calling
/// `progress` after each rule; returns the run and what writing it needs of the snapshot.
/// A releasable source is released once the rules whose [`crate::Rule::reads`] name it ran;
/// sources stay while the raw data is shared.
pub fn run_releasing(
    registry: &Registry,
    mut inputs: Inputs,
    params: &Params,
    options: &RunOptions,
    progress: &mut dyn FnMut(&RuleReport),
) -> (Run, WriteInputs) {
    let started = Started::now(&inputs, params);
    let selected = selected(registry, options);
    let mut outcomes = Outcomes::new(selected.len());
    for (source, rules) in phases(&selected) {
        outcomes.evaluate(
            &started, &selected, &rules, &inputs, params, options, progress,
        );
        if let Some(source) = source {
            inputs.release(source);
        }
    }
    let write = WriteInputs::of(&inputs, params, options.as_of, outcomes.anomalies());
    drop(inputs);
    (outcomes.into_run(started, params, options), write)
}

/// The phases of a staged run: for each releasable source ([`Inputs::RELEASABLE`], in
/// order), the rules (indexes into `selected`) reading it that no earlier phase ran, the source
/// released after them; then the rules reading none of them.
fn phases(selected: &[&dyn Rule]) -> Vec<(Option<Source>, Vec<usize>)> {
    let mut left: Vec<usize> = (0..selected.len()).collect();
    let mut out = Vec::new();
    for source in Inputs::RELEASABLE {
        let (reading, rest): (Vec<usize>, Vec<usize>) = left
            .into_iter()
            .partition(|&i| selected[i].reads().contains(&source));
        out.push((Some(source), reading));
        left = rest;
    }
    out.push((None, left));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_rule_runs_once_before_the_sources_it_reads_go() {
        let registry = Registry::standard();
        let selected: Vec<&dyn Rule> = registry.rules().collect();
        let phases = phases(&selected);
        assert_eq!(phases.len(), Inputs::RELEASABLE.len() + 1);
        let mut runs = vec![0; selected.len()];
        for (k, (_, rules)) in phases.iter().enumerate() {
            for &i in rules {
                runs[i] += 1;
                for released in phases[..k].iter().filter_map(|(s, _)| *s) {
                    assert!(
                        !selected[i].reads().contains(&released),
                        "{}",
                        selected[i].id()
                    );
                }
            }
        }
        assert!(runs.iter().all(|&n| n == 1), "{runs:?}");
        let ids =
            |k: usize| -> Vec<&str> { phases[k].1.iter().map(|&i| selected[i].id()).collect() };
        assert_eq!(phases[0].0, Some(Source::Deeds));
        assert_eq!(ids(0), ["R27"]);
        assert_eq!(phases[1].0, Some(Source::ImuDeclarations));
        assert_eq!(ids(1), ["R16", "R19", "R20", "R21", "R25"]);
        assert_eq!(phases[2].0, Some(Source::F24));
        assert_eq!(ids(2), ["R18", "R22", "R23"]);
        assert_eq!(phases[3].0, Some(Source::Utilities));
        assert_eq!(ids(3), ["Q01", "Q07", "Q08", "R07", "R08", "R09", "R15"]);
        assert_eq!(phases[4].0, None);
    }
}
