//! Aggregates of anomalies per area (microzone, census section): number of anomalies, per
//! family, and total estimated gap; and the c. 335 indicator as its own layer.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use geo::{BoundingRect, Contains, InteriorPoint};
use geo_types::{Geometry, MultiPolygon, Point, Rect};
use segit_model::Anomaly;
use segit_query::{Collection, Crs, Feature, GeometryType, Property, PropertyType, Value};

use super::{GeometryView, family_of, view_geometry};
use crate::engine::Family;
use crate::inputs::Inputs;
use crate::params::Params;
use crate::perequazione::indicator;
use crate::registry::Registry;

use PropertyType::{Boolean, Integer, Number, Text};

/// An area of aggregation.
#[derive(Debug, Clone, PartialEq)]
pub struct AreaUnit {
    /// Area id (microzone number, census section code).
    pub id: String,
    /// Polygon(s).
    pub geometry: MultiPolygon<f64>,
}

/// Schema of an aggregate collection.
pub fn aggregate_collection(id: &str, title: &str, crs: Crs) -> Collection {
    let mut properties = vec![
        Property::new("area_id", Text, "Area").required(),
        Property::new("anomalies", Integer, "Number of anomalies").required(),
        Property::new(
            "estimated_gap",
            Number,
            "Total estimated yearly gap in euro",
        )
        .required(),
    ];
    for f in Family::ALL {
        properties.push(
            Property::new(
                &format!("anomalies_{}", f.name()),
                Integer,
                &format!("Anomalies: {}", f.title()),
            )
            .required(),
        );
    }
    Collection {
        id: id.into(),
        title: title.into(),
        description: format!("{title}: counts and total estimated gap, for choropleths"),
        keywords: vec!["segit".into(), "anomalies".into(), "aggregate".into()],
        geometry_type: GeometryType::MultiPolygon,
        storage_crs: crs,
        properties,
        temporal: None,
        extent: None,
    }
}

fn anchor(inputs: &Inputs, a: &Anomaly) -> Option<Point<f64>> {
    match view_geometry(inputs, a.geometry_ref.as_ref()?)? {
        GeometryView::Point(p) => Some(p),
        GeometryView::Area(m) => m.interior_point(),
    }
}

/// Whether `p` lies in the closed rectangle `r` (`None`: an empty area, containing nothing).
fn in_rect(r: Option<&Rect<f64>>, p: Point<f64>) -> bool {
    r.is_some_and(|r| {
        let (min, max) = (r.min(), r.max());
        min.x <= p.x() && p.x() <= max.x && min.y <= p.y() && p.y() <= max.y
    })
}

/// Aggregates anomalies per area: an anomaly counts in the area containing its geometry's
/// point-on-surface (microzone anomalies in their own microzone when the areas are numbered
/// microzones). Areas in the order given.
pub fn aggregate<A: std::borrow::Borrow<Anomaly>>(
    anomalies: &[A],
    registry: &Registry,
    inputs: &Inputs,
    areas: &[AreaUnit],
) -> Vec<Feature> {
    let mut tally = AreaTally::new(areas);
    for a in anomalies {
        let a: &Anomaly = a.borrow();
        tally.add(a, family_of(registry, a), inputs);
    }
    tally.features()
}

/// The counts of [`aggregate`], made one anomaly at a time (in the order [`aggregate`] would
/// take them: the gaps are summed in that order).
pub(crate) struct AreaTally<'a> {
    areas: &'a [AreaUnit],
    /// the first area of each microzone number (areas with a numeric id)
    by_number: HashMap<u32, usize>,
    /// each area's bounding box (a point outside it is outside)
    boxes: Vec<Option<Rect<f64>>>,
    stats: BTreeMap<usize, (i64, f64, BTreeMap<Family, i64>)>,
}

impl<'a> AreaTally<'a> {
    /// Nothing counted yet in `areas`.
    pub(crate) fn new(areas: &'a [AreaUnit]) -> Self {
        let mut by_id: HashMap<&str, usize> = HashMap::with_capacity(areas.len());
        for (i, x) in areas.iter().enumerate() {
            by_id.entry(x.id.as_str()).or_insert(i);
        }
        // the area a microzone number names: the first whose id is the number written out
        let by_number = by_id
            .iter()
            .filter_map(|(id, &i)| {
                let z: u32 = id.parse().ok()?;
                (z.to_string() == *id).then_some((z, i))
            })
            .collect();
        Self {
            areas,
            by_number,
            boxes: areas.iter().map(|x| x.geometry.bounding_rect()).collect(),
            stats: BTreeMap::new(),
        }
    }

    /// Counts `a`, of `family`, in its area (if any), its geometry looked up in `inputs`.
    pub(crate) fn add(&mut self, a: &Anomaly, family: Family, inputs: &Inputs) {
        self.add_with(a, family, || anchor(inputs, a));
    }

