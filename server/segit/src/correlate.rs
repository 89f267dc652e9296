//! `segit correlate`: loads the ingested collections as the engine's snapshot, runs the rules
//! (all, or `--rule`), writes the anomaly layers and one `correlation_runs` record in one
//! transaction, and reports per rule. Progress bars on a terminal: loading per collection with
//! records/s, then per rule.

use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::NaiveDate;
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};
use segit_correlate::load::{LoadReport, Progress, load_inputs_with_report};
use segit_correlate::persist::{
    Persisted, persist_run, previous_anomalies, storage_crs, unknown_rules,
};
use segit_correlate::staged::run_releasing;
use segit_correlate::{Inputs, Params, Registry, RuleReport, RuleStatus, Run, RunOptions};
use segit_query::Crs;
use segit_store::FeatureStore;

use crate::settings::Settings;
use crate::stores::{self, Create};

/// The arguments of `segit correlate`.
#[derive(Debug, Default)]
pub struct CorrelateArgs {
    /// only these rules (all when empty)
    pub rules: Vec<String>,
    /// as-of date YYYY-MM-DD
    pub as_of: Option<String>,
    /// parameters file
    pub params: Option<PathBuf>,
}

/// What a correlation did.
pub struct Outcome {
    /// the run
    pub run: Run,
    /// what was written
    pub persisted: Persisted,
    /// what was loaded
    pub load: LoadReport,
}

impl Outcome {
    /// 0 when every selected rule ran, 10 when some were not evaluated or failed.
    pub fn exit_code(&self) -> u8 {
        if self
            .run
            .rules
            .iter()
            .all(|r| matches!(r.status, RuleStatus::Ok(_)))
        {
            0
        } else {
            10
        }
    }

    /// The report printed on standard output.
    pub fn report(&self) -> String {
        let r = &self.run;
        let mut out = format!(
            "run {}\nas of {} (tax year {})\ninput fingerprint {}\nparameters fingerprint {}\n",
            r.run_id, r.as_of, r.tax_year, r.input_fingerprint, r.params_fingerprint
        );
        for w in self.load.warnings() {
            let _ = writeln!(out, "warning: {w}");
        }
        for rule in &r.rules {
            let _ = writeln!(
                out,
                "{:<4} v{} {} ({} ms)",
                rule.rule_id, rule.version, rule.status, rule.millis
            );
        }
        let failed = r
            .rules
            .iter()
            .filter(|x| matches!(x.status, RuleStatus::Failed(_)))
            .count();
        let skipped = r
            .rules
            .iter()
            .filter(|x| matches!(x.status, RuleStatus::NotEvaluated(_)))
            .count();
        let _ = writeln!(
            out,
            "{} rules: {} ok, {} not evaluated, {} failed",
            r.rules.len(),
            r.rules.len() - failed - skipped,
            skipped,
            failed
        );
        let _ = write!(
            out,
            "anomalies: {} in this run, {} published, {} new, {} resolved",
            r.anomalies.len(),
            self.persisted.total,
            self.persisted.new,
            self.persisted.resolved
        );
        out
    }
}

/// Runs `segit correlate`.
pub async fn run(settings: &Settings, args: CorrelateArgs) -> anyhow::Result<ExitCode> {
    let as_of = as_of(settings, args.as_of.as_deref())?;
    let params = params(settings, args.params.clone())?;
    let store = stores::open(&settings.store, Create::Never).await?;
    let outcome = correlate(
        store.as_ref(),
        settings,
        &params,
        &RunOptions {
            as_of,
            only: args.rules,
        },
    )
    .await?;
    std::io::Write::write_all(
        &mut std::io::stdout().lock(),
        format!("{}\n", outcome.report()).as_bytes(),
    )?;
    Ok(ExitCode::from(outcome.exit_code()))
}

