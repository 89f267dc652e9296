//! A run of the engine: an id, the rule versions, the input fingerprint, timings, per-rule
//! status (ok / not evaluated: missing X / failed: reason — a failing rule never stops the
//! others), anomalies in a deterministic order, and the diff against a previous run by a
//! stable anomaly key.

use std::borrow::Borrow;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::Instant;

use chrono::{DateTime, NaiveDate, Utc};
use segit_model::{Anomaly, AnomalyStatus, EvidenceValue};

use crate::engine::{RECORD_KEY, Rule};
use crate::fingerprint::input_fingerprint;
use crate::inputs::{Inputs, Source};
use crate::params::Params;
use crate::registry::Registry;

/// Outcome of one rule in a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleStatus {
    /// Evaluated; number of anomalies.
    Ok(usize),
    /// Not evaluated: sources missing.
    NotEvaluated(Vec<Source>),
    /// Failed: reason.
    Failed(String),
}

impl std::fmt::Display for RuleStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Ok(n) => write!(f, "ok ({n} anomalies)"),
            Self::NotEvaluated(m) => {
                let names: Vec<&str> = m.iter().map(|s| s.name()).collect();
                write!(f, "not evaluated: missing {}", names.join(", "))
            }
            Self::Failed(r) => write!(f, "failed: {r}"),
        }
    }
}

/// One rule's line of the run report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleReport {
    /// Rule id.
    pub rule_id: String,
    /// Rule version.
    pub version: u32,
    /// Outcome.
    pub status: RuleStatus,
    /// Wall time of the evaluation, milliseconds.
    pub millis: u128,
}

/// What to run.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// As-of date D.
    pub as_of: NaiveDate,
    /// Only these rule ids (all when empty).
    pub only: Vec<String>,
}

/// A finished run.
#[derive(Debug, Clone)]
pub struct Run {
    /// Run id: start time to the millisecond and fingerprint prefix
    /// (`run-20250101T101500.123Z-3fa2…`): two runs on the same inputs in the same second (the
    /// demo's run, then a user's) still get different ids.
    pub run_id: String,
    /// Start time.
    pub started_at: DateTime<Utc>,
    /// As-of date.
    pub as_of: NaiveDate,
    /// Tax year.
    pub tax_year: i32,
    /// SHA-256 of the inputs in canonical order (hex).
    pub input_fingerprint: String,
    /// SHA-256 of the parameters (hex).
    pub params_fingerprint: String,
    /// Per-rule reports, in registry order.
    pub rules: Vec<RuleReport>,
    /// Anomalies, sorted by stable key.
    pub anomalies: Vec<Anomaly>,
    /// Total wall time, milliseconds.
    pub millis: u128,
}

/// Runs the registry's rules (or `options.only`) and calls `progress` after each rule.
pub fn run(
    registry: &Registry,
    inputs: &Inputs,
    params: &Params,
    options: &RunOptions,
    progress: &mut dyn FnMut(&RuleReport),
) -> Run {
    let started = Started::now(inputs, params);
    let selected = selected(registry, options);
    let mut outcomes = Outcomes::new(selected.len());
    let all: Vec<usize> = (0..selected.len()).collect();
    outcomes.evaluate(&started, &selected, &all, inputs, params, options, progress);
    outcomes.into_run(started, params, options)
}

/// The rules a run evaluates, in registry order: all, or those of `options.only`.
pub(crate) fn selected<'r>(registry: &'r Registry, options: &RunOptions) -> Vec<&'r dyn Rule> {
    registry
        .rules()
        .filter(|rule| {
            options.only.is_empty()
                || options
                    .only
                    .iter()
                    .any(|o| o.trim().eq_ignore_ascii_case(rule.id()))
        })
        .collect()
}

/// What a run knows from its start: times, fingerprints and the sources supplied.
pub(crate) struct Started {
    at: Instant,
    at_utc: DateTime<Utc>,
    input_fingerprint: String,
    params_fingerprint: String,
    /// the sources supplied when the run started (a source released during the run stays
    /// supplied for the rules' needs)
    pub(crate) supplied: BTreeSet<Source>,
}

