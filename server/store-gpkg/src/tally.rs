//! The extent of a collection created in the ingest transaction, accumulated while its features
//! are written, so the commit does not scan the table again.
//!
//! A [`Tally`] gives exactly what [`crate::catalog::compute_extent`] would read back from the
//! rows: the count, the envelope of the geometry headers (the same bounding rectangle the
//! encoder writes into each header) and the temporal aggregates (`MIN` of the start, `MAX` of
//! the end or of the start, and whether an end is open). Stored dates and datetimes are
//! fixed-width text whose byte order is time order for the years 0 to 9999; a value outside
//! those years makes the tally give up ([`Tally::exact`] false) and the commit scans the
//! table as for a collection that existed before the transaction.

use chrono::{DateTime, Datelike, Utc};
use segit_query::{BBox, Collection, Extent, Value};
use segit_store::StoreError;

use crate::catalog::extent_from_parts;
use crate::geom::Envelope;

/// What the written features of one collection add up to.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tally {
    /// features written
    count: u64,
    /// union of the geometry envelopes
    envelope: Option<Envelope>,
    /// least start instant
    first: Option<DateTime<Utc>>,
    /// greatest end instant (or start instant without an end property)
    last: Option<DateTime<Utc>>,
    /// features without an end instant
    open: u64,
    /// false once a value could not be accumulated exactly
    exact: bool,
}

impl Default for Tally {
    fn default() -> Self {
        Self {
            count: 0,
            envelope: None,
            first: None,
            last: None,
            open: 0,
            exact: true,
        }
    }
}

/// The instant of a stored temporal value, `Err(())` when byte order would not be time order.
fn instant(v: &Value) -> Result<Option<DateTime<Utc>>, ()> {
    let t = match v {
        Value::Date(d) => d.and_hms_opt(0, 0, 0).map(|n| n.and_utc()),
        Value::DateTime(d) => Some(*d),
        Value::Null => None,
        // the scan reads other types as no instant: only dates and datetimes are tallied
        _ => return Err(()),
    };
    match t {
        Some(t) if !(0..=9999).contains(&t.year()) => Err(()),
        t => Ok(t),
    }
}

impl Tally {
    /// Whether the tally equals what a scan of the rows gives.
    pub(crate) fn exact(&self) -> bool {
        self.exact
    }

    /// Adds one feature: its geometry envelope (`None` without one or when empty), its start
    /// and end values (`None` when the collection has no such temporal property).
    pub(crate) fn add(
        &mut self,
        envelope: Option<Envelope>,
        start: Option<&Value>,
        end: Option<&Value>,
    ) {
        self.count += 1;
        self.envelope = union(self.envelope, envelope);
        let (Ok(s), Ok(e)) = (
            start.map_or(Ok(None), instant),
            end.map_or(Ok(None), instant),
        ) else {
            self.exact = false;
            return;
        };
        self.first = min_some(self.first, s);
        match end {
            None => self.last = max_some(self.last, s),
            Some(_) if e.is_none() => self.open += 1,
            Some(_) => self.last = max_some(self.last, e),
        }
    }

    /// Adds the features of `other` (a later batch of the same collection).
    pub(crate) fn merge(&mut self, other: &Self) {
        self.count += other.count;
        self.envelope = union(self.envelope, other.envelope);
        self.first = min_some(self.first, other.first);
        self.last = max_some(self.last, other.last);
        self.open += other.open;
        self.exact &= other.exact;
    }

    /// The envelope in the storage CRS.
    pub(crate) fn storage_envelope(
        &self,
        collection: &Collection,
    ) -> Result<Option<BBox>, StoreError> {
        self.envelope
            .map(|e| {
                BBox::new(e.min_x, e.min_y, e.max_x, e.max_y, collection.storage_crs).map_err(|e| {
                    StoreError::Corrupt(format!("collection '{}': {e}", collection.id))
                })
            })
            .transpose()
    }

    /// The collection's extent, as [`crate::catalog::compute_extent`] computes it.
    pub(crate) fn extent(&self, collection: &Collection) -> Result<Option<Extent>, StoreError> {
        if self.count == 0 {
            return Ok(None);
        }
        let temporal = collection.temporal.as_ref().and_then(|tp| {
            let has_end = tp.end.is_some();
            let last = if has_end && self.open > 0 {
                None
            } else {
                self.last
            };
            (self.first.is_some() || last.is_some() || has_end).then_some([self.first, last])
        });
        extent_from_parts(self.storage_envelope(collection)?, temporal)
    }
}

/// The envelope covering both (either may be absent).
fn union(a: Option<Envelope>, b: Option<Envelope>) -> Option<Envelope> {
    match (a, b) {
        (Some(a), Some(e)) => Some(Envelope {
            min_x: a.min_x.min(e.min_x),
            max_x: a.max_x.max(e.max_x),
            min_y: a.min_y.min(e.min_y),
            max_y: a.max_y.max(e.max_y),
        }),
        (a, b) => a.or(b),
    }
}

fn min_some<T: Ord>(a: Option<T>, b: Option<T>) -> Option<T> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn max_some<T: Ord>(a: Option<T>, b: Option<T>) -> Option<T> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}