/// The as-of date: `--as-of`, else `correlate.as_of`, else today.
pub fn as_of(settings: &Settings, arg: Option<&str>) -> anyhow::Result<NaiveDate> {
    let (text, from) = match arg {
        Some(a) => (a, "--as-of"),
        None if !settings.correlate.as_of.is_empty() => {
            (settings.correlate.as_of.as_str(), "correlate.as_of")
        }
        None => return Ok(chrono::Utc::now().date_naive()),
    };
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .with_context(|| format!("{from} {text} is not a date YYYY-MM-DD"))
}

/// The parameters: `--params FILE`, else `correlate.params_file`, else the reference defaults.
pub fn params(settings: &Settings, arg: Option<PathBuf>) -> anyhow::Result<Params> {
    let file = arg.or_else(|| {
        (!settings.correlate.params_file.as_os_str().is_empty())
            .then(|| settings.correlate.params_file.clone())
    });
    let Some(file) = file else {
        return Ok(Params::default());
    };
    let text = std::fs::read_to_string(&file)
        .with_context(|| format!("cannot read the parameters file {}", file.display()))?;
    Params::from_json_str(&text).with_context(|| format!("parameters file {}", file.display()))
}

/// Loads the snapshot, runs the rules and writes the run.
pub async fn correlate(
    store: &dyn FeatureStore,
    settings: &Settings,
    params: &Params,
    options: &RunOptions,
) -> anyhow::Result<Outcome> {
    let registry = Registry::standard();
    let unknown = unknown_rules(&registry, &options.only);
    anyhow::ensure!(
        unknown.is_empty(),
        "unknown rule(s) {} (known: {})",
        unknown.join(", "),
        registry.ids().join(", ")
    );
    let key = settings.correlate.pseudonym_key.expose();
    if key.is_empty() {
        tracing::warn!(
            "correlate.pseudonym_key is empty: the subjects' pseudonyms are not secret (set SEGIT_CORRELATE__PSEUDONYM_KEY)"
        );
    }
    let mut bars = Bars::new();
    stage("loading the ingested collections");
    let (data, load) = load_inputs_with_report(store, &mut |name, n| bars.loading(name, n))
        .await
        .context("loading the ingested collections")?;
    bars.loaded();
    for w in load.warnings() {
        tracing::warn!("{w}");
    }
    let crs = match store.catalog().await {
        Ok(catalog) => storage_crs(&catalog),
        Err(_) => None,
    };
    let crs = match crs {
        Some(c) => c,
        None => Crs::parse(&settings.ingest.storage_crs)
            .with_context(|| format!("ingest.storage_crs = {}", settings.ingest.storage_crs))?,
    };
    stage("indexing the inputs");
    let inputs = Inputs::new(data).with_pseudonym_key(key.as_bytes());
    stage("fingerprint and rules");
    let selected = registry
        .rules()
        .filter(|r| {
            options.only.is_empty()
                || options
                    .only
                    .iter()
                    .any(|o| o.trim().eq_ignore_ascii_case(r.id()))
        })
        .count();
    bars.rules(selected);
    // the utility rows are released once their rules ran; the snapshot (records and indexes)
    // is dropped, once what the write takes of it is taken, before the anomalies are gathered
    // and the previous run is read (the anomalies own their data)
    let (mut run, from_inputs) = run_releasing(&registry, inputs, params, options, &mut |r| {
        bars.rule_done(r);
    });
    bars.clear();
    stage("reading the previous run");
    let previous = previous_anomalies(store, &run)
        .await
        .context("reading the previous run's anomalies")?;
    for p in previous.unreadable.iter().take(5) {
        tracing::warn!("previous anomaly not readable, treated as absent: {p}");
    }
    stage("writing the run");
    let persisted = persist_run(
        store,
        &registry,
        &from_inputs,
        &mut run,
        &previous,
        crs,
        chrono::Utc::now(),
    )
    .await
    .context("writing the run; the store is unchanged")?;
    stage("written");
    Ok(Outcome {
        run,
        persisted,
        load,
    })
}

/// Logs the start of a stage of the run (or its end, "written"), with the memory the process
/// holds then and the most it has held so far.
fn stage(stage: &str) {
    tracing::info!(
        stage,
        rss_mb = crate::memory::resident_mb(),
        peak_mb = crate::memory::peak_mb(),
        "correlate"
    );
}