impl Started {
    pub(crate) fn now(inputs: &Inputs, params: &Params) -> Self {
        Self {
            at: Instant::now(),
            at_utc: Utc::now(),
            input_fingerprint: input_fingerprint(inputs),
            params_fingerprint: crate::fingerprint::sha256_hex(format!("{params:?}").as_bytes()),
            supplied: inputs.supplied_sources(),
        }
    }
}

/// The outcome of each selected rule (registry order) as the rules finish, whatever the order
/// they are evaluated in; progress is reported in registry order, so the progress lines, the
/// reports and the anomalies do not depend on the schedule.
pub(crate) struct Outcomes {
    done: Vec<Option<(RuleReport, Vec<Anomaly>)>>,
    /// outcomes reported to `progress` so far (a prefix of `done`)
    reported: usize,
}

impl Outcomes {
    pub(crate) fn new(n: usize) -> Self {
        Self {
            done: (0..n).map(|_| None).collect(),
            reported: 0,
        }
    }

    /// The anomalies found so far.
    pub(crate) fn anomalies(&self) -> impl Iterator<Item = &Anomaly> {
        self.done.iter().flatten().flat_map(|(_, found)| found)
    }

    /// Evaluates the rules `selected[i]` for each `i` of `which`, on two threads; a rule
    /// runs when the sources it needs were supplied at the `started` of the run.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn evaluate(
        &mut self,
        started: &Started,
        selected: &[&dyn Rule],
        which: &[usize],
        inputs: &Inputs,
        params: &Params,
        options: &RunOptions,
        progress: &mut dyn FnMut(&RuleReport),
    ) {
        let supplied = &started.supplied;
        let next = std::sync::atomic::AtomicUsize::new(0);
        let (tx, rx) = std::sync::mpsc::channel::<(usize, RuleReport, Vec<Anomaly>)>();
        std::thread::scope(|scope| {
            for _ in 0..WORKERS {
                let tx = tx.clone();
                let next = &next;
                scope.spawn(move || {
                    loop {
                        let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(&i) = which.get(k) else { break };
                        let Some(&rule) = selected.get(i) else { break };
                        let (report, found) = evaluate_one(rule, inputs, params, options, supplied);
                        if tx.send((i, report, found)).is_err() {
                            break;
                        }
                    }
                });
            }
            drop(tx);
            for (i, report, found) in rx {
                if let Some(slot) = self.done.get_mut(i) {
                    *slot = Some((report, found));
                }
                while let Some(Some((report, _))) = self.done.get(self.reported) {
                    progress(report);
                    self.reported += 1;
                }
            }
        });
    }

    /// The run: the reports in registry order, the anomalies of all rules sorted.
    pub(crate) fn into_run(self, started: Started, params: &Params, options: &RunOptions) -> Run {
        let total: usize = self
            .done
            .iter()
            .flatten()
            .map(|(_, found)| found.len())
            .sum();
        let mut reports = Vec::with_capacity(self.done.len());
        let mut groups = Vec::with_capacity(self.done.len());
        for (report, found) in self.done.into_iter().flatten() {
            reports.push(report);
            groups.push(found);
        }
        // The rule's vector with the most room takes the others (often without growing):
        // the order before sorting does not matter, as keys start with the rule id and the
        // anomalies of one rule keep their order.
        let widest = (0..groups.len()).max_by_key(|&i| groups[i].capacity());
        let mut anomalies = widest.map_or_else(Vec::new, |i| std::mem::take(&mut groups[i]));
        anomalies.reserve_exact(total - anomalies.len());
        for found in groups {
            anomalies.extend(found);
        }
        sort_anomalies(&mut anomalies);
        let fingerprint = started.input_fingerprint;
        Run {
            run_id: format!(
                "run-{}-{}",
                started.at_utc.format("%Y%m%dT%H%M%S%.3fZ"),
                &fingerprint[..12.min(fingerprint.len())]
            ),
            started_at: started.at_utc,
            as_of: options.as_of,
            tax_year: params.tax_year_for(options.as_of),
            input_fingerprint: fingerprint,
            params_fingerprint: started.params_fingerprint,
            rules: reports,
            anomalies,
            millis: started.at.elapsed().as_millis(),
        }
    }
}

/// Threads evaluating rules (the target machine has two cores).
const WORKERS: usize = 2;

