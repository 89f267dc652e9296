//! segit-correlate: the correlation engine. It evaluates the rules of the catalogue
//! (`shared/domain/rules-catalogue.md`) on an in-memory snapshot of the integrated database
//! and produces anomaly records with evidence, confidence and estimated yearly gap.
//!
//! - [`params`]: run parameters (rates, tariffs, thresholds) from the catalogue's JSON file,
//!   reference defaults, precise errors.
//! - [`fiscal`]: IMU and TARI formulas, the month rule, cadastral surface, the c. 335 ratios.
//! - [`inputs`]: the snapshot ([`InputData`], one `Option<Vec<_>>` per [`Source`]) and its
//!   join indexes ([`Inputs`]: unit keys with aliases, parcels, codes as written, address key
//!   + internal, R-trees of parcels and footprints, pseudonyms).
//! - [`engine`], [`registry`], [`mod@run`]: the [`Rule`] trait, the explicit registry, runs with
//!   id, input fingerprint, per-rule status and timings, deterministic order, diff.
//! - [`imu_due`]: the IMU due per holder (fiscal-rules.md §1.7), used by R18–R22.
//! - [`perequazione`]: the c. 335 microzone indicator (R26 and its layer).
//! - [`publish`]: anomaly collections (all + one per family), aggregates per microzone /
//!   census section, the c. 335 indicator layer.
//! - [`rules`]: one file per rule — Q01–Q08 and R01–R28.
//! - [`load`]: the snapshot read from the ingested collections of a store (streamed).
//! - [`persist`]: a run written to the store in one transaction, diffed against the previous.
//!
//! ```no_run
//! use segit_correlate::{InputData, Inputs, Params, Registry, RunOptions, run};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let params = Params::from_json_str(r#"{"imu": {"rate_other_buildings": 0.0106}}"#)?;
//! let inputs = Inputs::new(InputData::default()).with_pseudonym_key(b"secret of the office");
//! let as_of = chrono::NaiveDate::from_ymd_opt(2025, 1, 1).ok_or("date")?;
//! let options = RunOptions { as_of, only: vec!["R14".into()] };
//! let result = run(&Registry::standard(), &inputs, &params, &options, &mut |r| {
//!     eprintln!("{} {}", r.rule_id, r.status);
//! });
//! # let _ = result;
//! # Ok(())
//! # }
//! ```

pub mod engine;
pub mod fingerprint;
pub mod fiscal;
pub mod imu_due;
pub mod inputs;
pub mod load;
pub mod params;
pub mod perequazione;
pub mod persist;
pub mod publish;
pub mod registry;
pub mod rules;
pub mod run;
pub mod staged;

#[cfg(test)]
mod imu_due_tests;
#[cfg(test)]
mod link_tests;
#[cfg(test)]
mod publish_tests;
#[cfg(test)]
mod run_tests;
#[cfg(test)]
mod testkit;

pub use engine::{Draft, Family, Rule, RuleError};
pub use inputs::{InputData, Inputs, Source};
pub use params::{Params, ParamsError};
pub use registry::Registry;
pub use run::{
    RuleReport, RuleStatus, Run, RunDiff, RunOptions, anomaly_key, carry_over_status, diff, run,
};
