//! Anomalies published as ordinary collections: one per rule family plus one with all
//! (`anomalies`, `anomalies_buildings`…), the aggregates per microzone and per census section
//! (counts and total estimated gap, for choropleths) and the c. 335 microzone indicator.
//! Pseudonymised subjects and the evidence (which may carry codes as written, Q01) are marked
//! personal.

mod aggregate;

pub(crate) use aggregate::AreaTally;
pub use aggregate::{
    AreaUnit, aggregate, aggregate_collection, indicator_collection, indicator_features,
};

use geo_types::{Geometry, MultiPolygon, Point};
use segit_model::{Anomaly, GeometryRef};
use segit_query::{Collection, Crs, Feature, GeometryType, Property, PropertyType, Value};
use sha2::{Digest, Sha256};
use std::borrow::Borrow;

use crate::engine::Family;
use crate::inputs::Inputs;
use crate::registry::Registry;
use crate::run::anomaly_key;

use PropertyType::{Date, Integer, Number, Text};

/// Id of the collection with every anomaly.
pub const ALL_ID: &str = "anomalies";

/// Id of a family's collection (`anomalies_tari`).
pub fn family_id(family: Family) -> String {
    format!("{ALL_ID}_{}", family.name())
}

fn p(name: &str, ty: PropertyType, title: &str) -> Property {
    Property::new(name, ty, title)
}

/// Properties of every anomaly collection, in output order.
pub fn anomaly_properties() -> Vec<Property> {
    vec![
        p("anomaly_key", Text, "Stable anomaly key").required(),
        p("rule_id", Text, "Rule").required(),
        p("rule_version", Integer, "Rule version").required(),
        p("family", Text, "Rule family").required(),
        p("as_of_date", Date, "Date the sources were evaluated").required(),
        p("parcel_key", Text, "Parcel key"),
        p("unit_key", Text, "Unit key"),
        p("address_key", Text, "Address key"),
        p("microzone", Integer, "Cadastral microzone"),
        p(
            "geometry_kind",
            Text,
            "Geometry rendered (parcel, building_footprint, house_number, microzone)",
        ),
        p("geometry_ref", Text, "Key of the geometry rendered"),
        p("subjects", Text, "Pseudonymised subjects with roles (JSON)").personal(),
        p(
            "evidence",
            Text,
            "Evidence: values compared, source records (JSON)",
        )
        .personal(),
        p(
            "evidence_date",
            Date,
            "Earliest date the situation is proven",
        ),
        p(
            "match_confidence",
            Number,
            "Product of the join confidences",
        )
        .required(),
        p("estimated_gap", Number, "Estimated yearly gap in euro"),
        p("score", Number, "Priority: gap × confidence").required(),
        p("legal_basis", Text, "Legal basis").required(),
        p("action", Text, "Suggested procedure").required(),
        p("status", Text, "Review status").required(),
    ]
}

fn collection(id: String, title: String, description: String, crs: Crs) -> Collection {
    Collection {
        id,
        title,
        description,
        keywords: vec!["segit".into(), "anomalies".into()],
        geometry_type: GeometryType::Geometry,
        storage_crs: crs,
        properties: anomaly_properties(),
        temporal: None,
        extent: None,
    }
}

/// The collection with every anomaly.
pub fn all_collection(crs: Crs) -> Collection {
    collection(
        ALL_ID.into(),
        "Fiscal anomalies".into(),
        "Every anomaly of the last correlation run".into(),
        crs,
    )
}

/// The collection of one family.
pub fn family_collection(family: Family, crs: Crs) -> Collection {
    collection(
        family_id(family),
        format!("Fiscal anomalies: {}", family.title()),
        format!("Anomalies of the {} rules", family.title()),
        crs,
    )
}

/// Every anomaly collection: all, the families, the two aggregates, the c. 335 indicator.
pub fn collections(crs: Crs) -> Vec<Collection> {
    let mut v = vec![all_collection(crs)];
    v.extend(Family::ALL.into_iter().map(|f| family_collection(f, crs)));
    v.push(aggregate_collection(
        "anomalies_by_microzone",
        "Anomalies per microzone",
        crs,
    ));
    v.push(aggregate_collection(
        "anomalies_by_census_section",
        "Anomalies per census section",
        crs,
    ));
    v.push(indicator_collection(crs));
    v
}

