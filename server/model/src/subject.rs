//! Subjects of the cadastre (SOG): natural persons (`P`) and legal entities (`G`).

use std::borrow::Cow;
use std::sync::LazyLock;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::ModelError;
use crate::ids::{Belfiore, Sex, TaxId};

/// `P` natural person or `G` legal entity (census "tipo soggetto").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum SubjectKind {
    /// `P`.
    #[serde(rename = "P")]
    NaturalPerson,
    /// `G`.
    #[serde(rename = "G")]
    LegalEntity,
}

impl SubjectKind {
    /// Parses `P` or `G`.
    pub fn parse(input: &str) -> Result<Self, ModelError> {
        match input.trim() {
            "P" | "p" => Ok(Self::NaturalPerson),
            "G" | "g" => Ok(Self::LegalEntity),
            _ => Err(ModelError::syntax("subject kind", input, "expected P or G")),
        }
    }

    /// `P` or `G`.
    pub fn letter(self) -> char {
        match self {
            Self::NaturalPerson => 'P',
            Self::LegalEntity => 'G',
        }
    }
}

/// The key of a subject in the census files: (municipality, subject id, kind), the safest
/// join key between TIT and SOG (censuario.md §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SubjectId {
    /// Municipality of the supply.
    pub belfiore: Belfiore,
    /// Identificativo soggetto.
    pub id: u64,
    /// `P` or `G`.
    pub kind: SubjectKind,
}

/// A subject of the cadastre.
///
/// The key and the tax code are inline; the personal data (names, sex, birth, notes; an
/// entity's name and seat) are in the boxed [`SubjectDetails`], `None` when all empty.
///
/// Serialised as the SOG record: `belfiore`, `id` and `data`, the latter tagged by `type`
/// (`natural_person` or `legal_entity`) with the fields of its kind, the tax code among them.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(from = "SubjectForm")]
pub struct Subject {
    /// Municipality of the supply.
    pub belfiore: Belfiore,
    /// Agenzia's subject id.
    pub id: u64,
    /// `P` or `G`.
    pub kind: SubjectKind,
    /// Codice fiscale as written (may be invalid, rule Q01); numeric for an entity.
    pub tax_code: Option<TaxId>,
    /// Personal data; `None` when all empty. Boxed: a city holds millions of subjects and the
    /// correlation engine reads none of it.
    pub details: Option<Box<SubjectDetails>>,
}

/// The personal data of a [`Subject`] (see [`Subject::details`]): the person parts are those
/// of a natural person (`P`), the entity parts those of a legal entity (`G`); the parts of the
/// other kind are not serialised.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SubjectDetails {
    /// Surname (person).
    pub surname: Box<str>,
    /// Given name (person).
    pub given_name: Box<str>,
    /// Sex, when written (person).
    pub sex: Option<Sex>,
    /// Birth date (person).
    pub birth_date: Option<NaiveDate>,
    /// Belfiore code of the birthplace, a `Z` code for a foreign country (person).
    pub birthplace: Option<Belfiore>,
    /// Supplementary information, *indicazioni supplementari* (person).
    pub notes: Option<Box<str>>,
    /// Name, *denominazione* (entity).
    pub name: Box<str>,
    /// Belfiore code of the registered office (entity).
    pub seat: Option<Belfiore>,
}

/// The details of a subject without any (what [`Subject::details`] reads as when `None`).
static NO_SUBJECT_DETAILS: LazyLock<SubjectDetails> = LazyLock::new(SubjectDetails::default);

impl SubjectDetails {
    /// True when every part is empty.
    pub fn is_empty(&self) -> bool {
        self == &*NO_SUBJECT_DETAILS
    }

    /// The details boxed, or `None` when they are empty.
    pub fn boxed(self) -> Option<Box<Self>> {
        (!self.is_empty()).then(|| Box::new(self))
    }
}

impl Subject {
    /// `P` or `G`.
    pub fn kind(&self) -> SubjectKind {
        self.kind
    }

    /// The census key of the subject.
    pub fn subject_id(&self) -> SubjectId {
        SubjectId {
            belfiore: self.belfiore,
            id: self.id,
            kind: self.kind,
        }
    }

    /// The tax code as written, when present.
    pub fn tax_code(&self) -> Option<&TaxId> {
        self.tax_code.as_ref()
    }

    /// The personal data (all empty when the subject has none).
    pub fn details(&self) -> &SubjectDetails {
        self.details.as_deref().unwrap_or(&NO_SUBJECT_DETAILS)
    }

