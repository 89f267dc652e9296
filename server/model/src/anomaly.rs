//! The anomaly record every correlation rule produces (rules-catalogue.md, "Anomaly record"):
//! rule and version, as-of date, object keys, geometry reference, pseudonymised subjects,
//! evidence, confidence, estimated gap, score, legal basis, suggested action and status.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::ModelError;
use crate::ids::{AddressKey, ParcelKey, UnitKey, serde_via_str};

mod evidence;

pub use evidence::{Evidence, EvidenceKey};

/// A rule identifier: one upper-case letter and two or three digits (`R06`, `Q01`), stored
/// inline (its ASCII bytes, zero-padded to 4): ids compare as their text does.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RuleId([u8; 4]);

impl RuleId {
    /// Parses a rule id (blanks trimmed, letter upper-cased).
    pub fn parse(input: &str) -> Result<Self, ModelError> {
        let s = input.trim().to_ascii_uppercase();
        let b = s.as_bytes();
        if !(3..=4).contains(&b.len())
            || !b[0].is_ascii_uppercase()
            || !b[1..].iter().all(u8::is_ascii_digit)
        {
            return Err(ModelError::syntax(
                "rule id",
                input,
                "expected a letter and 2 or 3 digits, as R06",
            ));
        }
        let mut id = [0; 4];
        id[..b.len()].copy_from_slice(b);
        Ok(Self(id))
    }

    /// The id (`R06`).
    pub fn as_str(&self) -> &str {
        let len = self.0.iter().position(|&b| b == 0).unwrap_or(self.0.len());
        // parsing admitted ASCII only
        std::str::from_utf8(&self.0[..len]).unwrap_or_default()
    }
}

impl fmt::Debug for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("RuleId").field(&self.as_str()).finish()
    }
}

impl FromStr for RuleId {
    type Err = ModelError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

serde_via_str!(RuleId, "a rule id such as R06");

/// A match confidence in 0..=1: the product of the join confidences used.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct Confidence(f64);

impl Confidence {
    /// Default: exact `unit_key` join.
    pub const EXACT_UNIT_KEY: Self = Self(1.0);
    /// Default: `parcel_key` + internal number/floor from the address.
    pub const PARCEL_KEY_WITH_INTERNAL: Self = Self(0.8);
    /// Default: `address_key` + internal number.
    pub const ADDRESS_KEY_WITH_INTERNAL: Self = Self(0.7);
    /// Default: `address_key` only (building level).
    pub const ADDRESS_KEY_ONLY: Self = Self(0.4);
    /// Default: person codice fiscale, exact.
    pub const CF_EXACT: Self = Self(1.0);
    /// Default: person by name and birth date only (SOG ↔ IMU declarations).
    pub const NAME_AND_BIRTH_DATE: Self = Self(0.6);
    /// Default: footprint ∩ parcel ≥ 50 % of the footprint area.
    pub const SPATIAL_FOOTPRINT: Self = Self(0.9);

    /// Builds a confidence, rejecting values outside 0..=1 (and NaN).
    pub fn new(value: f64) -> Result<Self, ModelError> {
        if (0.0..=1.0).contains(&value) {
            Ok(Self(value))
        } else {
            Err(ModelError::OutOfRange {
                kind: "confidence",
                value: value.to_string(),
                range: "0..=1",
            })
        }
    }

    /// The value.
    pub fn get(self) -> f64 {
        self.0
    }

    /// Combined confidence of two joins used together (their product).
    #[must_use]
    pub fn and(self, other: Self) -> Self {
        Self(self.0 * other.0)
    }
}

impl TryFrom<f64> for Confidence {
    type Error = ModelError;
    fn try_from(v: f64) -> Result<Self, ModelError> {
        Self::new(v)
    }
}

impl From<Confidence> for f64 {
    fn from(c: Confidence) -> f64 {
        c.0
    }
}

/// The objects an anomaly is about. Address-level rules use `address_key`; R26 keys on the
/// microzone number; Q01 records (invalid codes) may carry no key, their occurrence being in
/// the evidence.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnomalyObject {
    /// Parcel key.
    pub parcel_key: Option<ParcelKey>,
    /// Unit key.
    pub unit_key: Option<UnitKey>,
    /// Address key.
    pub address_key: Option<AddressKey>,
    /// Cadastral microzone number (R26).
    pub microzone: Option<u32>,
}