/// The family of an anomaly's rule, from the registry (data quality when unknown).
pub fn family_of(registry: &Registry, a: &Anomaly) -> Family {
    registry
        .get(a.rule_id.as_str())
        .map_or(Family::DataQuality, super::engine::Rule::family)
}

fn opt_text<T: ToString>(v: Option<&T>) -> Value {
    v.map_or(Value::Null, |x| Value::Text(x.to_string()))
}

fn geometry_parts(g: Option<&GeometryRef>) -> (Value, Value) {
    match g {
        None => (Value::Null, Value::Null),
        Some(GeometryRef::Parcel(k)) => (Value::Text("parcel".into()), Value::Text(k.to_string())),
        Some(GeometryRef::BuildingFootprint(id)) => (
            Value::Text("building_footprint".into()),
            Value::Text(id.clone()),
        ),
        Some(GeometryRef::HouseNumber(k)) => (
            Value::Text("house_number".into()),
            Value::Text(k.to_string()),
        ),
        Some(GeometryRef::Microzone(z)) => {
            (Value::Text("microzone".into()), Value::Int(i64::from(*z)))
        }
    }
}

/// Feature id of an anomaly: `a-` + 16 hex characters of the SHA-256 of its stable key.
pub fn feature_id(a: &Anomaly) -> String {
    id_of_key(&anomaly_key(a))
}

/// Feature id of the anomaly whose stable key is `key` (see [`feature_id`]).
fn id_of_key(key: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let digest = Sha256::digest(key.as_bytes());
    let mut id = String::with_capacity(18);
    id.push_str("a-");
    for b in &digest[..8] {
        id.push(char::from(HEX[usize::from(b >> 4)]));
        id.push(char::from(HEX[usize::from(b & 0xf)]));
    }
    id
}

/// An anomaly as a feature of the anomaly collections, without geometry (the server renders
/// by reference: `geometry_kind` + `geometry_ref`).
pub fn to_feature(a: &Anomaly, family: Family) -> Feature {
    to_feature_keyed(a, family, &anomaly_key(a), true)
}

/// [`to_feature`] of an anomaly whose stable key ([`anomaly_key`]) is `key`; its properties
/// come in schema order, `named` or with empty names (as a store's ingest takes them).
fn to_feature_keyed(a: &Anomaly, family: Family, key: &str, named: bool) -> Feature {
    let (kind, reference) = geometry_parts(a.geometry_ref.as_ref());
    let json = |v: serde_json::Result<String>| v.map_or(Value::Null, Value::Text);
    let id = id_of_key(key);
    let properties = [
        ("anomaly_key", Value::Text(key.to_owned())),
        ("rule_id", Value::Text(a.rule_id.as_str().to_owned())),
        ("rule_version", Value::Int(i64::from(a.rule_version))),
        ("family", Value::Text(family.name().into())),
        ("as_of_date", Value::Date(a.as_of_date)),
        ("parcel_key", opt_text(a.object.parcel_key.as_ref())),
        ("unit_key", opt_text(a.object.unit_key.as_ref())),
        ("address_key", opt_text(a.object.address_key.as_ref())),
        (
            "microzone",
            a.object
                .microzone
                .map_or(Value::Null, |z| Value::Int(i64::from(z))),
        ),
        ("geometry_kind", kind),
        ("geometry_ref", reference),
        ("subjects", json(serde_json::to_string(&a.subjects))),
        ("evidence", json(serde_json::to_string(&a.evidence))),
        (
            "evidence_date",
            a.evidence_date.map_or(Value::Null, Value::Date),
        ),
        ("match_confidence", Value::Float(a.match_confidence.get())),
        (
            "estimated_gap",
            a.estimated_gap.map_or(Value::Null, Value::Float),
        ),
        ("score", Value::Float(a.score)),
        (
            "legal_basis",
            Value::Text(a.legal_basis.as_ref().to_owned()),
        ),
        ("action", Value::Text(a.action.to_string())),
        ("status", Value::Text(a.status.name().to_owned())),
    ];
    Feature {
        id,
        geometry: None,
        properties: properties
            .into_iter()
            .map(|(k, v)| (if named { k.to_owned() } else { String::new() }, v))
            .collect(),
    }
}

