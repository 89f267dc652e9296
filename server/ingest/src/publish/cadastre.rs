//! Features of the cadastre: parcels (map + current TER state), parcel states, unit states,
//! holdings, subjects — with their links.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use geo::InteriorPoint;
use geo_types::{Geometry, MultiPolygon};
use segit_model::{ParcelKey, PropertyKind, SubjectKind, UnitKey};
use segit_query::{Collection, Feature, Value};

use super::values::{
    feature, int, link_values, opt_date, opt_int, opt_num, opt_text, property_ref, subject_letter,
    text,
};
use crate::censuario::{CensusHolding, CensusParcel, CensusSubject, CensusUnit};
use crate::key_hash::{KeyMap, KeySet, key_hash};
use crate::link::{Link, LinkMethod, LinkRates, Linker};

/// A parcel of the maps.
#[derive(Debug, Clone)]
pub struct MapParcel {
    /// geometry in the storage CRS
    pub geometry: MultiPolygon<f64>,
    /// `cxf` or `gml`
    pub source: &'static str,
    /// area computed from the map (map CRS for CXF)
    pub area: Option<f64>,
    /// area declared by the SUP
    pub declared: Option<i64>,
    /// read in this supply (false: read back from the store, used for linking only)
    pub from_supply: bool,
}

/// Makes ids unique: the second and later uses of `id` get `#2`, `#3`… (ids are remembered
/// by their 128-bit hash, [`key_hash`]; the number of uses only for ids used again).
#[derive(Debug, Default)]
pub(crate) struct UniqueIds {
    used: KeySet,
    again: KeyMap<u32>,
}

impl UniqueIds {
    pub(crate) fn take(&mut self, id: String) -> String {
        let h = key_hash(&id);
        if self.used.insert(h) {
            return id;
        }
        let n = self.again.entry(h).or_insert(1);
        *n += 1;
        format!("{id}#{n}")
    }
}

/// Parcels of the maps read in this supply.
pub(crate) fn parcels(
    c: &Collection,
    map: &BTreeMap<ParcelKey, MapParcel>,
    supply_date: NaiveDate,
) -> Vec<Feature> {
    map.iter()
        .filter(|(_, m)| m.from_supply)
        .map(|(key, m)| {
            let values = vec![
                text(key.to_string()),
                text(key.sheet().to_string()),
                int(key.sheet().foglio().get()),
                text(key.particella().as_str()),
                text(m.source),
                opt_num(m.area),
                opt_int(m.declared),
            ];
            let geometry = Some(Geometry::MultiPolygon(m.geometry.clone()));
            feature(c, key.to_string(), geometry, values, supply_date, None)
        })
        .collect()
}

/// Every state of every census parcel.
pub(crate) fn parcel_states(
    c: &Collection,
    census: &[CensusParcel],
    linker: &Linker,
    rates: &mut LinkRates,
) -> Vec<Feature> {
    let mut ids = UniqueIds::default();
    let mut out = Vec::new();
    for cp in census {
        let p = &cp.parcel.property;
        let latest = cp.parcel.states.iter().map(|s| s.progressive).max();
        for s in &cp.parcel.states {
            let (key, method) =
                linker
                    .parcels
                    .resolve(p.belfiore, p.section.as_ref(), s.foglio, &s.particella);
            if Some(s.progressive) == latest {
                rates.record("parcel states", "map parcel", method);
            }
            let key = key.map_or_else(
                || {
                    format!(
                        "{}/{}/{}",
                        p.belfiore,
                        s.foglio.get(),
                        s.particella.as_str()
                    )
                },
                |k| k.to_string(),
            );
            let values = vec![
                text(key.clone()),
                text(property_ref(p)),
                int(p.id),
                int(s.progressive),
                int(s.foglio.get()),
                text(s.particella.as_str()),
                opt_int(s.quality.map(segit_model::LandQuality::code)),
                opt_text(s.quality.and_then(segit_model::LandQuality::abbreviation)),
                opt_text(s.class.as_deref()),
                opt_text(s.partita.as_deref()),
                int(s.area_m2),
                opt_num(s.dominicale_eur),
                opt_num(s.agrario_eur),
                opt_text(s.generating_deed.cause_description.as_deref()),
                opt_date(s.generating_deed.registration_date),
                opt_text(method.map(LinkMethod::name)),
                opt_num(method.map(LinkMethod::confidence)),
            ];
            let id = ids.take(format!("{key}@{}", s.progressive));
            out.push(feature(
                c,
                id,
                None,
                values,
                s.validity.from(),
                s.validity.to(),
            ));
        }
    }
    out
}