/// The geometry the server renders for an anomaly, by reference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "ref", rename_all = "snake_case")]
pub enum GeometryRef {
    /// Parcel polygon.
    Parcel(ParcelKey),
    /// Topographic building footprint, by building id.
    BuildingFootprint(String),
    /// House-number point.
    HouseNumber(AddressKey),
    /// Microzone polygon, by microzone number.
    Microzone(u32),
}

/// Role of a subject in an anomaly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubjectRole {
    /// Owner / right holder.
    Owner,
    /// Occupier (TARI).
    Occupier,
    /// Tenant (lease).
    Tenant,
    /// Registered resident.
    Resident,
}

/// A subject of an anomaly: a pseudonymised person key (never a codice fiscale) and a role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnomalySubject {
    /// Pseudonym of the person (keyed hash of the normalised code).
    pub person_key: String,
    /// Role.
    pub role: SubjectRole,
}

/// A JSON-like evidence value (values compared, source record ids, supply dates). Read as
/// serde's `untagged` would (the first variant that fits), without its trial and error.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum EvidenceValue {
    /// `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer.
    Integer(i64),
    /// A number.
    Number(f64),
    /// A string (dates as ISO strings).
    Text(String),
    /// An array.
    List(Vec<EvidenceValue>),
    /// An object.
    Map(BTreeMap<String, EvidenceValue>),
}

impl From<bool> for EvidenceValue {
    fn from(v: bool) -> Self {
        Self::Bool(v)
    }
}
impl From<i64> for EvidenceValue {
    fn from(v: i64) -> Self {
        Self::Integer(v)
    }
}
impl From<f64> for EvidenceValue {
    fn from(v: f64) -> Self {
        Self::Number(v)
    }
}
impl From<&str> for EvidenceValue {
    fn from(v: &str) -> Self {
        Self::Text(v.to_owned())
    }
}
impl From<String> for EvidenceValue {
    fn from(v: String) -> Self {
        Self::Text(v)
    }
}
impl From<NaiveDate> for EvidenceValue {
    fn from(v: NaiveDate) -> Self {
        Self::Text(v.to_string())
    }
}

/// Suggested procedure.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SuggestedAction {
    /// `c336_notice`: notice under L. 311/2004 c. 336.
    C336Notice,
    /// `tari_assessment`.
    TariAssessment,
    /// `imu_assessment`.
    ImuAssessment,
    /// `registry_check`: civil-registry check.
    RegistryCheck,
    /// Any other procedure, as text.
    Other(String),
}

impl FromStr for SuggestedAction {
    type Err = ModelError;
    fn from_str(s: &str) -> Result<Self, ModelError> {
        Ok(match s.trim() {
            "" => return Err(ModelError::syntax("action", s, "empty")),
            "c336_notice" => Self::C336Notice,
            "tari_assessment" => Self::TariAssessment,
            "imu_assessment" => Self::ImuAssessment,
            "registry_check" => Self::RegistryCheck,
            other => Self::Other(other.to_owned()),
        })
    }
}

impl fmt::Display for SuggestedAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::C336Notice => "c336_notice",
            Self::TariAssessment => "tari_assessment",
            Self::ImuAssessment => "imu_assessment",
            Self::RegistryCheck => "registry_check",
            Self::Other(text) => text,
        })
    }
}

serde_via_str!(SuggestedAction, "a suggested action such as c336_notice");

