//! `segit ingest <dir>`: reads a supply directory into the configured store in one transaction,
//! with progress bars (records/s) on a terminal, a report on standard output and a diagnostics
//! file (JSON Lines: file, line, field, reason, severity).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use chrono::NaiveDate;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};
use segit_ingest::pipeline::{
    IngestOptions, KindStats, Progress, SourceKind, ingest, write_diagnostics,
};
use segit_query::Crs;

use crate::settings::Settings;
use crate::stores::{self, Create};

/// The arguments of `segit ingest`.
#[derive(Debug)]
pub struct IngestArgs {
    /// supply directory or file
    pub dir: PathBuf,
    /// forced kind
    pub kind: Option<String>,
    /// CRS of the CXF maps
    pub cxf_crs: Option<String>,
    /// supply date
    pub supply_date: Option<String>,
    /// diagnostics file
    pub diagnostics: Option<PathBuf>,
}

/// Runs the ingest; the exit code tells success (0), success with rejected records (10).
pub async fn run(settings: &Settings, args: IngestArgs) -> anyhow::Result<ExitCode> {
    let options = options(settings, &args)?;
    if !args.dir.exists() {
        anyhow::bail!("the supply {} does not exist", args.dir.display());
    }
    let store = stores::open(&settings.store, Create::IfMissing).await?;
    let mut progress = Bars::new();
    tracing::info!(supply = %args.dir.display(), date = %options.supply_date, "ingest starts");
    let report = ingest(store.as_ref(), &args.dir, &options, &mut progress)
        .await
        .with_context(|| {
            format!(
                "ingest of {} failed; the store is unchanged",
                args.dir.display()
            )
        })?;
    progress.clear();
    let diagnostics = args
        .diagnostics
        .clone()
        .unwrap_or_else(|| settings.ingest.diagnostics_file.clone());
    write_diagnostics(&diagnostics, &report.diagnostics).with_context(|| {
        format!(
            "the ingest committed, but the diagnostics file {} cannot be written",
            diagnostics.display()
        )
    })?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{report}")?;
    writeln!(
        out,
        "{} diagnostic(s) written to {}",
        report.diagnostics.len(),
        diagnostics.display()
    )?;
    Ok(ExitCode::from(report.exit_status().code()))
}

/// The ingest options from the settings and the command line.
fn options(settings: &Settings, args: &IngestArgs) -> anyhow::Result<IngestOptions> {
    let storage_crs = Crs::parse(&settings.ingest.storage_crs)
        .with_context(|| format!("ingest.storage_crs = {}", settings.ingest.storage_crs))?;
    let supply_date = match &args.supply_date {
        Some(d) => NaiveDate::parse_from_str(d, "%Y-%m-%d")
            .with_context(|| format!("--supply-date {d} is not a date YYYY-MM-DD"))?,
        None => chrono::Utc::now().date_naive(),
    };
    let mut options = IngestOptions::new(storage_crs, supply_date);
    options.kind = args
        .kind
        .as_deref()
        .map(SourceKind::parse)
        .transpose()
        .map_err(|e| anyhow::anyhow!("--kind: {e}"))?;
    let cxf = args
        .cxf_crs
        .clone()
        .or_else(|| (!settings.ingest.cxf_crs.is_empty()).then(|| settings.ingest.cxf_crs.clone()));
    options.cxf_crs = cxf
        .map(|c| Crs::parse(&c).with_context(|| format!("CXF CRS {c}")))
        .transpose()?;
    Ok(options)
}

/// Progress bars on standard error, one per file, with records per second; nothing is drawn
/// when standard error is not a terminal (stages are then logged).
struct Bars {
    terminal: bool,
    bar: Option<ProgressBar>,
}

impl Bars {
    fn new() -> Self {
        Self {
            terminal: std::io::stderr().is_terminal(),
            bar: None,
        }
    }

    fn clear(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }

    fn spinner(&mut self, prefix: String, message: String) {
        self.clear();
        let target = if self.terminal {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        let bar = ProgressBar::with_draw_target(None, target);
        let style = ProgressStyle::with_template(
            "{spinner} {prefix:>14} {wide_msg} {human_pos:>10} records {rate:>12} {elapsed:>4}",
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
        bar.set_prefix(prefix);
        bar.set_message(message);
        bar.enable_steady_tick(Duration::from_millis(120));
        self.bar = Some(bar);
    }
}

impl Progress for Bars {
    fn file_started(&mut self, kind: SourceKind, path: &Path) {
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        self.spinner(kind.name().to_owned(), name);
    }

    fn records(&mut self, n: u64) {
        if let Some(bar) = &self.bar {
            bar.inc(n);
        }
    }

    fn file_finished(&mut self, kind: SourceKind, path: &Path, stats: &KindStats) {
        self.clear();
        tracing::info!(
            kind = kind.name(),
            file = %path.display(),
            loaded = stats.loaded,
            rejected = stats.rejected,
            repaired = stats.repaired,
            warnings = stats.warnings,
            "file read"
        );
    }

    fn stage(&mut self, name: &str) {
        tracing::info!(
            stage = name,
            rss_mb = crate::memory::resident_mb(),
            peak_mb = crate::memory::peak_mb(),
            "ingest"
        );
        self.spinner("store".to_owned(), name.to_owned());
    }
}
