//! The [`Rule`] trait every rule implements, its error type, rule families and [`Draft`], the
//! builder of anomaly records with the catalogue's defaults (score = gap × confidence,
//! status `new`).

use chrono::NaiveDate;
use segit_model::{
    AddressKey, Anomaly, AnomalyObject, AnomalyStatus, AnomalySubject, Confidence, Evidence,
    EvidenceValue, GeometryRef, ParcelKey, RuleId, SubjectRole, SuggestedAction, TaxId, UnitKey,
};

use crate::inputs::{Inputs, Source};
use crate::params::Params;

/// Evidence key holding the rule's own record key (footprint id, account id…), part of the
/// stable anomaly key.
pub const RECORD_KEY: &str = "record_key";

/// Why a rule could not be evaluated.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RuleError {
    /// The inputs are inconsistent in a way the rule cannot work around.
    #[error("inconsistent input: {0}")]
    Input(String),
    /// A parameter the rule needs is missing or unusable.
    #[error("parameter: {0}")]
    Params(String),
}

/// Family of a rule (catalogue sections), one published collection each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Family {
    /// E: data quality (Q01–Q08).
    DataQuality,
    /// A: buildings and cadastral consistency.
    Buildings,
    /// B: TARI.
    Tari,
    /// C: IMU.
    Imu,
    /// D: values and equalisation.
    Values,
}

impl Family {
    /// Every family.
    pub const ALL: [Self; 5] = [
        Self::DataQuality,
        Self::Buildings,
        Self::Tari,
        Self::Imu,
        Self::Values,
    ];

    /// Short name (`buildings`), used in collection ids.
    pub fn name(self) -> &'static str {
        match self {
            Self::DataQuality => "data_quality",
            Self::Buildings => "buildings",
            Self::Tari => "tari",
            Self::Imu => "imu",
            Self::Values => "values",
        }
    }

    /// Human title.
    pub fn title(self) -> &'static str {
        match self {
            Self::DataQuality => "Data quality",
            Self::Buildings => "Buildings and cadastral consistency",
            Self::Tari => "TARI (waste tax)",
            Self::Imu => "IMU (property tax)",
            Self::Values => "Values and equalisation",
        }
    }
}

/// A correlation rule.
pub trait Rule: Send + Sync {
    /// Rule id (`R14`).
    fn id(&self) -> &'static str;
    /// Version of the rule's logic; bumped when results may change.
    fn version(&self) -> u32;
    /// One-line title.
    fn title(&self) -> &'static str;
    /// Family.
    fn family(&self) -> Family;
    /// Legal basis written into every anomaly.
    fn legal_basis(&self) -> &'static str;
    /// Sources the rule cannot run without.
    fn needs(&self) -> &'static [Source];
    /// The sources the rule reads: those it needs and those it uses when they are supplied
    /// (default: [`Rule::needs`]). A staged run ([`crate::staged::run_releasing`]) frees a
    /// source of [`Inputs::RELEASABLE`] once the rules naming it here ran, so the list must
    /// be complete for those sources (the staged-run test compares it with a plain run).
    fn reads(&self) -> &'static [Source] {
        self.needs()
    }
    /// Evaluates the rule on the snapshot at the as-of date.
    fn evaluate(
        &self,
        inputs: &Inputs,
        params: &Params,
        as_of: NaiveDate,
    ) -> Result<Vec<Anomaly>, RuleError>;
}

/// An anomaly under construction.
#[derive(Debug, Clone)]
pub struct Draft {
    anomaly: Anomaly,
}

impl Draft {
    /// A new record of `rule` at `as_of`, confidence 1, no gap, action `action`. Fails only
    /// when the rule's id is not a valid rule id.
    pub fn new(
        rule: &dyn Rule,
        as_of: NaiveDate,
        action: SuggestedAction,
    ) -> Result<Self, RuleError> {
        let rule_id = RuleId::parse(rule.id()).map_err(|e| RuleError::Input(e.to_string()))?;
        Ok(Self {
            anomaly: Anomaly {
                rule_id,
                rule_version: rule.version(),
                as_of_date: as_of,
                object: AnomalyObject::default(),
                geometry_ref: None,
                subjects: Vec::new(),
                evidence: Evidence::new(),
                evidence_date: None,
                match_confidence: Confidence::EXACT_UNIT_KEY,
                score: 0.0,
                estimated_gap: None,
                legal_basis: rule.legal_basis().into(),
                action,
                status: AnomalyStatus::New,
            },
        })
    }