/// Review status: new → under review → notified → closed (confirmed / false positive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnomalyStatus {
    /// Produced by a run, not yet looked at.
    New,
    /// Being reviewed by the tax office.
    UnderReview,
    /// Notified to the taxpayer.
    Notified,
    /// Closed: confirmed.
    ClosedConfirmed,
    /// Closed: false positive.
    ClosedFalsePositive,
}

impl AnomalyStatus {
    /// The status as written (`new`, `under_review`, `notified`, `closed_confirmed`,
    /// `closed_false_positive`), as serde writes it.
    pub fn name(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::UnderReview => "under_review",
            Self::Notified => "notified",
            Self::ClosedConfirmed => "closed_confirmed",
            Self::ClosedFalsePositive => "closed_false_positive",
        }
    }

    /// Allowed transitions, following the reference's sequence: `new → under_review`;
    /// `under_review → notified`; `notified → closed_*`; a review may also close a record
    /// directly as a false positive (`under_review → closed_false_positive`).
    pub fn can_move_to(self, next: Self) -> bool {
        matches!(
            (self, next),
            (Self::New, Self::UnderReview)
                | (
                    Self::UnderReview,
                    Self::Notified | Self::ClosedFalsePositive
                )
                | (
                    Self::Notified,
                    Self::ClosedConfirmed | Self::ClosedFalsePositive
                )
        )
    }

    /// True for both closed states.
    pub fn is_closed(self) -> bool {
        matches!(self, Self::ClosedConfirmed | Self::ClosedFalsePositive)
    }
}

/// One anomaly record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Anomaly {
    /// Rule id (`R06`).
    pub rule_id: RuleId,
    /// Rule version.
    pub rule_version: u32,
    /// Date at which the sources were evaluated.
    pub as_of_date: NaiveDate,
    /// Object keys.
    pub object: AnomalyObject,
    /// Geometry to render.
    pub geometry_ref: Option<GeometryRef>,
    /// Pseudonymised subjects with their roles.
    pub subjects: Vec<AnomalySubject>,
    /// Values compared, source record ids, supply dates.
    pub evidence: Evidence,
    /// Earliest date from which the situation is proven (c. 336 "due since", arrears).
    pub evidence_date: Option<NaiveDate>,
    /// Product of the join confidences used.
    pub match_confidence: Confidence,
    /// Priority: estimated yearly gap × confidence; 0 when the gap is not computable.
    pub score: f64,
    /// Estimated yearly tax gap in euro (IMU and/or TARI), when computable.
    pub estimated_gap: Option<f64>,
    /// Legal basis, e.g. "L. 311/2004 c. 336" (a rule's own text is borrowed, not copied).
    pub legal_basis: Cow<'static, str>,
    /// Suggested procedure.
    pub action: SuggestedAction,
    /// Review status.
    pub status: AnomalyStatus,
}

