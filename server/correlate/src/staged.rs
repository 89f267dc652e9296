//! A run that frees the snapshot as it goes, for the command line at a city's scale: the
//! rules reading the utility rows run first, then the rows and their indexes are released
//! and the other rules run; what the write needs is then taken from the snapshot
//! ([`WriteInputs`]) and the snapshot is dropped before the anomalies are gathered and
//! sorted. The run is the one [`crate::run`] gives on the same snapshot: same reports in
//! registry order, same progress order, same anomalies in the same order.

use crate::inputs::{Inputs, Source};
use crate::params::Params;
use crate::persist::WriteInputs;
use crate::registry::Registry;
use crate::run::{Outcomes, RuleReport, Run, RunOptions, Started, selected};

/// Runs the registry's rules (or `options.only`) on `inputs`, which it consumes, calling
/// `progress` after each rule; returns the run and what writing it needs of the snapshot.
/// The utility rows are released once the rules whose [`crate::Rule::reads`] name them ran;
/// they stay if the raw data is shared.
pub fn run_releasing(
    registry: &Registry,
    mut inputs: Inputs,
    params: &Params,
    options: &RunOptions,
    progress: &mut dyn FnMut(&RuleReport),
) -> (Run, WriteInputs) {
    let started = Started::now(&inputs, params);
    let selected = selected(registry, options);
    let (first, then): (Vec<usize>, Vec<usize>) =
        (0..selected.len()).partition(|&i| selected[i].reads().contains(&Source::Utilities));
    let mut outcomes = Outcomes::new(selected.len());
    outcomes.evaluate(
        &started, &selected, &first, &inputs, params, options, progress,
    );
    inputs.release_utilities();
    outcomes.evaluate(
        &started, &selected, &then, &inputs, params, options, progress,
    );
    let write = WriteInputs::of(&inputs, params, options.as_of, outcomes.anomalies());
    drop(inputs);
    (outcomes.into_run(started, params, options), write)
}
