//! Persons: SOG subjects found by subject id, codice fiscale (compared as written: an invalid
//! code joins only the identical string, rules-catalogue.md "Persons") or, where a source has
//! names, surname + given name + birth date (confidence 0.6). Built from subject features.

use chrono::NaiveDate;
use segit_model::TaxId;
use segit_query::{Feature, Value};

use super::address::normalise_name;
use super::confidence::{Link, LinkMethod};
use super::features::text;
use crate::key_hash::{KeyHash, KeyMap, KeySet, key_hash};

/// Builds a [`PersonIndex`] from this supply's subject features, given chunk by chunk, laid
/// over the stored ones: a stored feature with the id of one of the supply's is left out.
#[derive(Debug, Default)]
pub struct PersonIndexBuilder {
    index: PersonIndex,
    new_ids: KeySet,
    track_ids: bool,
}

impl PersonIndexBuilder {
    /// A builder; `stored` says whether stored features will be added at the end (the ids
    /// of the supply's features are then remembered, to leave out the stored ones replaced).
    pub fn new(stored: bool) -> Self {
        Self {
            track_ids: stored,
            ..Self::default()
        }
    }

    /// Adds subject features of the supply.
    pub fn add<'a>(&mut self, features: impl IntoIterator<Item = &'a Feature>) {
        for f in features {
            if self.track_ids {
                self.new_ids.insert(key_hash(&f.id));
            }
            self.index.add(f);
        }
    }

    /// The index, with the stored subject features the supply does not replace.
    pub fn finish<'a>(mut self, stored: impl IntoIterator<Item = &'a Feature>) -> PersonIndex {
        for f in stored {
            if !self.new_ids.contains(&key_hash(&f.id)) {
                self.index.add(f);
            }
        }
        self.index
    }
}

/// The subjects, indexed: one entry per subject ref with its codice fiscale; the lookups go
/// through 128-bit hashes of the keys ([`key_hash`]), about 180 bytes per subject.
#[derive(Debug, Default)]
pub struct PersonIndex {
    /// subject ref and codice fiscale of each subject
    subjects: Vec<(Box<str>, Option<Box<str>>)>,
    by_ref: KeyMap<u32>,
    by_cf: KeyMap<u32>,
    by_name: KeyMap<NameMatch>,
}

/// The subjects with one surname + given name + birth date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NameMatch {
    /// exactly one subject
    One(u32),
    /// several subjects
    Many,
}

/// The hash of a surname + given name + birth date, the names normalised.
fn name_key(surname: &str, given: &str, birth: NaiveDate) -> KeyHash {
    key_hash(&format!(
        "{}\u{1f}{}\u{1f}{birth}",
        normalise_name(surname),
        normalise_name(given)
    ))
}