/// Evaluates one rule (or reports the sources it misses), timed.
fn evaluate_one(
    rule: &dyn Rule,
    inputs: &Inputs,
    params: &Params,
    options: &RunOptions,
    supplied: &BTreeSet<Source>,
) -> (RuleReport, Vec<Anomaly>) {
    let t = Instant::now();
    let missing: Vec<Source> = rule
        .needs()
        .iter()
        .copied()
        .filter(|s| !supplied.contains(s))
        .collect();
    let mut found = Vec::new();
    let status = if missing.is_empty() {
        match evaluate_guarded(rule, inputs, params, options.as_of) {
            Ok(v) => {
                found = v;
                RuleStatus::Ok(found.len())
            }
            Err(reason) => RuleStatus::Failed(reason),
        }
    } else {
        RuleStatus::NotEvaluated(missing)
    };
    let report = RuleReport {
        rule_id: rule.id().to_owned(),
        version: rule.version(),
        status,
        millis: t.elapsed().as_millis(),
    };
    (report, found)
}

fn evaluate_guarded(
    rule: &dyn Rule,
    inputs: &Inputs,
    params: &Params,
    as_of: NaiveDate,
) -> Result<Vec<Anomaly>, String> {
    match catch_unwind(AssertUnwindSafe(|| rule.evaluate(inputs, params, as_of))) {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(e.to_string()),
        Err(panic) => Err(panic
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .map_or_else(
                || "internal error".to_owned(),
                |m| format!("internal error: {m}"),
            )),
    }
}

/// Stable key of an anomaly: rule, object keys and the rule's record key.
pub fn anomaly_key(a: &Anomaly) -> String {
    use std::fmt::Write as _;
    // written straight into one string: `rule|parcel|unit|address|microzone|record`
    let mut key = String::with_capacity(64);
    let _ = write!(key, "{}|", a.rule_id);
    if let Some(k) = &a.object.parcel_key {
        let _ = write!(key, "{k}");
    }
    key.push('|');
    if let Some(k) = &a.object.unit_key {
        let _ = write!(key, "{k}");
    }
    key.push('|');
    if let Some(k) = &a.object.address_key {
        let _ = write!(key, "{k}");
    }
    key.push('|');
    if let Some(z) = a.object.microzone {
        let _ = write!(key, "{z}");
    }
    key.push('|');
    match a.evidence.get(RECORD_KEY) {
        Some(EvidenceValue::Text(t)) => key.push_str(t),
        Some(other) => {
            let _ = write!(key, "{other:?}");
        }
        None => {}
    }
    key
}

/// Sorts anomalies by stable key, then by their JSON form (identical inputs → identical order).
pub fn sort_anomalies(anomalies: &mut [Anomaly]) {
    let order = sorted_order(anomalies);
    permute(anomalies, &order);
}

/// Sorts references to anomalies in the order of [`sort_anomalies`].
pub fn sort_anomaly_refs(anomalies: &mut [&Anomaly]) {
    let order = sorted_order(anomalies);
    permute(anomalies, &order);
}

/// The order of [`sort_anomalies`]: `order[k]` is the index of the anomaly at rank `k`.
fn sorted_order<A: Borrow<Anomaly>>(anomalies: &[A]) -> Vec<usize> {
    let keys: Vec<String> = anomalies.iter().map(|a| anomaly_key(a.borrow())).collect();
    sorted_order_by_key(anomalies, &keys)
}

/// The order of [`sort_anomalies`] when the stable keys are known (`keys[i]` that of
/// `anomalies[i]`): `order[k]` is the index of the anomaly at rank `k`.
pub(crate) fn sorted_order_by_key<A: Borrow<Anomaly>, K: AsRef<str>>(
    anomalies: &[A],
    keys: &[K],
) -> Vec<usize> {
    let key = |i: usize| keys[i].as_ref();
    let mut order: Vec<usize> = (0..anomalies.len()).collect();
    // stable: equal keys keep their index order, as a sort of (key, index) pairs did
    order.sort_by(|&i, &j| key(i).cmp(key(j)));
    // Equal keys (rare): order by the JSON form of the records.
    let mut start = 0;
    while start < order.len() {
        let first = key(order[start]);
        let end = start
            + order[start..]
                .iter()
                .take_while(|&&i| key(i) == first)
                .count();
        if end - start > 1 {
            order[start..end].sort_by_cached_key(|&i| {
                serde_json::to_string(anomalies[i].borrow()).unwrap_or_default()
            });
        }
        start = end;
    }
    order
}

