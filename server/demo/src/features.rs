//! Publication of the generated entities as features of the collections in
//! [`crate::collections`]. Properties are written in schema order; feature ids are the
//! canonical keys of each collection.

use std::collections::BTreeSet;

use geo_types::Geometry;
use segit_model::RightCode;
use segit_query::{Collection, Feature, Value};

use crate::Municipality;
use crate::collections;
use crate::entities::{ParcelUse, SubjectRef};
use crate::geom;

/// Subject id of a person or an entity (`P3000001`, `G8000001`).
pub fn subject_id(s: SubjectRef) -> String {
    match s {
        SubjectRef::Person(p) => format!("P{}", 3_000_001 + p),
        SubjectRef::Entity(e) => format!("G{}", 8_000_001 + e),
    }
}

fn subject_type(s: SubjectRef) -> &'static str {
    match s {
        SubjectRef::Person(_) => "P",
        SubjectRef::Entity(_) => "G",
    }
}

/// English name of a right code.
fn right_name(code: &str) -> Value {
    RightCode::parse(code)
        .ok()
        .and_then(|r| r.description())
        .map_or(Value::Null, Value::from)
}

fn feature(id: String, geometry: Option<Geometry<f64>>, props: Vec<(&str, Value)>) -> Feature {
    Feature {
        id,
        geometry,
        properties: props.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
    }
}

fn opt_text(s: Option<&str>) -> Value {
    s.map_or(Value::Null, Value::from)
}

fn int(v: impl Into<i64>) -> Value {
    Value::Int(v.into())
}

/// A published collection: its schema and the function building its features.
pub type Layer = (fn() -> Collection, fn(&Municipality) -> Vec<Feature>);

/// Every published collection, in publication order.
pub const LAYERS: [Layer; 10] = [
    (collections::parcels, parcels),
    (collections::buildings, buildings),
    (collections::units, units),
    (collections::holdings, holdings),
    (collections::subjects, subjects),
    (collections::imu_positions, imu_positions),
    (collections::tari_positions, tari_positions),
    (collections::residents, residents),
    (collections::addresses, addresses),
    (collections::streets, streets),
];

/// Every published collection with its features, in publication order. [`crate::write_to`]
/// builds the same layers one at a time instead, to keep memory low.
pub fn layers(m: &Municipality) -> Vec<(Collection, Vec<Feature>)> {
    LAYERS.iter().map(|(c, f)| (c(), f(m))).collect()
}

fn parcels(m: &Municipality) -> Vec<Feature> {
    m.parcels
        .iter()
        .map(|p| {
            let usage = match p.usage {
                ParcelUse::Urban => "urban",
                ParcelUse::Courtyard => "courtyard",
                ParcelUse::Vacant => "vacant",
                ParcelUse::Agricultural => "agricultural",
            };
            feature(
                p.key.clone(),
                Some(Geometry::Polygon(p.geometry.clone())),
                vec![
                    ("parcel_key", p.key.as_str().into()),
                    ("sheet_key", p.sheet_key.as_str().into()),
                    ("foglio", int(p.foglio)),
                    ("particella", p.particella.as_str().into()),
                    ("usage", usage.into()),
                    ("quality_code", int(p.quality)),
                    ("quality", p.quality_name.into()),
                    ("class", p.class.map_or(Value::Null, int)),
                    ("special_account", opt_text(p.special_account)),
                    ("area_m2", p.area_m2.into()),
                    ("reddito_dominicale", p.reddito_dominicale.into()),
                    ("reddito_agrario", p.reddito_agrario.into()),
                    ("census_zone", int(p.census_zone)),
                ],
            )
        })
        .collect()
}

fn buildings(m: &Municipality) -> Vec<Feature> {
    m.buildings
        .iter()
        .map(|b| {
            feature(
                b.id.clone(),
                Some(Geometry::Polygon(b.footprint.clone())),
                vec![
                    ("building_id", b.id.as_str().into()),
                    ("parcel_key", b.parcel_key.as_str().into()),
                    ("building_type", b.kind.code().into()),
                    ("use_class", b.kind.use_class().into()),
                    ("floors", int(b.floors)),
                    ("height_m", b.height_m.into()),
                    ("footprint_m2", b.footprint_m2.into()),
                    ("year_built", int(b.year_built)),
                    ("survey_date", b.survey_date.into()),
                    ("address_key", opt_text(b.address_key.as_deref())),
                ],
            )
        })
        .collect()
}