    /// Counts `a`, of `family`, in its area (if any); `anchor` gives the point-on-surface of
    /// its geometry, asked only when its microzone does not name the area.
    pub(crate) fn add_with(
        &mut self,
        a: &Anomaly,
        family: Family,
        anchor: impl FnOnce() -> Option<Point<f64>>,
    ) {
        let area = a
            .object
            .microzone
            .and_then(|z| self.by_number.get(&z).copied())
            .or_else(|| {
                anchor().and_then(|p| {
                    self.areas
                        .iter()
                        .zip(&self.boxes)
                        .position(|(x, r)| in_rect(r.as_ref(), p) && x.geometry.contains(&p))
                })
            });
        let Some(i) = area else { return };
        let e = self.stats.entry(i).or_default();
        e.0 += 1;
        e.1 += a.estimated_gap.unwrap_or(0.0);
        *e.2.entry(family).or_insert(0) += 1;
    }

    /// One feature per area, in the order of the areas.
    pub(crate) fn features(mut self) -> Vec<Feature> {
        self.areas
            .iter()
            .enumerate()
            .map(|(i, area)| {
                let (n, gap, fam) = self.stats.remove(&i).unwrap_or_default();
                let mut properties = vec![
                    ("area_id".to_owned(), Value::Text(area.id.clone())),
                    ("anomalies".to_owned(), Value::Int(n)),
                    (
                        "estimated_gap".to_owned(),
                        Value::Float((gap * 100.0).round() / 100.0),
                    ),
                ];
                for f in Family::ALL {
                    properties.push((
                        format!("anomalies_{}", f.name()),
                        Value::Int(fam.get(&f).copied().unwrap_or(0)),
                    ));
                }
                Feature {
                    id: area.id.clone(),
                    geometry: Some(Geometry::MultiPolygon(area.geometry.clone())),
                    properties,
                }
            })
            .collect()
    }
}

/// Schema of the c. 335 indicator layer.
pub fn indicator_collection(crs: Crs) -> Collection {
    let p = Property::new;
    Collection {
        id: "c335_microzone_indicator".into(),
        title: "c. 335 microzone indicator".into(),
        description: "Market / cadastral value ratio per microzone, deviations from the municipal ratio (weighted and simple), eligibility and uplift (L. 311/2004 c. 335)".into(),
        keywords: vec!["segit".into(), "perequazione".into()],
        geometry_type: GeometryType::MultiPolygon,
        storage_crs: crs,
        properties: vec![
            p("microzone", Integer, "Microzone").required(),
            p("omi_zones", Text, "OMI zones"),
            p("link_zones", Text, "OMI LinkZona keys"),
            p("participating", Boolean, "Takes part in the computation").required(),
            p("excluded_because", Text, "Why it does not take part"),
            p("market_value", Number, "Average market value €/m² (OMI)"),
            p("cadastral_value", Number, "Average cadastral value €/m²"),
            p("weight", Number, "Weight").required(),
            p("units", Integer, "Units of the reference stock").required(),
            p("total_rent", Number, "Total rent of the reference stock").required(),
            p("ratio", Number, "R(z)"),
            p("deviation", Number, "Deviation from the weighted municipal ratio"),
            p("deviation_simple", Number, "Deviation from the simple mean"),
            p("eligible", Boolean, "Eligible (weighted)").required(),
            p("eligible_simple", Boolean, "Eligible (simple mean)").required(),
            p("uplift", Number, "Rent multiplier"),
        ],
        temporal: None,
        extent: None,
    }
}

/// The features of the c. 335 indicator layer.
pub fn indicator_features(inputs: &Inputs, params: &Params, as_of: NaiveDate) -> Vec<Feature> {
    let (_, _, rows) = indicator(inputs, params, as_of);
    let num = |v: Option<f64>| v.map_or(Value::Null, Value::Float);
    rows.into_iter()
        .map(|r| {
            let geometry = inputs
                .data
                .microzones
                .iter()
                .flatten()
                .find(|m| m.number == r.microzone)
                .map(|m| Geometry::MultiPolygon(m.geometry.clone()));
            let properties = vec![
                ("microzone", Value::Int(i64::from(r.microzone))),
                ("omi_zones", Value::Text(r.omi_zones.join(","))),
                ("link_zones", Value::Text(r.link_zones.join(","))),
                ("participating", Value::Bool(r.participating)),
                (
                    "excluded_because",
                    r.excluded_because
                        .map_or(Value::Null, |s| Value::Text(s.into())),
                ),
                ("market_value", num(r.market_value)),
                ("cadastral_value", num(r.cadastral_value)),
                ("weight", Value::Float(r.weight)),
                ("units", Value::Int(r.units as i64)),
                ("total_rent", Value::Float(r.total_rent)),
                ("ratio", num(r.ratio)),
                ("deviation", num(r.deviation)),
                ("deviation_simple", num(r.deviation_simple)),
                ("eligible", Value::Bool(r.eligible)),
                ("eligible_simple", Value::Bool(r.eligible_simple)),
                ("uplift", num(r.uplift)),
            ];
            Feature {
                id: r.microzone.to_string(),
                geometry,
                properties: properties
                    .into_iter()
                    .map(|(k, v)| (k.to_owned(), v))
                    .collect(),
            }
        })
        .collect()
}
