//! Subjects of the cadastre (SOG): natural persons (`P`) and legal entities (`G`).

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

/// Data of a natural person (SOG type P).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NaturalPerson {
    /// Surname.
    pub surname: Box<str>,
    /// Given name.
    pub given_name: Box<str>,
    /// Sex, when written.
    pub sex: Option<Sex>,
    /// Birth date.
    pub birth_date: Option<NaiveDate>,
    /// Belfiore code of the birthplace (a `Z` code for a foreign country).
    pub birthplace: Option<Belfiore>,
    /// Codice fiscale as written (may be invalid, rule Q01).
    pub tax_code: Option<TaxId>,
    /// Supplementary information (*indicazioni supplementari*).
    pub notes: Option<Box<str>>,
}

/// Data of a legal entity (SOG type G).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegalEntity {
    /// Name (*denominazione*).
    pub name: Box<str>,
    /// Belfiore code of the registered office.
    pub seat: Option<Belfiore>,
    /// Numeric codice fiscale as written.
    pub tax_code: Option<TaxId>,
}

/// Person or entity data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SubjectData {
    /// A natural person.
    NaturalPerson(NaturalPerson),
    /// A legal entity.
    LegalEntity(LegalEntity),
}

/// A subject of the cadastre.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subject {
    /// Municipality of the supply.
    pub belfiore: Belfiore,
    /// Agenzia's subject id.
    pub id: u64,
    /// Person or entity data.
    pub data: SubjectData,
}

impl Subject {
    /// `P` or `G`, from the data.
    pub fn kind(&self) -> SubjectKind {
        match self.data {
            SubjectData::NaturalPerson(_) => SubjectKind::NaturalPerson,
            SubjectData::LegalEntity(_) => SubjectKind::LegalEntity,
        }
    }

    /// The census key of the subject.
    pub fn subject_id(&self) -> SubjectId {
        SubjectId {
            belfiore: self.belfiore,
            id: self.id,
            kind: self.kind(),
        }
    }

    /// The tax code as written, when present.
    pub fn tax_code(&self) -> Option<&TaxId> {
        match &self.data {
            SubjectData::NaturalPerson(p) => p.tax_code.as_ref(),
            SubjectData::LegalEntity(e) => e.tax_code.as_ref(),
        }
    }

    /// Display name: `SURNAME GIVEN NAME` or the entity's name.
    pub fn display_name(&self) -> String {
        match &self.data {
            SubjectData::NaturalPerson(p) => format!("{} {}", p.surname, p.given_name),
            SubjectData::LegalEntity(e) => e.name.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn composed_example_subjects() {
        let f205 = Belfiore::parse("F205").unwrap();
        let person = Subject {
            belfiore: f205,
            id: 3_000_001,
            data: SubjectData::NaturalPerson(NaturalPerson {
                surname: "ROSSI".into(),
                given_name: "MARIA".into(),
                sex: Some(Sex::parse("2").unwrap()),
                birth_date: NaiveDate::from_ymd_opt(1970, 5, 12),
                birthplace: Some(f205),
                tax_code: Some(TaxId::from_written("RSSMRA70E52F205N").unwrap()),
                notes: None,
            }),
        };
        let company = Subject {
            belfiore: f205,
            id: 3_000_002,
            data: SubjectData::LegalEntity(LegalEntity {
                name: "IMMOBILIARE ESEMPIO SRL".into(),
                seat: Some(f205),
                tax_code: Some(TaxId::from_written("01234567897").unwrap()),
            }),
        };
        assert_eq!(person.kind(), SubjectKind::NaturalPerson);
        assert_eq!(company.subject_id().kind, SubjectKind::LegalEntity);
        assert!(person.tax_code().unwrap().is_valid());
        assert!(company.tax_code().unwrap().is_valid());
        assert_eq!(person.display_name(), "ROSSI MARIA");

        let json = serde_json::to_string(&company).unwrap();
        assert!(json.contains(r#""type":"legal_entity""#));
        assert_eq!(serde_json::from_str::<Subject>(&json).unwrap(), company);
    }

    #[test]
    fn kinds() {
        assert_eq!(SubjectKind::parse("G").unwrap().letter(), 'G');
        assert!(SubjectKind::parse("X").is_err());
    }
}
