//! Definitions shared by several rules (rules-catalogue.md §0 "Shared definitions"): utility
//! signals, the signs of use of a unit (R07, R08, R16), parcel keys of cadastral records,
//! parcel geometries and small evidence helpers.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use segit_model::{
    Confidence, EvidenceValue, Parcel, ParcelKey, ParcelState, UnitKey, UnitState, UtilityKind,
};

use crate::inputs::{Inputs, OmiQuotation, Utility, parcel_ref};

/// Utility signal (§0): row of year `year`, contract active in that year, billed consumption
/// strictly above the threshold of its utility; water is never a signal.
pub fn utility_signal(u: Utility<'_>, year: i32, electricity_kwh: f64, gas_smc: f64) -> bool {
    let threshold = match u.point.utility {
        UtilityKind::Electricity => electricity_kwh,
        UtilityKind::Gas => gas_smc,
        UtilityKind::Water => return false,
    };
    u.row.year == year
        && u.point.is_active_in_year(year)
        && u.row.billed_consumption.is_some_and(|c| c > threshold)
}

/// One sign that a unit is in use.
#[derive(Debug, Clone, PartialEq)]
pub struct Signal {
    /// `utility`, `resident`, `tari`, `lease`.
    pub kind: &'static str,
    /// Source record id.
    pub id: String,
    /// Date the signal starts.
    pub since: Option<NaiveDate>,
    /// Join confidence.
    pub confidence: Confidence,
}

impl Signal {
    /// Evidence form.
    pub fn evidence(&self) -> EvidenceValue {
        let mut m = BTreeMap::new();
        m.insert("kind".to_owned(), EvidenceValue::from(self.kind));
        m.insert("id".to_owned(), EvidenceValue::from(self.id.clone()));
        m.insert(
            "since".to_owned(),
            self.since.map_or(EvidenceValue::Null, EvidenceValue::from),
        );
        m.insert(
            "confidence".to_owned(),
            EvidenceValue::from(self.confidence.get()),
        );
        EvidenceValue::Map(m)
    }
}

/// The R07 signals of a unit: utility signals of year `year`, residents on `as_of`, TARI
/// premises active on `as_of`, leases in force on `as_of` — each linked to the unit as in §0.
pub fn use_signals(
    inputs: &Inputs,
    unit: usize,
    as_of: NaiveDate,
    electricity_kwh: f64,
    gas_smc: f64,
) -> Vec<Signal> {
    let year = as_of.year();
    let d = &inputs.data;
    let mut out = Vec::new();
    let utilities = inputs.utilities();
    for i in inputs.utilities_of_unit(unit) {
        let u = utilities.at(i);
        if let Some(l) = inputs.utility_link(i)
            && utility_signal(u, year, electricity_kwh, gas_smc)
        {
            out.push(Signal {
                kind: "utility",
                id: format!("{}:{}", kind_name(u.point.utility), u.point.supply_point),
                since: Some(u.point.contract.first()),
                confidence: l.confidence,
            });
        }
    }
    let residents = d.residents.as_deref().unwrap_or_default();
    for i in inputs.residents_of_unit(unit) {
        let r = &residents[i];
        if r.is_resident_on(as_of) {
            let conf = inputs
                .resident_link(i)
                .map_or(Confidence::ADDRESS_KEY_WITH_INTERNAL, |l| l.confidence);
            out.push(Signal {
                kind: "resident",
                id: format!("household {}", r.household_id),
                since: Some(r.residence.from()),
                confidence: conf,
            });
        }
    }
    let tari = d.tari.as_deref().unwrap_or_default();
    for i in inputs.tari_of_unit(unit) {
        let t = &tari[i];
        if t.is_active_on(as_of) {
            let conf = inputs
                .tari_links(i)
                .iter()
                .find(|l| l.unit == unit)
                .map_or(Confidence::ADDRESS_KEY_WITH_INTERNAL, |l| l.confidence);
            out.push(Signal {
                kind: "tari",
                id: format!("{}/{}", t.account_id, t.premises_seq),
                since: Some(t.period.first()),
                confidence: conf,
            });
        }
    }
    let leases = d.leases.as_deref().unwrap_or_default();
    for i in inputs.leases_of_unit(unit) {
        let l = &leases[i];
        if l.is_in_force_on(as_of) {
            out.push(Signal {
                kind: "lease",
                id: l.contract_id.clone(),
                since: Some(l.start_date),
                confidence: Confidence::EXACT_UNIT_KEY,
            });
        }
    }
    out.sort_by(|a, b| (a.kind, &a.id).cmp(&(b.kind, &b.id)));
    out.dedup_by(|a, b| a.kind == b.kind && a.id == b.id);
    out
}

/// Utility name.
pub fn kind_name(k: UtilityKind) -> &'static str {
    match k {
        UtilityKind::Electricity => "electricity",
        UtilityKind::Gas => "gas",
        UtilityKind::Water => "water",
    }
}