fn units(m: &Municipality) -> Vec<Feature> {
    let mut out = Vec::new();
    for u in &m.units {
        let point = match u.building {
            Some(b) => geom::centroid(&m.buildings[b].footprint),
            None => geom::centroid(&m.parcels[u.parcel].geometry),
        };
        let census_zone = m.parcels[u.parcel].census_zone;
        for s in &u.states {
            let consistency_unit = s.consistency.map(|_| match s.category.group {
                'A' => "vani",
                'B' => "m3",
                _ => "m2",
            });
            out.push(feature(
                format!("{}@{}", u.key, s.progressive),
                Some(Geometry::Point(point)),
                vec![
                    ("unit_key", u.key.as_str().into()),
                    ("progressive", int(s.progressive)),
                    ("property_id", Value::Int(u.property_id as i64)),
                    ("foglio", int(u.foglio)),
                    ("particella", u.particella.as_str().into()),
                    ("subalterno", int(u.subalterno)),
                    ("parcel_key", u.parcel_key.as_str().into()),
                    (
                        "building_id",
                        opt_text(u.building.map(|b| m.buildings[b].id.as_str())),
                    ),
                    ("category", s.category.display().into()),
                    ("category_code", s.category.census().into()),
                    (
                        "category_description",
                        opt_text(s.category.model().map(segit_model::Category::description)),
                    ),
                    ("class", s.class.map_or(Value::Null, int)),
                    ("consistency", s.consistency.into()),
                    ("consistency_unit", opt_text(consistency_unit)),
                    ("rent_eur", s.rent.into()),
                    ("surface_m2", s.surface_m2.map_or(Value::Null, int)),
                    (
                        "surface_excl_m2",
                        s.surface_excl_m2.map_or(Value::Null, int),
                    ),
                    ("census_zone", int(census_zone)),
                    ("address_key", opt_text(u.address_key.as_deref())),
                    ("staircase", opt_text(u.staircase.as_deref())),
                    ("floor", u.floor.as_str().into()),
                    ("internal", opt_text(u.internal.as_deref())),
                    ("valid_from", s.valid_from.into()),
                    ("valid_to", s.valid_to.into()),
                    ("current", s.valid_to.is_none().into()),
                    ("cause", s.cause.into()),
                ],
            ));
        }
    }
    out
}

fn holdings(m: &Municipality) -> Vec<Feature> {
    m.holdings
        .iter()
        .map(|h| {
            let u = &m.units[h.unit];
            feature(
                format!("{}/{}", m.belfiore, h.id),
                None,
                vec![
                    ("holding_id", Value::Int(h.id as i64)),
                    ("unit_key", u.key.as_str().into()),
                    ("property_id", Value::Int(u.property_id as i64)),
                    ("subject_id", subject_id(h.subject).into()),
                    ("subject_type", subject_type(h.subject).into()),
                    ("codice_fiscale", m.subject_cf(h.subject).into()),
                    ("right_code", h.right.into()),
                    ("right", right_name(h.right)),
                    ("share", format!("{}/{}", h.share_num, h.share_den).into()),
                    ("share_num", int(h.share_num)),
                    ("share_den", int(h.share_den)),
                    ("valid_from", h.valid_from.into()),
                    ("valid_to", h.valid_to.into()),
                ],
            )
        })
        .collect()
}

fn subjects(m: &Municipality) -> Vec<Feature> {
    let holders: BTreeSet<SubjectRef> = m.holdings.iter().map(|h| h.subject).collect();
    holders
        .into_iter()
        .map(|s| {
            let props = match s {
                SubjectRef::Person(i) => {
                    let p = &m.persons[i];
                    vec![
                        ("subject_id", subject_id(s).into()),
                        ("subject_type", "P".into()),
                        ("codice_fiscale", p.cf.as_str().into()),
                        ("surname", p.surname.as_str().into()),
                        ("given_name", p.name.as_str().into()),
                        ("sex", if p.female { "F" } else { "M" }.into()),
                        ("birth_date", p.birth_date.into()),
                        ("birth_place", p.birth_place.into()),
                        ("denomination", Value::Null),
                        ("seat", Value::Null),
                    ]
                }
                SubjectRef::Entity(i) => {
                    let e = &m.entities[i];
                    vec![
                        ("subject_id", subject_id(s).into()),
                        ("subject_type", "G".into()),
                        ("codice_fiscale", e.cf.as_str().into()),
                        ("surname", Value::Null),
                        ("given_name", Value::Null),
                        ("sex", Value::Null),
                        ("birth_date", Value::Null),
                        ("birth_place", Value::Null),
                        ("denomination", e.name.as_str().into()),
                        ("seat", e.seat.into()),
                    ]
                }
            };
            feature(subject_id(s), None, props)
        })
        .collect()
}