impl Anomaly {
    /// The score of the reference: estimated yearly gap × confidence (0 without a gap).
    pub fn score_of(estimated_gap: Option<f64>, confidence: Confidence) -> f64 {
        estimated_gap.map_or(0.0, |g| g * confidence.get())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_ids() {
        assert_eq!(RuleId::parse("r06").unwrap().as_str(), "R06");
        assert_eq!(RuleId::parse("Q01").unwrap().to_string(), "Q01");
        assert_eq!(RuleId::parse(" q123 ").unwrap().as_str(), "Q123");
        assert_eq!(
            format!("{:?}", RuleId::parse("R06").unwrap()),
            r#"RuleId("R06")"#
        );
        // inline ids order as their text
        let mut ids: Vec<RuleId> = ["R100", "R10", "Q07", "R06", "R099"]
            .iter()
            .map(|s| RuleId::parse(s).unwrap())
            .collect();
        ids.sort();
        let text: Vec<&str> = ids.iter().map(RuleId::as_str).collect();
        assert_eq!(text, ["Q07", "R06", "R099", "R10", "R100"]);
        for bad in ["", "R", "R6", "06", "R06A", "RR06"] {
            assert!(RuleId::parse(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn confidence() {
        let c = Confidence::ADDRESS_KEY_WITH_INTERNAL.and(Confidence::SPATIAL_FOOTPRINT);
        assert!((c.get() - 0.63).abs() < 1e-12);
        assert!(Confidence::new(1.2).is_err());
        assert!(Confidence::new(f64::NAN).is_err());
        assert!(serde_json::from_str::<Confidence>("1.5").is_err());
        assert!(
            (Anomaly::score_of(Some(500.0), Confidence::ADDRESS_KEY_ONLY) - 200.0).abs() < 1e-9
        );
        assert!(Anomaly::score_of(None, Confidence::CF_EXACT).abs() < f64::EPSILON);
    }

    #[test]
    fn status_transitions() {
        use AnomalyStatus as S;
        assert!(S::New.can_move_to(S::UnderReview));
        assert!(S::UnderReview.can_move_to(S::Notified));
        assert!(S::UnderReview.can_move_to(S::ClosedFalsePositive));
        assert!(S::Notified.can_move_to(S::ClosedConfirmed));
        assert!(!S::New.can_move_to(S::Notified));
        assert!(!S::ClosedConfirmed.can_move_to(S::New));
        assert!(!S::UnderReview.can_move_to(S::ClosedConfirmed));
        assert!(S::ClosedFalsePositive.is_closed() && !S::Notified.is_closed());
        for s in [
            S::New,
            S::UnderReview,
            S::Notified,
            S::ClosedConfirmed,
            S::ClosedFalsePositive,
        ] {
            assert_eq!(
                serde_json::to_string(&s).unwrap(),
                format!("\"{}\"", s.name())
            );
        }
    }

    #[test]
    fn record_serialises_with_catalogue_field_names() {
        let parcel = ParcelKey::parse("F205_001200.102").unwrap();
        let mut evidence = Evidence::new();
        evidence.insert("quality".into(), 1i64.into());
        evidence.insert("footprint_share".into(), 0.72.into());
        evidence.insert("supply".into(), "F2050001".into());
        evidence.insert("checked".into(), true.into());
        evidence.insert(
            "ids".into(),
            EvidenceValue::List(vec![2_000_003i64.into(), EvidenceValue::Null]),
        );
        let a = Anomaly {
            rule_id: RuleId::parse("R06").unwrap(),
            rule_version: 1,
            as_of_date: NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
            object: AnomalyObject {
                parcel_key: Some(parcel.clone()),
                ..AnomalyObject::default()
            },
            geometry_ref: Some(GeometryRef::Parcel(parcel)),
            subjects: vec![AnomalySubject {
                person_key: "3f2a9c0b1d4e5f60".into(),
                role: SubjectRole::Owner,
            }],
            evidence,
            evidence_date: NaiveDate::from_ymd_opt(2019, 3, 15),
            match_confidence: Confidence::SPATIAL_FOOTPRINT,
            score: Anomaly::score_of(Some(100.0), Confidence::SPATIAL_FOOTPRINT),
            estimated_gap: Some(100.0),
            legal_basis: "L. 311/2004 c. 336".into(),
            action: "c336_notice".parse().unwrap(),
            status: AnomalyStatus::New,
        };
        let json = serde_json::to_string(&a).unwrap();
        for needle in [
            r#""rule_id":"R06""#,
            r#""geometry_ref":{"kind":"parcel","ref":"F205_001200.102"}"#,
            r#""action":"c336_notice""#,
            r#""status":"new""#,
            r#""match_confidence":0.9"#,
            r#""footprint_share":0.72"#,
        ] {
            assert!(json.contains(needle), "{needle} missing in {json}");
        }
        assert_eq!(serde_json::from_str::<Anomaly>(&json).unwrap(), a);
        assert_eq!(
            "send letter".parse::<SuggestedAction>().unwrap(),
            SuggestedAction::Other("send letter".into())
        );
    }
}
