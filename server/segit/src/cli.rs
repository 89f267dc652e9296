//! Command-line interface.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// segit: the integrated territorial database of a municipality, served through OGC standards.
#[derive(Debug, Parser)]
#[command(name = "segit", version, about, long_about = None)]
pub struct Cli {
    /// settings file layered over the built-in defaults (config/default.toml)
    #[arg(long, short, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// what to do
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the configured store over HTTP (OGC API Features).
    Serve,
    /// Generate the demo municipality into the configured store, correlate it, then serve it.
    ///
    /// The correlation runs at the end of the demo's tax year (31 December), the date its
    /// planted cases are true for (not with --direct, whose layers are not the ingested
    /// collections the engine reads).
    Demo {
        /// generator seed (default: demo.seed)
        #[arg(long)]
        seed: Option<u64>,
        /// size factor (default: demo.scale)
        #[arg(long)]
        scale: Option<f64>,
        /// only load the data, do not start the server
        #[arg(long)]
        no_serve: bool,
        /// publish the generated layers directly instead of writing a supply directory
        /// (demo.supply_dir) and ingesting it
        #[arg(long)]
        direct: bool,
    },
    /// Ingest a supply directory (Agenzia delle Entrate supplies and municipal registers) into
    /// the configured store, in one transaction.
    ///
    /// Exit status: 0 when everything was loaded; 10 when the ingest committed but some
    /// records were rejected (listed in the diagnostics file); 1 when the ingest failed and
    /// nothing was written; 2 on a configuration error.
    Ingest {
        /// the supply directory (or one file)
        dir: PathBuf,
        /// read files whose names are not recognised as this kind (fab, ter, sog, tit, cxf,
        /// gml, streets, house-numbers, residents, tari, utilities, leases, deeds, imu, f24,
        /// surfaces, omi-values, omi-zones, omi-kml, microzones, topo-buildings)
        #[arg(long)]
        kind: Option<String>,
        /// CRS of the CXF maps, e.g. EPSG:3003 (default: cartografia/crs.txt, else ingest.cxf_crs)
        #[arg(long, value_name = "CRS")]
        cxf_crs: Option<String>,
        /// date of the supply, YYYY-MM-DD: versions of snapshot sources change on it
        /// (default: today)
        #[arg(long, value_name = "DATE")]
        supply_date: Option<String>,
        /// diagnostics file (default: ingest.diagnostics_file)
        #[arg(long, value_name = "FILE")]
        diagnostics: Option<PathBuf>,
    },
    /// Run the correlation rules over the ingested data and publish the anomaly layers (all
    /// anomalies, one per rule family, aggregates per microzone and census section, the c. 335
    /// indicator) and a `correlation_runs` record, in one transaction.
    ///
    /// Exit status: 0 when every selected rule ran; 10 when some rules were not evaluated
    /// (missing sources) or failed; 1 when the run failed and nothing was written; 2 on a
    /// configuration error.
    Correlate {
        /// run only this rule (repeatable), e.g. --rule R14
        #[arg(long = "rule", value_name = "RULE")]
        rules: Vec<String>,
        /// date the sources are evaluated at, YYYY-MM-DD (default: correlate.as_of, else today)
        #[arg(long, value_name = "DATE")]
        as_of: Option<String>,
        /// the catalogue's JSON parameters (default: correlate.params_file, else the reference
        /// defaults)
        #[arg(long, value_name = "FILE")]
        params: Option<PathBuf>,
    },
    /// Apply the PostGIS schema migrations (store.kind = "postgis").
    Migrate,
    /// Check the settings and print the effective values (secrets redacted).
    CheckConfig,
}