fn imu_positions(m: &Municipality) -> Vec<Feature> {
    m.imu_positions
        .iter()
        .map(|i| {
            let h = &m.holdings[i.holding];
            feature(
                i.id.clone(),
                None,
                vec![
                    ("tax_year", int(i.tax_year)),
                    ("holding_id", Value::Int(h.id as i64)),
                    ("unit_key", m.units[h.unit].key.as_str().into()),
                    ("taxpayer_cf", m.subject_cf(h.subject).into()),
                    ("subject_type", subject_type(h.subject).into()),
                    ("right_code", h.right.into()),
                    ("share", format!("{}/{}", h.share_num, h.share_den).into()),
                    ("category", i.category.display().into()),
                    ("rent_eur", i.rent.into()),
                    ("base_eur", i.base.into()),
                    ("months", int(i.months)),
                    ("main_residence_months", int(i.main_residence_months)),
                    ("exemption", opt_text(i.exemption)),
                    (
                        "due_incomplete",
                        (i.rent.is_none() && i.exemption.is_none()).into(),
                    ),
                    ("rate_pct", i.rate_pct.into()),
                    ("due_eur", i.due.into()),
                    ("paid_eur", i.paid.into()),
                    ("balance_eur", geom::round2(i.due - i.paid).into()),
                ],
            )
        })
        .collect()
}

fn tari_positions(m: &Municipality) -> Vec<Feature> {
    m.tari_positions
        .iter()
        .map(|t| {
            let keys: Vec<&str> = t.units.iter().map(|&u| m.units[u].key.as_str()).collect();
            feature(
                format!("{}/{}", t.account_id, t.premises_seq),
                None,
                vec![
                    ("account_id", t.account_id.as_str().into()),
                    ("premises_seq", int(t.premises_seq)),
                    ("payer_cf", m.subject_cf(t.payer).into()),
                    ("payer_type", subject_type(t.payer).into()),
                    ("user_type", t.user_type.into()),
                    ("tariff_class", opt_text(t.tariff_class)),
                    ("occupants", t.occupants.map_or(Value::Null, int)),
                    ("address_key", t.address_key.as_str().into()),
                    ("staircase", opt_text(t.staircase.as_deref())),
                    ("floor", opt_text(t.floor.as_deref())),
                    ("internal", opt_text(t.internal.as_deref())),
                    ("unit_keys", keys.join(",").into()),
                    ("declared_m2", int(t.declared_m2)),
                    ("start_date", t.start_date.into()),
                    ("end_date", t.end_date.into()),
                ],
            )
        })
        .collect()
}

fn residents(m: &Municipality) -> Vec<Feature> {
    m.residents
        .iter()
        .map(|r| {
            let p = &m.persons[r.person];
            feature(
                r.id.clone(),
                None,
                vec![
                    ("person_cf", p.cf.as_str().into()),
                    ("household_id", r.household_id.as_str().into()),
                    ("relationship", r.relationship.into()),
                    ("address_key", r.address_key.as_str().into()),
                    ("staircase", opt_text(r.staircase.as_deref())),
                    ("floor", opt_text(r.floor.as_deref())),
                    ("internal", opt_text(r.internal.as_deref())),
                    ("from_date", r.from.into()),
                    ("to_date", r.to.into()),
                    ("birth_date", p.birth_date.into()),
                    ("sex", if p.female { "F" } else { "M" }.into()),
                    ("citizenship", p.citizenship.into()),
                    ("unit_key", opt_text(r.unit_key.as_deref())),
                ],
            )
        })
        .collect()
}

fn addresses(m: &Municipality) -> Vec<Feature> {
    let names: std::collections::BTreeMap<u32, String> =
        m.streets.iter().map(|s| (s.code, s.full_name())).collect();
    m.house_numbers
        .iter()
        .map(|h| {
            feature(
                h.address_key.clone(),
                Some(Geometry::Point(h.point)),
                vec![
                    ("address_key", h.address_key.as_str().into()),
                    ("street_code", int(h.street_code)),
                    (
                        "street_name",
                        opt_text(names.get(&h.street_code).map(String::as_str)),
                    ),
                    ("number", int(h.number)),
                    (
                        "suffix",
                        opt_text(Some(h.suffix.as_str()).filter(|s| !s.is_empty())),
                    ),
                    ("parcel_key", h.parcel_key.as_str().into()),
                ],
            )
        })
        .collect()
}

fn streets(m: &Municipality) -> Vec<Feature> {
    m.streets
        .iter()
        .map(|s| {
            let length: f64 = s
                .centreline
                .0
                .windows(2)
                .map(|w| (w[1].x - w[0].x).hypot(w[1].y - w[0].y))
                .sum();
            feature(
                s.code.to_string(),
                Some(Geometry::LineString(s.centreline.clone())),
                vec![
                    ("street_code", int(s.code)),
                    ("dug", s.dug.into()),
                    ("duf", s.duf.as_str().into()),
                    ("full_name", s.full_name().into()),
                    ("cadastral_toponimo", int(s.toponimo)),
                    ("cadastral_street_code", s.cadastral_code.as_str().into()),
                    ("length_m", geom::round2(length).into()),
                ],
            )
        })
        .collect()
}