    /// Sets the parcel key (and the parcel geometry when none is set).
    #[must_use]
    pub fn parcel(mut self, key: ParcelKey) -> Self {
        if self.anomaly.geometry_ref.is_none() {
            self.anomaly.geometry_ref = Some(GeometryRef::Parcel(key.clone()));
        }
        self.anomaly.object.parcel_key = Some(key);
        self
    }

    /// Sets the unit key.
    #[must_use]
    pub fn unit(mut self, key: UnitKey) -> Self {
        self.anomaly.object.unit_key = Some(key);
        self
    }

    /// Sets the address key (and the house-number geometry when none is set).
    #[must_use]
    pub fn address(mut self, key: AddressKey) -> Self {
        if self.anomaly.geometry_ref.is_none() {
            self.anomaly.geometry_ref = Some(GeometryRef::HouseNumber(key.clone()));
        }
        self.anomaly.object.address_key = Some(key);
        self
    }

    /// Sets the microzone (and its geometry).
    #[must_use]
    pub fn microzone(mut self, z: u32) -> Self {
        self.anomaly.object.microzone = Some(z);
        self.anomaly.geometry_ref = Some(GeometryRef::Microzone(z));
        self
    }

    /// Sets the geometry reference.
    #[must_use]
    pub fn geometry(mut self, g: GeometryRef) -> Self {
        self.anomaly.geometry_ref = Some(g);
        self
    }

    /// Adds a pseudonymised subject (once per person and role).
    #[must_use]
    pub fn subject(mut self, inputs: &Inputs, code: &TaxId, role: SubjectRole) -> Self {
        let s = AnomalySubject {
            person_key: inputs.pseudonym(code),
            role,
        };
        if !self.anomaly.subjects.contains(&s) {
            self.anomaly.subjects.push(s);
        }
        self
    }

    /// Adds an evidence value (its name is borrowed, not copied).
    #[must_use]
    pub fn evidence(mut self, key: &'static str, value: impl Into<EvidenceValue>) -> Self {
        self.anomaly.evidence.insert(key.into(), value.into());
        self
    }

    /// Sets the rule's record key (part of the stable anomaly key).
    #[must_use]
    pub fn record_key(self, key: impl Into<String>) -> Self {
        self.evidence(RECORD_KEY, key.into())
    }

    /// Sets the evidence date (keeps the earliest of the dates given).
    #[must_use]
    pub fn evidence_date(mut self, date: Option<NaiveDate>) -> Self {
        if let Some(d) = date {
            self.anomaly.evidence_date = Some(self.anomaly.evidence_date.map_or(d, |e| e.min(d)));
        }
        self
    }

    /// Sets the match confidence.
    #[must_use]
    pub fn confidence(mut self, c: Confidence) -> Self {
        self.anomaly.match_confidence = c;
        self
    }

    /// Sets the estimated yearly gap in euro (negative values are clamped to zero).
    #[must_use]
    pub fn gap(mut self, gap: Option<f64>) -> Self {
        self.anomaly.estimated_gap = gap.filter(|g| g.is_finite()).map(|g| g.max(0.0));
        self
    }

    /// The finished record, score = gap × confidence; its evidence keeps no spare room.
    pub fn build(mut self) -> Anomaly {
        self.anomaly.evidence.shrink_to_fit();
        self.anomaly.score =
            Anomaly::score_of(self.anomaly.estimated_gap, self.anomaly.match_confidence);
        self.anomaly
    }
}

/// Evidence list of strings.
pub fn text_list<I, S>(items: I) -> EvidenceValue
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    EvidenceValue::List(
        items
            .into_iter()
            .map(|s| EvidenceValue::Text(s.into()))
            .collect(),
    )
}