    /// The personal data, to be filled (boxed on first use).
    pub fn details_mut(&mut self) -> &mut SubjectDetails {
        self.details.get_or_insert_with(Box::default)
    }

    /// Display name: `SURNAME GIVEN NAME` or the entity's name.
    pub fn display_name(&self) -> String {
        let d = self.details();
        match self.kind {
            SubjectKind::NaturalPerson => format!("{} {}", d.surname, d.given_name),
            SubjectKind::LegalEntity => d.name.to_string(),
        }
    }
}

impl Serialize for Subject {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let d = self.details();
        let tax_code = Cow::Borrowed(&self.tax_code);
        let data = match self.kind {
            SubjectKind::NaturalPerson => SubjectDataForm::NaturalPerson(PersonForm {
                surname: Cow::Borrowed(&d.surname),
                given_name: Cow::Borrowed(&d.given_name),
                sex: d.sex,
                birth_date: d.birth_date,
                birthplace: d.birthplace,
                tax_code,
                notes: Cow::Borrowed(&d.notes),
            }),
            SubjectKind::LegalEntity => SubjectDataForm::LegalEntity(EntityForm {
                name: Cow::Borrowed(&d.name),
                seat: d.seat,
                tax_code,
            }),
        };
        SubjectForm {
            belfiore: self.belfiore,
            id: self.id,
            data,
        }
        .serialize(serializer)
    }
}

/// The serialised form of a [`Subject`]: the key and the SOG data of its kind.
#[derive(Serialize, Deserialize)]
#[serde(rename = "Subject")]
struct SubjectForm<'a> {
    belfiore: Belfiore,
    id: u64,
    data: SubjectDataForm<'a>,
}

/// Person or entity data, tagged by `type`.
#[derive(Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", rename = "SubjectData")]
enum SubjectDataForm<'a> {
    NaturalPerson(PersonForm<'a>),
    LegalEntity(EntityForm<'a>),
}

/// The data of a natural person (SOG type P).
#[derive(Serialize, Deserialize)]
#[serde(rename = "NaturalPerson")]
struct PersonForm<'a> {
    surname: Cow<'a, Box<str>>,
    given_name: Cow<'a, Box<str>>,
    sex: Option<Sex>,
    birth_date: Option<NaiveDate>,
    birthplace: Option<Belfiore>,
    tax_code: Cow<'a, Option<TaxId>>,
    notes: Cow<'a, Option<Box<str>>>,
}

/// The data of a legal entity (SOG type G).
#[derive(Serialize, Deserialize)]
#[serde(rename = "LegalEntity")]
struct EntityForm<'a> {
    name: Cow<'a, Box<str>>,
    seat: Option<Belfiore>,
    tax_code: Cow<'a, Option<TaxId>>,
}