/// Puts `items[order[k]]` at position `k`, in place (one swap per moved item, no copies).
pub(crate) fn permute<T>(items: &mut [T], order: &[usize]) {
    let mut placed = vec![false; items.len()];
    for start in 0..items.len() {
        let mut at = start;
        while !placed[at] {
            placed[at] = true;
            let from = order[at];
            if from == start {
                break;
            }
            items.swap(at, from);
            at = from;
        }
    }
}

/// Difference between two runs, by stable key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunDiff {
    /// Keys present now, absent before.
    pub new: Vec<String>,
    /// Keys present before, absent now.
    pub resolved: Vec<String>,
    /// Keys present in both runs.
    pub unchanged: Vec<String>,
}

/// Compares the anomalies of a previous run with the current ones.
pub fn diff<A: Borrow<Anomaly>, B: Borrow<Anomaly>>(previous: &[A], current: &[B]) -> RunDiff {
    let before: Vec<String> = previous.iter().map(|a| anomaly_key(a.borrow())).collect();
    let now: Vec<String> = current.iter().map(|a| anomaly_key(a.borrow())).collect();
    diff_keys(&before, &now)
}

/// [`diff`] of the stable keys of the previous and the current anomalies.
pub(crate) fn diff_keys<K: AsRef<str>>(previous: &[K], current: &[K]) -> RunDiff {
    let before: BTreeSet<&str> = previous.iter().map(AsRef::as_ref).collect();
    let now: BTreeSet<&str> = current.iter().map(AsRef::as_ref).collect();
    let pick = |from: &BTreeSet<&str>, keep: &dyn Fn(&str) -> bool| -> Vec<String> {
        from.iter()
            .filter(|k| keep(k))
            .map(|k| (*k).to_owned())
            .collect()
    };
    RunDiff {
        new: pick(&now, &|k| !before.contains(k)),
        resolved: pick(&before, &|k| !now.contains(k)),
        unchanged: pick(&now, &|k| before.contains(k)),
    }
}

/// How many keys of `current` are absent from `previous` (new) and how many of `previous`
/// are absent from `current` (resolved), each key counted once: the lengths of [`diff`]'s
/// `new` and `resolved`.
pub(crate) fn diff_counts<K: AsRef<str>, L: AsRef<str>>(
    previous: &[K],
    current: &[L],
) -> (usize, usize) {
    let before: HashSet<&str> = previous.iter().map(AsRef::as_ref).collect();
    let now: HashSet<&str> = current.iter().map(AsRef::as_ref).collect();
    (
        now.iter().filter(|k| !before.contains(*k)).count(),
        before.iter().filter(|k| !now.contains(*k)).count(),
    )
}

/// Carries the review status of the previous run's anomalies over to the same anomalies (by
/// stable key) of the current run, so that a record under review or notified stays so; new
/// records keep `new`.
pub fn carry_over_status<A: Borrow<Anomaly>>(previous: &[A], current: &mut [Anomaly]) {
    let before: Vec<String> = previous.iter().map(|a| anomaly_key(a.borrow())).collect();
    let now: Vec<String> = current.iter().map(anomaly_key).collect();
    let statuses = previous.iter().map(|a| a.borrow().status);
    carry_over_by_key(
        before.iter().map(String::as_str).zip(statuses),
        current,
        &now,
    );
}

/// [`carry_over_status`] when the stable keys are known: `previous` gives the stable key and
/// the status of each previous anomaly, `current_keys[i]` is the stable key of `current[i]`.
pub(crate) fn carry_over_by_key<'k, K: AsRef<str>>(
    previous: impl IntoIterator<Item = (&'k str, AnomalyStatus)>,
    current: &mut [Anomaly],
    current_keys: &[K],
) {
    // the last previous anomaly of a key gives its status
    let before: HashMap<&str, AnomalyStatus> = previous.into_iter().collect();
    for (a, k) in current.iter_mut().zip(current_keys) {
        if let Some(s) = before.get(k.as_ref()) {
            a.status = *s;
        }
    }
}
