//! JSON Lines supplies (other-supplies.md §0.3, §3): `locazioni/leases.jsonl` and
//! `atti/transfer_deeds.jsonl`, one object per line deserialized directly into the model's
//! [`Lease`] and [`TransferDeed`].
//!
//! A line that does not parse is rejected (§0.4). When the object parses as JSON but not as
//! the record, the reader finds the first key (in the documented order) whose value does not
//! fit, and names it as the field (`units[1]` for an element of an array). Added keys are
//! ignored. Reading choices: an end date before the start (`end_date`, `termination_date`)
//! rejects the lease; invalid codici fiscali of landlords, tenants and parties are kept as
//! written and reported as warnings (`landlords[0].cf`). Blank lines are skipped.

use std::collections::VecDeque;
use std::io::BufRead;
use std::marker::PhantomData;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use segit_model::{
    DeedParty, DeedProperty, Landlord, Lease, LeaseType, LeasedUnit, TaxId, Tenant, TransferDeed,
};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::{Located, open_file};
use crate::diag::{Diagnostic, Item};
use crate::text::{Encoding, LineReader};

/// Default cap on one JSON line, in bytes.
pub const DEFAULT_MAX_JSON_LINE: usize = 1024 * 1024;

/// Checks one key's value; the error is (suffix of the field name, e.g. `[2]`, and reason).
type Check = fn(&Value) -> Result<(), (String, String)>;

/// A record of a JSON Lines supply.
pub trait JsonRecord: DeserializeOwned {
    /// The documented keys, in order, with a check of each value.
    const KEYS: &'static [(&'static str, Check)];
    /// Checks beyond the syntax: `Err((field, reason))` rejects the line; warnings are
    /// (field, reason) pairs.
    fn validate(&self, warnings: &mut Vec<(String, String)>) -> Result<(), (String, String)>;
}

fn check<T: DeserializeOwned>(v: &Value) -> Result<(), (String, String)> {
    T::deserialize(v)
        .map(drop)
        .map_err(|e| (String::new(), e.to_string()))
}

/// Checks an array element by element; the error names the element (`[2]`).
fn check_list<T: DeserializeOwned>(v: &Value) -> Result<(), (String, String)> {
    let Value::Array(items) = v else {
        return Err((String::new(), "expected an array".into()));
    };
    for (i, item) in items.iter().enumerate() {
        T::deserialize(item).map_err(|e| (format!("[{i}]"), e.to_string()))?;
    }
    Ok(())
}

fn cf_warnings(ids: impl Iterator<Item = (String, TaxId)>, out: &mut Vec<(String, String)>) {
    for (field, id) in ids {
        if let Some(e) = id.validation_error() {
            out.push((field, format!("invalid code kept as written: {e}")));
        }
    }
}

impl JsonRecord for Lease {
    const KEYS: &'static [(&'static str, Check)] = &[
        ("contract_id", check::<String>),
        ("start_date", check::<NaiveDate>),
        ("end_date", check::<NaiveDate>),
        ("termination_date", check::<Option<NaiveDate>>),
        ("lease_type", check::<LeaseType>),
        ("annual_rent", check::<f64>),
        ("landlords", check_list::<Landlord>),
        ("tenants", check_list::<Tenant>),
        ("units", check_list::<LeasedUnit>),
        ("registration_date", check::<NaiveDate>),
    ];

    fn validate(&self, warnings: &mut Vec<(String, String)>) -> Result<(), (String, String)> {
        if self.end_date < self.start_date {
            return Err((
                "end_date".into(),
                format!("{} is before start_date {}", self.end_date, self.start_date),
            ));
        }
        if let Some(t) = self.termination_date
            && t < self.start_date
        {
            return Err((
                "termination_date".into(),
                format!("{t} is before start_date {}", self.start_date),
            ));
        }
        let landlords = self
            .landlords
            .iter()
            .enumerate()
            .map(|(i, l)| (format!("landlords[{i}].cf"), l.cf.clone()));
        let tenants = self
            .tenants
            .iter()
            .enumerate()
            .map(|(i, t)| (format!("tenants[{i}].cf"), t.cf.clone()));
        cf_warnings(landlords.chain(tenants), warnings);
        Ok(())
    }
}

