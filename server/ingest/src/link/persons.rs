//! Persons: SOG subjects found by subject id, codice fiscale (compared as written: an invalid
//! code joins only the identical string, rules-catalogue.md "Persons") or, where a source has
//! names, surname + given name + birth date (confidence 0.6). Built from subject features.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use segit_model::TaxId;
use segit_query::{Feature, Value};

use super::address::normalise_name;
use super::confidence::{Link, LinkMethod};
use super::features::text;
use crate::key_hash::key_hash;

/// Builds a [`PersonIndex`] from this supply's subject features, given chunk by chunk, laid
/// over the stored ones: a stored feature with the id of one of the supply's is left out.
#[derive(Debug, Default)]
pub struct PersonIndexBuilder {
    index: PersonIndex,
    new_ids: HashSet<u128>,
}

impl PersonIndexBuilder {
    /// Adds subject features of the supply.
    pub fn add<'a>(&mut self, features: impl IntoIterator<Item = &'a Feature>) {
        for f in features {
            self.new_ids.insert(key_hash(&f.id));
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

/// The subjects, indexed.
#[derive(Debug, Default)]
pub struct PersonIndex {
    refs: HashSet<String>,
    cf_of: HashMap<String, String>,
    by_cf: HashMap<String, String>,
    by_name: HashMap<(String, String, NaiveDate), Vec<String>>,
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
        if !self.refs.contains(subject) {
            self.refs.insert(subject.to_owned());
        }
        if let Some(cf) = text(f, "codice_fiscale") {
            if f.id.contains('#') {
                self.cf_of
                    .entry(subject.to_owned())
                    .or_insert_with(|| cf.to_owned());
            } else {
                self.cf_of.insert(subject.to_owned(), cf.to_owned());
            }
            match self.by_cf.get_mut(cf) {
                Some(first) if subject < first.as_str() => subject.clone_into(first),
                Some(_) => {}
                None => {
                    self.by_cf.insert(cf.to_owned(), subject.to_owned());
                }
            }
        }
        if let (Some(surname), Some(given), Some(Value::Date(birth))) = (
            text(f, "surname"),
            text(f, "given_name"),
            f.property("birth_date"),
        ) {
            let list = self
                .by_name
                .entry((normalise_name(surname), normalise_name(given), *birth))
                .or_default();
            if !list.iter().any(|s| s == subject) {
                list.push(subject.to_owned());
            }
        }
    }

    /// The subject `Belfiore/id/P|G` of a TIT holding, when SOG has it.
    pub fn by_ref(&self, subject_ref: &str) -> Option<Link<String>> {
        self.refs
            .contains(subject_ref)
            .then(|| Link::new(subject_ref.to_owned(), LinkMethod::SourceKey))
    }

    /// The codice fiscale of a subject.
    pub fn cf_of(&self, subject_ref: &str) -> Option<&str> {
        self.cf_of.get(subject_ref).map(String::as_str)
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
        if let Some(subject) = cf.and_then(|c| self.by_cf.get(c.as_written())) {
            return Some(Link::new(subject.clone(), LinkMethod::CodiceFiscale));
        }
        let key = (
            normalise_name(surname?),
            normalise_name(given_name?),
            birth?,
        );
        match self.by_name.get(&key).map(Vec::as_slice) {
            Some([subject]) => Some(Link::new(subject.clone(), LinkMethod::NameBirth)),
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
