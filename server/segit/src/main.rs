//! The `segit` binary: command line, settings, and the wiring of store and protocols.
//!
//! Only this crate knows configuration files, environment variables and which storage backend
//! is in use; everything below it receives typed values.

mod cli;
mod commands;
mod correlate;
mod ingest;
mod memory;
mod settings;
mod stores;

use std::process::ExitCode;

use clap::Parser;

/// Feature streams allocate many small strings and values; mimalloc serves them faster than the
/// system allocator (measured with scripts/bench-load).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let settings = match settings::Settings::load(cli.config.as_deref(), &settings::ProcessEnv) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("segit: configuration error: {e}");
            return ExitCode::from(2);
        }
    };
    init_logging(&settings.log.filter);
    match commands::run(cli.command, settings) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("segit: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging(filter: &str) {
    let filter = tracing_subscriber::EnvFilter::try_new(filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}