impl JsonRecord for TransferDeed {
    const KEYS: &'static [(&'static str, Check)] = &[
        ("deed_id", check::<String>),
        ("deed_date", check::<NaiveDate>),
        ("registration_date", check::<NaiveDate>),
        ("deed_type", check::<String>),
        ("declared_price", check::<Option<f64>>),
        ("parties", check_list::<DeedParty>),
        ("units", check_list::<DeedProperty>),
    ];

    fn validate(&self, warnings: &mut Vec<(String, String)>) -> Result<(), (String, String)> {
        let parties = self
            .parties
            .iter()
            .enumerate()
            .map(|(i, p)| (format!("parties[{i}].cf"), p.cf.clone()));
        cf_warnings(parties, warnings);
        Ok(())
    }
}

/// Reader of a JSON Lines supply of records `T`: yields `Item<Located<T>>`.
pub struct JsonLinesReader<R, T> {
    lines: LineReader<R>,
    file: PathBuf,
    pending: VecDeque<Item<Located<T>>>,
    record: PhantomData<T>,
}

/// Reader of `leases.jsonl`: yields `Located<Lease>`.
pub type LeasesReader<R> = JsonLinesReader<R, Lease>;

/// Reader of `transfer_deeds.jsonl`: yields `Located<TransferDeed>`.
pub type TransferDeedsReader<R> = JsonLinesReader<R, TransferDeed>;

impl<R: BufRead, T: JsonRecord> JsonLinesReader<R, T> {
    /// Reads `input`; `file` names it in diagnostics.
    pub fn new(input: R, file: &Path) -> Self {
        Self {
            lines: LineReader::new(input, file, Encoding::Utf8)
                .with_max_line(DEFAULT_MAX_JSON_LINE),
            file: file.to_path_buf(),
            pending: VecDeque::new(),
            record: PhantomData,
        }
    }

    /// Changes the cap on one line's length in bytes (default 1 MiB).
    #[must_use]
    pub fn with_max_line(mut self, max_line: usize) -> Self {
        self.lines = self.lines.with_max_line(max_line);
        self
    }

    fn line(&mut self, number: u64, text: &str) {
        if text.trim().is_empty() {
            return;
        }
        let reject = |field: Option<&str>, reason: String| {
            Item::Diagnostic(Diagnostic::rejected(&self.file, number, field, reason))
        };
        let record = match serde_json::from_str::<T>(text) {
            Ok(r) => r,
            Err(e) => {
                let item = match serde_json::from_str::<Value>(text) {
                    Err(_) => reject(None, format!("not valid JSON: {e}")),
                    Ok(Value::Object(map)) => {
                        let culprit = T::KEYS.iter().find_map(|(key, check)| {
                            let v = map.get(*key).unwrap_or(&Value::Null);
                            check(v)
                                .err()
                                .map(|(suffix, reason)| (format!("{key}{suffix}"), reason))
                        });
                        match culprit {
                            Some((field, reason)) => reject(Some(&field), reason),
                            None => reject(None, e.to_string()),
                        }
                    }
                    Ok(_) => reject(None, "not a JSON object".into()),
                };
                self.pending.push_back(item);
                return;
            }
        };
        let mut warnings = Vec::new();
        if let Err((field, reason)) = record.validate(&mut warnings) {
            self.pending.push_back(reject(Some(&field), reason));
        } else {
            {
                for (field, reason) in warnings {
                    self.pending.push_back(Item::Diagnostic(Diagnostic::warning(
                        &self.file,
                        number,
                        Some(&field),
                        reason,
                    )));
                }
                self.pending.push_back(Item::Record(Located {
                    line: number,
                    record,
                }));
            }
        }
    }
}

impl<T: JsonRecord> JsonLinesReader<std::io::BufReader<std::fs::File>, T> {
    /// Opens a file; a missing, unreadable or empty file is a diagnostic naming it.
    pub fn open(path: &Path) -> Result<Self, Diagnostic> {
        Ok(Self::new(open_file(path)?, path))
    }
}

impl<R: BufRead, T: JsonRecord> Iterator for JsonLinesReader<R, T> {
    type Item = Item<Located<T>>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.pending.pop_front() {
                return Some(item);
            }
            match self.lines.next()? {
                Err(d) => return Some(Item::Diagnostic(d)),
                Ok(line) => self.line(line.number, &line.text),
            }
        }
    }
}