/// What building the units layer chunk by chunk carries from one chunk to the next: the ids
/// used and the point of each host parcel.
#[derive(Debug, Default)]
pub(crate) struct UnitsState {
    ids: UniqueIds,
    points: HashMap<ParcelKey, Option<Geometry<f64>>>,
}

/// Every state of every census unit; the point is inside the host map parcel.
pub(crate) fn units(
    c: &Collection,
    census: &[CensusUnit],
    map: &BTreeMap<ParcelKey, MapParcel>,
    linker: &Linker,
    state: &mut UnitsState,
    rates: &mut LinkRates,
) -> Vec<Feature> {
    let UnitsState { ids, points } = state;
    let mut out = Vec::new();
    for cu in census {
        let p = &cu.unit.property;
        let latest = cu.unit.latest_state().map(|s| s.progressive);
        for s in &cu.unit.states {
            let key = s.identifiers.canonical();
            let (parcel, parcel_method) = linker.parcels.resolve_unit(key);
            let address = s
                .current_address()
                .and_then(|a| linker.streets.resolve_cadastral(a));
            if Some(s.progressive) == latest {
                rates.record("units", "map parcel", parcel_method);
                rates.record(
                    "units",
                    "street register",
                    address.as_ref().map(|a| a.method),
                );
            }
            let parcel_link = parcel
                .clone()
                .map(|k| Link::new(k, parcel_method.unwrap_or(LinkMethod::UnitKey)));
            let geometry = match (&parcel, parcel_method) {
                (Some(k), Some(_)) => points
                    .entry(k.clone())
                    .or_insert_with(|| {
                        map.get(k)
                            .and_then(|m| m.geometry.interior_point())
                            .map(Geometry::Point)
                    })
                    .clone(),
                _ => None,
            };
            let aliases: Vec<String> = s
                .identifiers
                .aliases()
                .iter()
                .map(UnitKey::to_string)
                .collect();
            let street_text = s.current_address().map(|a| {
                let number = a.civico1.as_deref().unwrap_or("").trim_start_matches('0');
                format!("{} {number}", a.street_name).trim().to_owned()
            });
            let mut values = vec![
                text(key.to_string()),
                opt_text((!aliases.is_empty()).then(|| aliases.join(","))),
                text(property_ref(p)),
                int(p.id),
                int(s.progressive),
                int(key.foglio().get()),
                text(key.particella().as_str()),
                opt_int(key.subalterno().map(segit_model::Subalterno::get)),
                opt_text(s.category.map(|c| c.to_string())),
                opt_text(s.category.map(segit_model::Category::census_code)),
                opt_text(s.class()),
                opt_num(s.consistency()),
                opt_int(s.surface_m2),
                opt_num(s.rent_eur),
                opt_text(s.census_zone.as_deref()),
                opt_text(s.partita.as_deref()),
                opt_text(s.staircase()),
                opt_text((!s.floors().is_empty()).then(|| s.floors().join(","))),
                opt_text(s.internal.as_deref()),
                opt_text(street_text),
                opt_text(s.generating_deed().cause_description.as_deref()),
                opt_date(s.generating_deed().registration_date),
            ];
            // an unlinked parcel key is still published (built from the census), without method
            match (&parcel_link, parcel_method) {
                (Some(l), Some(_)) => values.extend(link_values(Some(l), |k| text(k.to_string()))),
                (Some(l), None) => {
                    values.extend([text(l.target.to_string()), Value::Null, Value::Null]);
                }
                (None, _) => values.extend([Value::Null, Value::Null, Value::Null]),
            }
            let address_link = address.map(|a| Link::new(a.key, a.method));
            values.extend(link_values(address_link.as_ref(), |k| text(k.to_string())));
            let building = parcel_method
                .and(parcel.as_ref())
                .and_then(|k| linker.buildings.on_parcel(&k.to_string()));
            if Some(s.progressive) == latest {
                rates.record("units", "building", building.as_ref().map(|l| l.method));
            }
            values.extend(link_values(building.as_ref(), |k| text(k.clone())));
            let id = ids.take(format!("{key}@{}", s.progressive));
            out.push(feature(
                c,
                id,
                geometry,
                values,
                s.validity.from(),
                s.validity.to(),
            ));
        }
    }
    out
}