/// The geometry an anomaly refers to, borrowed from the snapshot.
#[derive(Debug, Clone, Copy)]
pub enum GeometryView<'a> {
    /// a parcel, footprint, outline or microzone
    Area(&'a MultiPolygon<f64>),
    /// a house number
    Point(Point<f64>),
}

impl GeometryView<'_> {
    /// The geometry, owned.
    pub fn to_geometry(self) -> Geometry<f64> {
        match self {
            Self::Area(m) => Geometry::MultiPolygon(m.clone()),
            Self::Point(p) => Geometry::Point(p),
        }
    }
}

/// The geometry an anomaly refers to, looked up in the snapshot without copying it.
pub fn view_geometry<'a>(inputs: &'a Inputs, g: &GeometryRef) -> Option<GeometryView<'a>> {
    let d = &inputs.data;
    match g {
        GeometryRef::Parcel(k) => inputs.map_parcel(k).and_then(|i| {
            d.map_parcels
                .as_ref()
                .map(|v| GeometryView::Area(&v[i].geometry))
        }),
        GeometryRef::BuildingFootprint(id) => inputs
            .footprint(id)
            .and_then(|i| {
                d.footprints
                    .as_ref()
                    .map(|v| GeometryView::Area(&v[i].geometry))
            })
            .or_else(|| {
                inputs.outline(id).and_then(|i| {
                    d.building_outlines
                        .as_ref()
                        .map(|v| GeometryView::Area(&v[i].geometry))
                })
            }),
        GeometryRef::HouseNumber(k) => inputs.house_number(k).and_then(|i| {
            d.house_numbers
                .as_ref()
                .map(|v| GeometryView::Point(v[i].point))
        }),
        GeometryRef::Microzone(z) => d
            .microzones
            .iter()
            .flatten()
            .find(|m| m.number == *z)
            .map(|m| GeometryView::Area(&m.geometry)),
    }
}

/// The geometry an anomaly refers to, looked up in the snapshot.
pub fn resolve_geometry(inputs: &Inputs, g: &GeometryRef) -> Option<Geometry<f64>> {
    view_geometry(inputs, g).map(GeometryView::to_geometry)
}

/// An anomaly as a feature with its geometry resolved from the snapshot.
pub fn to_feature_with_geometry(a: &Anomaly, family: Family, inputs: &Inputs) -> Feature {
    with_geometry(to_feature(a, family), a, inputs)
}

/// [`to_feature`] of an anomaly whose stable key ([`anomaly_key`]) is `key`, with `geometry`
/// (that it refers to, resolved before), its properties in schema order without their names
/// (a store's ingest takes them so: no name is made, compared or freed).
pub(crate) fn to_ingest_feature(
    a: &Anomaly,
    family: Family,
    key: &str,
    geometry: Option<Geometry<f64>>,
) -> Feature {
    let mut f = to_feature_keyed(a, family, key, false);
    f.geometry = geometry;
    f
}

/// `f` with the geometry `a` refers to, resolved from the snapshot.
fn with_geometry(mut f: Feature, a: &Anomaly, inputs: &Inputs) -> Feature {
    f.geometry = a
        .geometry_ref
        .as_ref()
        .and_then(|g| resolve_geometry(inputs, g));
    f
}

/// The anomaly collection `collection_id` names: `Some(None)` for `anomalies`,
/// `Some(Some(family))` for a family's, `None` for any other collection.
pub fn anomaly_layer(collection_id: &str) -> Option<Option<Family>> {
    if collection_id == ALL_ID {
        return Some(None);
    }
    Family::ALL
        .into_iter()
        .find(|f| family_id(*f) == collection_id)
        .map(Some)
}

/// The features of the collection `collection_id` (`anomalies` or a family's) for a run.
pub fn features_for<A: Borrow<Anomaly>>(
    collection_id: &str,
    anomalies: &[A],
    registry: &Registry,
    inputs: &Inputs,
) -> Vec<Feature> {
    let Some(layer) = anomaly_layer(collection_id) else {
        return Vec::new();
    };
    anomalies
        .iter()
        .map(Borrow::borrow)
        .filter_map(|a: &Anomaly| {
            let family = family_of(registry, a);
            layer
                .is_none_or(|f| f == family)
                .then(|| to_feature_with_geometry(a, family, inputs))
        })
        .collect()
}