/// The best (highest) confidence of a set of signals; the anomaly stands on any one of them.
pub fn best_confidence(signals: &[Signal]) -> Confidence {
    signals
        .iter()
        .map(|s| s.confidence)
        .fold(None, |acc: Option<Confidence>, c| {
            Some(acc.map_or(c, |a| if c.get() > a.get() { c } else { a }))
        })
        .unwrap_or(Confidence::EXACT_UNIT_KEY)
}

/// The lowest confidence of several joins used together (for lists of units).
pub fn weakest(confidences: impl IntoIterator<Item = Confidence>) -> Confidence {
    confidences
        .into_iter()
        .fold(Confidence::EXACT_UNIT_KEY, |a, c| {
            if c.get() < a.get() { c } else { a }
        })
}

/// Earliest of the signals' start dates.
pub fn earliest(signals: &[Signal]) -> Option<NaiveDate> {
    signals.iter().filter_map(|s| s.since).min()
}

/// The map parcel key of a parcel reference: the map parcel (lowest key when a parcel is on
/// several sheet variants), else the main-sheet key built from the reference.
pub fn parcel_key_of(inputs: &Inputs, parcel: &UnitKey) -> Option<ParcelKey> {
    let maps = inputs.data.map_parcels.as_deref().unwrap_or_default();
    let mut keys: Vec<&ParcelKey> = inputs
        .map_parcels_at(parcel)
        .iter()
        .map(|&i| &maps[i].parcel_key)
        .collect();
    keys.sort();
    if let Some(k) = keys.first() {
        return Some((*k).clone());
    }
    let sheet = segit_model::SheetKey::new(
        parcel.belfiore(),
        parcel.section().cloned(),
        parcel.foglio(),
        None,
        None,
    )
    .ok()?;
    Some(sheet.parcel(parcel.particella().clone()))
}

/// The parcel reference of a TER state.
pub fn land_ref(parcel: &Parcel, state: &ParcelState) -> UnitKey {
    UnitKey::new(
        parcel.property.belfiore,
        parcel.property.section.clone(),
        state.foglio,
        state.particella.clone(),
        None,
    )
}

/// The parcel of the first identifier group of a unit state (unit-key form).
pub fn unit_parcel(state: &UnitState) -> UnitKey {
    state.identifiers.canonical().without_subalterno()
}

/// Reference key form of a map parcel.
pub fn map_ref(key: &ParcelKey) -> UnitKey {
    parcel_ref(key)
}

/// Generating efficacy date of a unit state (deed efficacy, else the validity start).
pub fn efficacy(state: &UnitState) -> NaiveDate {
    state
        .generating_deed()
        .efficacy_date
        .unwrap_or_else(|| state.validity.from())
}

/// The microzone of a parcel reference: the microzone whose polygon contains the
/// point-on-surface of the parcel's map polygon (other-supplies.md §6; lowest number when
/// microzones overlap).
pub fn microzone_of(inputs: &Inputs, parcel: &UnitKey) -> Option<u32> {
    use geo::{Contains, InteriorPoint};
    let maps = inputs.data.map_parcels.as_deref()?;
    let point = inputs
        .map_parcels_at(parcel)
        .first()
        .and_then(|&m| maps[m].geometry.interior_point())?;
    inputs
        .data
        .microzones
        .iter()
        .flatten()
        .filter(|z| z.geometry.contains(&point))
        .map(|z| z.number)
        .min()
}

/// [`microzone_of`] remembered per parcel reference, for a rule that asks for the parcels of
/// many units (each parcel's interior point and scan of the microzones done once).
#[derive(Debug, Default)]
pub struct MicrozoneMemo(HashMap<UnitKey, Option<u32>, foldhash::fast::RandomState>);

impl MicrozoneMemo {
    /// [`microzone_of`] `parcel`.
    pub fn of(&mut self, inputs: &Inputs, parcel: &UnitKey) -> Option<u32> {
        if let Some(&z) = self.0.get(parcel) {
            return z;
        }
        let z = microzone_of(inputs, parcel);
        self.0.insert(parcel.clone(), z);
        z
    }
}

/// Mean over the OMI zones of `microzone` of `value` of each zone's first quotation for
/// `typology` in the normal state (`NORMALE`); `None` when no zone has one (R27, R28).
pub fn omi_mean_in_microzone(
    inputs: &Inputs,
    microzone: u32,
    typology: u32,
    value: impl Fn(&OmiQuotation) -> Option<f64>,
) -> Option<f64> {
    let values: Vec<f64> = inputs
        .data
        .omi_zones
        .iter()
        .flatten()
        .filter(|z| z.microzone == microzone)
        .filter_map(|z| {
            inputs
                .data
                .omi_values
                .iter()
                .flatten()
                .find(|q| {
                    q.link_zona == z.link_zona
                        && q.cod_tip == typology
                        && q.state.trim().eq_ignore_ascii_case("NORMALE")
                })
                .and_then(&value)
        })
        .collect();
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}