/// Holdings with their unit and subject links.
pub(crate) fn holdings(
    c: &Collection,
    census: &[CensusHolding],
    linker: &Linker,
    ids: &mut UniqueIds,
    rates: &mut LinkRates,
) -> Vec<Feature> {
    let mut out = Vec::with_capacity(census.len());
    for ch in census {
        let h = &ch.holding;
        let from = h.validity.from();
        let holding_ref = h.holding_id.map_or_else(
            || format!("{}/{}/{}", property_ref(&h.property), h.subject.id, from),
            |id| format!("{}/{id}", h.belfiore),
        );
        let property = property_ref(&h.property);
        let unit = if h.property.kind == PropertyKind::Building {
            let link = linker
                .units
                .by_property(&property)
                .and_then(|i| linker.units.canonical(i))
                .map(|k| Link::new(k.clone(), LinkMethod::SourceKey));
            rates.record("holdings", "unit", link.as_ref().map(|l| l.method));
            link
        } else {
            None
        };
        let land = if h.property.kind == PropertyKind::Land {
            let link = linker
                .land
                .get(&property)
                .map(|k| Link::new(k.clone(), LinkMethod::SourceKey));
            rates.record("holdings", "parcel", link.as_ref().map(|l| l.method));
            link
        } else {
            None
        };
        let subject_ref = format!(
            "{}/{}/{}",
            h.subject.belfiore,
            h.subject.id,
            h.subject.kind.letter()
        );
        let subject = linker.persons.by_ref(&subject_ref);
        rates.record("holdings", "subject", subject.as_ref().map(|l| l.method));
        let cf = subject
            .as_ref()
            .and_then(|l| linker.persons.cf_of(&l.target))
            .map(str::to_owned);
        let mut values = vec![
            text(holding_ref.clone()),
            text(property),
            int(h.subject.id),
            text(subject_letter(h.subject.kind)),
            opt_text(cf),
            text(h.right.as_str()),
            opt_text(h.right_text().or_else(|| h.right.description())),
            opt_text(h.share.map(|s| s.to_string())),
            opt_int(h.share.map(segit_model::Share::num)),
            opt_int(h.share.map(segit_model::Share::den)),
            opt_text(h.generating_deed().cause_description.as_deref()),
        ];
        values.extend(link_values(unit.as_ref(), |k| text(k.to_string())));
        values.extend(link_values(land.as_ref(), |k| text(k.clone())));
        values.extend(link_values(subject.as_ref(), |k| text(k.clone())));
        let id = ids.take(format!("{holding_ref}@{from}"));
        out.push(feature(c, id, None, values, from, h.validity.to()));
    }
    out
}

/// Subjects.
pub(crate) fn subjects(
    c: &Collection,
    census: &[CensusSubject],
    supply_date: NaiveDate,
    ids: &mut UniqueIds,
) -> Vec<Feature> {
    census
        .iter()
        .map(|cs| {
            let s = &cs.subject;
            let subject_ref = format!("{}/{}/{}", s.belfiore, s.id, s.kind().letter());
            let cf = s.tax_code();
            let d = s.details();
            let (surname, given, sex, birth, place, name, seat) = match s.kind() {
                SubjectKind::NaturalPerson => (
                    Some(&*d.surname),
                    Some(&*d.given_name),
                    d.sex.map(|x| x.letter().to_string()),
                    d.birth_date,
                    d.birthplace.map(|b| b.to_string()),
                    None,
                    None,
                ),
                SubjectKind::LegalEntity => (
                    None,
                    None,
                    None,
                    None,
                    None,
                    Some(&*d.name),
                    d.seat.map(|b| b.to_string()),
                ),
            };
            let values = vec![
                text(subject_ref.clone()),
                int(s.id),
                text(subject_letter(s.kind())),
                opt_text(cf.map(segit_model::TaxId::as_written)),
                cf.map_or(Value::Null, |t| Value::Bool(t.is_valid())),
                opt_text(surname),
                opt_text(given),
                opt_text(sex),
                opt_date(birth),
                opt_text(place),
                opt_text(name),
                opt_text(seat),
            ];
            feature(c, ids.take(subject_ref), None, values, supply_date, None)
        })
        .collect()
}
