//! History: every published collection keeps the versions of its features in time, so that it
//! can be asked "as of" a date (OGC API Features `datetime`).
//!
//! Every collection has three temporal properties: `valid_from` (date, included), `valid_to`
//! (date, excluded; null while current) and `valid_until` (the last instant of validity:
//! `valid_to` − 1 s; null while current). The catalogue's temporal properties are
//! (`valid_from`, `valid_until`), because OGC API `datetime` intervals include both ends: a
//! date D (midnight) then selects exactly the versions valid on D. Sources with an inclusive
//! end date (TARI, leases, utilities) keep it in their own column and publish
//! `valid_to` = end + 1 day.
//!
//! Versions come from the sources' own dates ([`HistoryMode::Dated`]: census states, holdings,
//! residents, TARI…) or, for sources that are snapshots (maps, street register, OMI zones…),
//! from the supply date ([`HistoryMode::Snapshot`]): a feature that changes or disappears is
//! closed on the supply date and the new version starts then. [`merge`] combines what a store
//! holds with a new supply; merging the same supply twice changes nothing.

mod merge;
mod temporal;

pub use merge::{HistoryMode, Merged, Scope, SeriesRule, merge};
pub use temporal::{
    VALID_FROM, VALID_TO, VALID_UNTIL, catalogue_temporal, close, last_instant, set_property,
    temporal_properties, validity, validity_values,
};
