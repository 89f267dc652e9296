//! Duplicate keys in the registers: a record whose key was already read (in this file or an
//! earlier file of the same kind) is reported as a warning naming both lines, and what the
//! publication does with it.

use std::path::{Path, PathBuf};

use super::kind::SourceKind;
use super::registers::Registers;
use crate::diag::Diagnostic;
use crate::key_hash::{KeyMap, key_hash};

/// First occurrence of each key of the kind being read: keys by their 128-bit hash
/// ([`key_hash`]), the file by its position in `files`. The files of one kind are read one
/// after the other, so the keys of a kind are forgotten when the next kind starts.
#[derive(Debug, Default)]
pub struct SeenKeys {
    kind: Option<SourceKind>,
    /// file and line of the first occurrence
    first: KeyMap<(u32, u32)>,
    files: Vec<PathBuf>,
}

impl SeenKeys {
    /// Starts remembering the keys of `kind` (forgetting those of another kind).
    fn reading(&mut self, kind: SourceKind) {
        if self.kind != Some(kind) {
            self.kind = Some(kind);
            self.first = KeyMap::default();
            self.files.clear();
        }
    }

    /// The position of `path` in `files` (added when new; files come one after the other).
    fn file(&mut self, path: &Path) -> u32 {
        if self.files.last().is_none_or(|f| f != path) {
            self.files.push(path.to_path_buf());
        }
        u32::try_from(self.files.len() - 1).unwrap_or(u32::MAX)
    }
}

/// What publication does with a duplicate of `kind`, and the field holding the key.
fn policy(kind: SourceKind) -> Option<(&'static str, &'static str)> {
    const FIRST: &str = "only the first record is published";
    const BOTH: &str = "both records are published, the later with a `#n` id suffix";
    Some(match kind {
        SourceKind::Streets => ("street_code", FIRST),
        SourceKind::HouseNumbers => ("address_key", FIRST),
        SourceKind::CadastralSurface => ("identificativo_immobile", FIRST),
        SourceKind::Microzones => ("microzona", FIRST),
        SourceKind::TopoBuildings => ("building_id", FIRST),
        SourceKind::OmiZones => ("Zona", FIRST),
        SourceKind::Residents => ("person_cf", BOTH),
        SourceKind::Tari => ("premises_seq", BOTH),
        SourceKind::Deaths => ("person_cf", FIRST),
        SourceKind::BuildableZones => ("zone_id", FIRST),
        SourceKind::Utility => ("supply_point", BOTH),
        SourceKind::Leases => ("contract_id", BOTH),
        SourceKind::Deeds => ("deed_id", BOTH),
        SourceKind::F24 => ("payment_id", BOTH),
        _ => return None,
    })
}

impl Registers {
    /// Number of records of `kind` read so far.
    pub(crate) fn count(&self, kind: SourceKind) -> usize {
        match kind {
            SourceKind::Streets => self.streets.len(),
            SourceKind::HouseNumbers => self.house_numbers.len(),
            SourceKind::CadastralSurface => self.surfaces.len(),
            SourceKind::Microzones => self.microzones.len(),
            SourceKind::TopoBuildings => self.topo_buildings.len(),
            SourceKind::OmiZones => self.omi_zones.len(),
            SourceKind::Residents => self.residents.len(),
            SourceKind::Tari => self.tari.len(),
            SourceKind::Deaths => self.deaths.len(),
            SourceKind::BuildableZones => self.buildable_zones.len(),
            SourceKind::Utility => self.utilities.len(),
            SourceKind::Leases => self.leases.len(),
            SourceKind::Deeds => self.deeds.len(),
            SourceKind::F24 => self.f24.len(),
            _ => 0,
        }
    }

    /// (line, key) of the records of `kind` from position `from` on; the key is the identity
    /// the published feature gets.
    fn keys(&self, kind: SourceKind, from: usize) -> Vec<(u64, String)> {
        fn tail<T>(
            v: &[crate::supplies::Located<T>],
            from: usize,
            key: impl Fn(&T) -> String,
        ) -> Vec<(u64, String)> {
            v.get(from..)
                .unwrap_or_default()
                .iter()
                .map(|l| (l.line, key(&l.record)))
                .collect()
        }
        match kind {
            SourceKind::Streets => tail(&self.streets, from, |s| s.street_code.to_string()),
            SourceKind::HouseNumbers => tail(&self.house_numbers, from, |h| {
                h.house_number.address_key.to_string()
            }),
            SourceKind::CadastralSurface => tail(&self.surfaces, from, |s| {
                format!("{}/{}", s.belfiore, s.age_property_id)
            }),
            SourceKind::Microzones => tail(&self.microzones, from, |m| {
                format!("{}/{}", m.belfiore, m.microzone)
            }),
            SourceKind::TopoBuildings => tail(&self.topo_buildings, from, |b| {
                b.building.building_id.clone()
            }),
            SourceKind::OmiZones => tail(&self.omi_zones, from, |z| {
                format!("{}/{}", z.municipality.belfiore, z.zone)
            }),
            SourceKind::Residents => tail(&self.residents, from, |r| {
                format!("{}@{}", r.person.as_written(), r.residence.from())
            }),
            SourceKind::Tari => tail(&self.tari, from, |t| {
                format!("{}/{}@{}", t.account_id, t.premises_seq, t.period.first())
            }),
            SourceKind::Utility => tail(&self.utilities, from, |u| {
                format!("{:?}/{}/{}", u.utility, u.supply_point, u.year)
            }),
            SourceKind::Deaths => tail(&self.deaths, from, |d| d.person.as_written().to_owned()),
            SourceKind::BuildableZones => tail(&self.buildable_zones, from, |z| z.zone_id.clone()),
            SourceKind::Leases => tail(&self.leases, from, |l| l.contract_id.clone()),
            SourceKind::Deeds => tail(&self.deeds, from, |d| d.deed_id.to_string()),
            SourceKind::F24 => tail(&self.f24, from, |f| {
                format!("{}/{}", f.payment_id, f.tax_code)
            }),
            _ => Vec::new(),
        }
    }

    /// Warnings for the records of `kind` read from `path` (from position `from` on) whose key
    /// was already seen.
    pub(crate) fn duplicates(
        &self,
        kind: SourceKind,
        path: &Path,
        from: usize,
        seen: &mut SeenKeys,
    ) -> Vec<Diagnostic> {
        let Some((field, outcome)) = policy(kind) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let keys = self.keys(kind, from);
        if keys.is_empty() {
            return out;
        }
        seen.reading(kind);
        let file = seen.file(path);
        for (line, key) in keys {
            let h = key_hash(&key);
            if let Some((f, first)) = seen.first.get(&h) {
                let first_file = seen.files.get(*f as usize).map_or(path, PathBuf::as_path);
                out.push(Diagnostic::warning(
                    path,
                    line,
                    Some(field),
                    format!(
                        "duplicate key {key} (first at {}:{first}): {outcome}",
                        first_file.display()
                    ),
                ));
            } else {
                let line = u32::try_from(line).unwrap_or(u32::MAX);
                seen.first.insert(h, (file, line));
            }
        }
        out
    }
}
