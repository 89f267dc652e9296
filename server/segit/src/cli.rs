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
    /// Generate the demo municipality into the configured store, then serve it.
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
    },
    /// Apply the PostGIS schema migrations (store.kind = "postgis").
    Migrate,
    /// Check the settings and print the effective values (secrets redacted).
    CheckConfig,
}