/// Progress on standard error (nothing drawn when it is not a terminal): a spinner per
/// collection being loaded (two at a time), then a bar over the rules.
struct Bars {
    terminal: bool,
    bar: Option<ProgressBar>,
    /// the spinners of the collections being loaded
    spinners: MultiProgress,
    /// collections being loaded: their spinner and when they started
    loading: Vec<(String, ProgressBar, Instant)>,
}

impl Bars {
    fn new() -> Self {
        let terminal = std::io::stderr().is_terminal();
        Self {
            terminal,
            bar: None,
            spinners: MultiProgress::with_draw_target(Self::draw_target(terminal)),
            loading: Vec::new(),
        }
    }

    fn draw_target(terminal: bool) -> ProgressDrawTarget {
        if terminal {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        }
    }

    fn target(&self) -> ProgressDrawTarget {
        Self::draw_target(self.terminal)
    }

    fn clear(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }

    /// How far the read of a collection is.
    fn loading(&mut self, collection: &str, progress: Progress) {
        match progress {
            Progress::Started => self.started(collection),
            Progress::Reading(n) => {
                if let Some((_, bar, _)) = self.loading.iter().find(|(c, ..)| c == collection) {
                    bar.set_position(n);
                }
            }
            Progress::Read(n) => self.read(collection, n),
        }
    }

    /// A spinner for a collection whose read starts.
    fn started(&mut self, collection: &str) {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        let style = ProgressStyle::with_template(
            "{spinner} {prefix:>14} {wide_msg} {human_pos:>10} features {rate:>12} {elapsed:>4}",
        )
        .map_or_else(
            |_| ProgressStyle::default_spinner(),
            |s| {
                s.with_key(
                    "rate",
                    |state: &ProgressState, w: &mut dyn std::fmt::Write| {
                        let _ = write!(w, "{:.0}/s", state.per_sec());
                    },
                )
            },
        );
        bar.set_style(style);
        bar.set_prefix("loading");
        bar.set_message(collection.to_owned());
        // drawn once it names its collection
        let bar = self.spinners.add(bar);
        bar.enable_steady_tick(Duration::from_millis(120));
        self.loading
            .push((collection.to_owned(), bar, Instant::now()));
    }

    /// A collection is read: its spinner goes, its count and rate are logged.
    fn read(&mut self, collection: &str, n: u64) {
        let Some(at) = self.loading.iter().position(|(c, ..)| c == collection) else {
            return;
        };
        let (collection, bar, started) = self.loading.remove(at);
        bar.finish_and_clear();
        self.spinners.remove(&bar);
        let secs = started.elapsed().as_secs_f64().max(1e-3);
        #[allow(clippy::cast_precision_loss)]
        let rate = n as f64 / secs;
        tracing::info!(
            collection,
            features = n,
            rate = format!("{rate:.0}/s"),
            rss_mb = crate::memory::resident_mb(),
            "loaded"
        );
    }

    /// The load is over: the spinners left (none once every collection is read) go.
    fn loaded(&mut self) {
        for (_, bar, _) in self.loading.drain(..) {
            bar.finish_and_clear();
        }
        let _ = self.spinners.clear();
    }

    fn rules(&mut self, n: usize) {
        self.clear();
        let bar = ProgressBar::with_draw_target(Some(n as u64), self.target());
        if let Ok(style) =
            ProgressStyle::with_template("{prefix:>14} [{bar:30}] {pos}/{len} {wide_msg}")
        {
            bar.set_style(style);
        }
        bar.set_prefix("rules");
        self.bar = Some(bar);
    }

    fn rule_done(&mut self, r: &RuleReport) {
        tracing::info!(
            rule = %r.rule_id,
            status = %r.status,
            millis = %r.millis,
            rss_mb = crate::memory::resident_mb(),
            "rule"
        );
        if let Some(bar) = &self.bar {
            bar.set_message(format!("{} {}", r.rule_id, r.status));
            bar.inc(1);
        }
    }
}