impl PersonIndex {
    /// Indexes subject features (the `subjects` collection).
    pub fn from_features<'a>(features: impl IntoIterator<Item = &'a Feature>) -> Self {
        let mut index = Self::default();
        for f in features {
            index.add(f);
        }
        index
    }

    /// Adds one subject feature. The result does not depend on the order features are added
    /// in: a subject's codice fiscale is the one of its record without `#n` suffix (a
    /// repeated subject id of one SOG, published as `<ref>#<n>`, never overrides it); a
    /// codice fiscale shared by several subjects finds the smallest subject ref (the first in
    /// id order).
    fn add(&mut self, f: &Feature) {
        let Some(subject) = text(f, "subject_ref") else {
            return;
        };
        let i = if let Some(&i) = self.by_ref.get(&key_hash(subject)) {
            i
        } else {
            let Ok(i) = u32::try_from(self.subjects.len()) else {
                return;
            };
            self.subjects.push((subject.into(), None));
            self.by_ref.insert(key_hash(subject), i);
            i
        };
        if let Some(cf) = text(f, "codice_fiscale") {
            if let Some(entry) = self.subjects.get_mut(i as usize)
                && (entry.1.is_none() || !f.id.contains('#'))
            {
                entry.1 = Some(cf.into());
            }
            let h = key_hash(cf);
            match self.by_cf.get(&h).copied() {
                Some(first) => {
                    let smaller = self
                        .subjects
                        .get(first as usize)
                        .is_some_and(|(r, _)| subject < &**r);
                    if smaller {
                        self.by_cf.insert(h, i);
                    }
                }
                None => {
                    self.by_cf.insert(h, i);
                }
            }
        }
        if let (Some(surname), Some(given), Some(Value::Date(birth))) = (
            text(f, "surname"),
            text(f, "given_name"),
            f.property("birth_date"),
        ) {
            let key = name_key(surname, given, *birth);
            let next = match self.by_name.get(&key) {
                None => NameMatch::One(i),
                Some(NameMatch::One(j)) if *j == i => NameMatch::One(i),
                Some(_) => NameMatch::Many,
            };
            self.by_name.insert(key, next);
        }
    }

    /// The subject ref of entry `i`.
    fn subject(&self, i: u32) -> Option<&str> {
        self.subjects.get(i as usize).map(|(r, _)| &**r)
    }

    /// The subject `Belfiore/id/P|G` of a TIT holding, when SOG has it.
    pub fn by_ref(&self, subject_ref: &str) -> Option<Link<String>> {
        self.by_ref
            .contains_key(&key_hash(subject_ref))
            .then(|| Link::new(subject_ref.to_owned(), LinkMethod::SourceKey))
    }

    /// The codice fiscale of a subject.
    pub fn cf_of(&self, subject_ref: &str) -> Option<&str> {
        let i = *self.by_ref.get(&key_hash(subject_ref))?;
        self.subjects.get(i as usize)?.1.as_deref()
    }

    /// The subject of a person: by codice fiscale as written, else by surname + given name +
    /// birth date when exactly one subject has them.
    pub fn link(
        &self,
        cf: Option<&TaxId>,
        surname: Option<&str>,
        given_name: Option<&str>,
        birth: Option<NaiveDate>,
    ) -> Option<Link<String>> {
        if let Some(subject) = cf
            .and_then(|c| self.by_cf.get(&key_hash(c.as_written())))
            .and_then(|&i| self.subject(i))
        {
            return Some(Link::new(subject.to_owned(), LinkMethod::CodiceFiscale));
        }
        match self.by_name.get(&name_key(surname?, given_name?, birth?)) {
            Some(&NameMatch::One(i)) => self
                .subject(i)
                .map(|s| Link::new(s.to_owned(), LinkMethod::NameBirth)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subject(r: &str, cf: &str, surname: &str, given: &str, birth: Option<&str>) -> Feature {
        let t = |s: &str| {
            if s.is_empty() {
                Value::Null
            } else {
                Value::Text(s.to_owned())
            }
        };
        Feature {
            id: r.into(),
            geometry: None,
            properties: vec![
                ("subject_ref".into(), t(r)),
                ("codice_fiscale".into(), t(cf)),
                ("surname".into(), t(surname)),
                ("given_name".into(), t(given)),
                (
                    "birth_date".into(),
                    birth.map_or(Value::Null, |b| {
                        Value::Date(NaiveDate::parse_from_str(b, "%Y-%m-%d").unwrap())
                    }),
                ),
            ],
        }
    }

    #[test]
    fn persons_link_by_code_as_written_then_by_name_and_birth_date() {
        let subjects = [
            subject(
                "F205/1/P",
                "RSSMRA70E52F205N",
                "ROSSI",
                "MARIA",
                Some("1970-05-12"),
            ),
            subject(
                "F205/2/P",
                "RSSMRA70E52F205X",
                "VERDI",
                "LUCA",
                Some("1980-01-01"),
            ),
            subject("F205/3/G", "01234567897", "", "", None),
        ];
        let index = PersonIndex::from_features(subjects.iter());
        let cf = |s: &str| TaxId::from_written(s).unwrap();
        let l = index
            .link(Some(&cf("RSSMRA70E52F205N")), None, None, None)
            .unwrap();
        assert_eq!(
            (l.target.as_str(), l.method),
            ("F205/1/P", LinkMethod::CodiceFiscale)
        );
        // an invalid code joins only the identical string
        let l = index
            .link(Some(&cf("RSSMRA70E52F205X")), None, None, None)
            .unwrap();
        assert_eq!(l.target, "F205/2/P");
        // unknown code: names + birth date (accents and case folded), confidence 0.6
        let birth = NaiveDate::from_ymd_opt(1970, 5, 12);
        let l = index
            .link(
                Some(&cf("BNCLCU85C15C351H")),
                Some("Rossi"),
                Some("Maria"),
                birth,
            )
            .unwrap();
        assert_eq!(
            (l.target.as_str(), l.method),
            ("F205/1/P", LinkMethod::NameBirth)
        );
        assert!((l.confidence() - 0.6).abs() < f64::EPSILON);
        assert!(
            index
                .link(None, Some("ROSSI"), Some("MARIA"), None)
                .is_none()
        );
        assert_eq!(
            index.by_ref("F205/3/G").unwrap().method,
            LinkMethod::SourceKey
        );
        assert_eq!(index.cf_of("F205/3/G"), Some("01234567897"));
        assert!(index.by_ref("F205/9/P").is_none());
    }
}