impl From<SubjectForm<'_>> for Subject {
    fn from(f: SubjectForm<'_>) -> Self {
        let (kind, tax_code, details) = match f.data {
            SubjectDataForm::NaturalPerson(p) => (
                SubjectKind::NaturalPerson,
                p.tax_code.into_owned(),
                SubjectDetails {
                    surname: p.surname.into_owned(),
                    given_name: p.given_name.into_owned(),
                    sex: p.sex,
                    birth_date: p.birth_date,
                    birthplace: p.birthplace,
                    notes: p.notes.into_owned(),
                    ..SubjectDetails::default()
                },
            ),
            SubjectDataForm::LegalEntity(e) => (
                SubjectKind::LegalEntity,
                e.tax_code.into_owned(),
                SubjectDetails {
                    name: e.name.into_owned(),
                    seat: e.seat,
                    ..SubjectDetails::default()
                },
            ),
        };
        Self {
            belfiore: f.belfiore,
            id: f.id,
            kind,
            tax_code,
            details: details.boxed(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f205() -> Belfiore {
        Belfiore::parse("F205").unwrap()
    }

    fn person() -> Subject {
        Subject {
            belfiore: f205(),
            id: 3_000_001,
            kind: SubjectKind::NaturalPerson,
            tax_code: Some(TaxId::from_written("RSSMRA70E52F205N").unwrap()),
            details: SubjectDetails {
                surname: "ROSSI".into(),
                given_name: "MARIA".into(),
                sex: Some(Sex::parse("2").unwrap()),
                birth_date: NaiveDate::from_ymd_opt(1970, 5, 12),
                birthplace: Some(f205()),
                notes: None,
                ..SubjectDetails::default()
            }
            .boxed(),
        }
    }

    fn company() -> Subject {
        Subject {
            belfiore: f205(),
            id: 3_000_002,
            kind: SubjectKind::LegalEntity,
            tax_code: Some(TaxId::from_written("01234567897").unwrap()),
            details: SubjectDetails {
                name: "IMMOBILIARE ESEMPIO SRL".into(),
                seat: Some(f205()),
                ..SubjectDetails::default()
            }
            .boxed(),
        }
    }

    #[test]
    fn composed_example_subjects() {
        let (person, company) = (person(), company());
        assert_eq!(person.kind(), SubjectKind::NaturalPerson);
        assert_eq!(company.subject_id().kind, SubjectKind::LegalEntity);
        assert!(person.tax_code().unwrap().is_valid());
        assert!(company.tax_code().unwrap().is_valid());
        assert_eq!(person.display_name(), "ROSSI MARIA");
        assert_eq!(company.display_name(), "IMMOBILIARE ESEMPIO SRL");

        let json = serde_json::to_string(&company).unwrap();
        assert!(json.contains(r#""type":"legal_entity""#));
        assert_eq!(serde_json::from_str::<Subject>(&json).unwrap(), company);
    }

    #[test]
    fn details_are_boxed_only_when_some_part_is_written() {
        assert_eq!(SubjectDetails::default().boxed(), None);
        let mut s = person();
        s.details = None;
        assert_eq!(s.display_name(), " ");
        assert!(s.details().is_empty() && s.details().birthplace.is_none());
        s.details_mut().given_name = "ANNA".into();
        assert_eq!(s.display_name(), " ANNA");
        assert!(s.details.is_some());
        // a subject read back without personal data carries no box
        s.details = None;
        let back: Subject = serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
        assert_eq!((back.details, back.tax_code), (None, s.tax_code));
    }

    #[test]
    fn a_subject_stays_small() {
        // a city holds millions of subjects: the personal data are boxed, the key and the tax
        // code inline
        assert!(size_of::<Subject>() <= 48, "{}", size_of::<Subject>());
    }

    /// The serialised form of a subject before its personal data moved out of line: the form
    /// must not change.
    #[derive(Serialize)]
    #[serde(rename = "Subject")]
    struct FlatSubject {
        belfiore: Belfiore,
        id: u64,
        data: FlatData,
    }

    #[derive(Serialize)]
    #[serde(tag = "type", rename_all = "snake_case", rename = "SubjectData")]
    enum FlatData {
        NaturalPerson(FlatPerson),
        LegalEntity(FlatEntity),
    }

    #[derive(Serialize)]
    #[serde(rename = "NaturalPerson")]
    struct FlatPerson {
        surname: Box<str>,
        given_name: Box<str>,
        sex: Option<Sex>,
        birth_date: Option<NaiveDate>,
        birthplace: Option<Belfiore>,
        tax_code: Option<TaxId>,
        notes: Option<Box<str>>,
    }

    #[derive(Serialize)]
    #[serde(rename = "LegalEntity")]
    struct FlatEntity {
        name: Box<str>,
        seat: Option<Belfiore>,
        tax_code: Option<TaxId>,
    }

    #[test]
    fn the_serialised_form_is_the_sog_record() {
        let mut noted = person();
        noted.details_mut().notes = Some("EREDE".into());
        let mut bare = person();
        bare.details = None;
        bare.tax_code = None;
        let mut bare_company = company();
        bare_company.details = None;
        for s in [person(), noted, bare, company(), bare_company] {
            let json = serde_json::to_string(&s).unwrap();
            let d = s.details();
            let data = match s.kind {
                SubjectKind::NaturalPerson => FlatData::NaturalPerson(FlatPerson {
                    surname: d.surname.clone(),
                    given_name: d.given_name.clone(),
                    sex: d.sex,
                    birth_date: d.birth_date,
                    birthplace: d.birthplace,
                    tax_code: s.tax_code.clone(),
                    notes: d.notes.clone(),
                }),
                SubjectKind::LegalEntity => FlatData::LegalEntity(FlatEntity {
                    name: d.name.clone(),
                    seat: d.seat,
                    tax_code: s.tax_code.clone(),
                }),
            };
            let flat = FlatSubject {
                belfiore: s.belfiore,
                id: s.id,
                data,
            };
            assert_eq!(json, serde_json::to_string(&flat).unwrap());
            let back: Subject = serde_json::from_str(&json).unwrap();
            assert_eq!(back, s);
        }
    }

    #[test]
    fn kinds() {
        assert_eq!(SubjectKind::parse("G").unwrap().letter(), 'G');
        assert!(SubjectKind::parse("X").is_err());
    }
}
