//! segit-ingest: reading the supplies of the Agenzia delle Entrate and the municipal registers
//! into the integrated model.
//!
//! Readers are total, streaming and bounded: a bad record becomes a [`diag::Diagnostic`] with
//! file, line, field and reason, and reading goes on. Every length read from input is capped.
//!
//! - [`censuario`]: census-register readers (`.FAB`, `.TER`, `.SOG`, `.TIT`) and supply discovery.
//! - [`diag`]: diagnostics (rejected / repaired records) and their collection.
//! - [`text`]: line reading with encodings (Latin-1, UTF-8 with optional BOM), CR LF or LF,
//!   bounded line length.
//! - [`cartography`]: CXF maps with SUP areas, georeferencing, INSPIRE cadastral GML.
//! - [`pipeline`]: a supply directory → the store, in one transaction, with a report.
//! - [`link`]: normalisation and linking with match confidences.
//! - [`publish`]: the published collections (schemas with personal fields marked, features).
//! - [`history`]: versions in time and "as of" queries.
//! - [`supplies`]: the other supplies in their normalised schemas (surfaces, utilities, leases,
//!   deeds, residents, IMU, F24, OMI, street register, house numbers, buildings, TARI).

pub mod cartography;
pub mod censuario;
pub mod diag;
pub mod history;
pub mod key_hash;
pub mod link;
pub mod pipeline;
pub mod publish;
pub mod supplies;
pub mod text;
