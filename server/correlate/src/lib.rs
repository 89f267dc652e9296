//! segit-correlate: the correlation engine. It evaluates the rules of the catalogue
//! (`shared/domain/rules-catalogue.md`) on an in-memory snapshot of the integrated database
//! and produces anomaly records with evidence, confidence and estimated yearly gap.
//!
//! - [`params`]: run parameters (rates, tariffs, thresholds) from the catalogue's JSON file.
//! - [`fiscal`]: IMU and TARI formulas, the month rule, the c. 335 ratios.
//! - [`inputs`]: the snapshot ([`InputData`]) and its join indexes ([`Inputs`]).
//! - [`engine`], [`registry`], [`run`]: the [`Rule`] trait, the explicit registry, runs with
//!   id, fingerprint, per-rule status and diff.
//! - [`imu_due`]: the IMU due per holder (fiscal-rules.md §1.7), used by R18–R21.
//! - [`publish`]: anomaly collections and the microzone / census-section aggregates.
//! - [`rules`]: one file per rule.

pub mod engine;
pub mod fingerprint;
pub mod fiscal;
pub mod imu_due;
pub mod inputs;
pub mod params;
pub mod perequazione;
pub mod publish;
pub mod registry;
pub mod rules;
pub mod run;

#[cfg(test)]
mod imu_due_tests;
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
pub use run::{RuleReport, RuleStatus, Run, RunDiff, RunOptions, anomaly_key, diff, run};
