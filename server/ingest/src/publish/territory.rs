//! The territorial register layers: street register, house numbers, OMI zones and
//! quotations, microzones and topographic buildings (snapshots versioned by supply date).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use geo_types::Geometry;
use segit_model::ParcelKey;
use segit_query::{Crs, GeometryType, PropertyType, Value};

use super::cadastre::{MapParcel, UniqueIds};
use super::schema::{collection, link_props, p};
use super::values::{feature, int, link_values, opt_int, opt_num, opt_text, text};
use super::{Layer, snapshot};
use crate::history::Scope;
use crate::link::{Link, LinkMethod, LinkRates, ParcelGrid};
use crate::pipeline::{SourceKind, SupplyData};

use PropertyType::{Boolean, Date, Integer, Number, Text};

/// The territorial layers fed by the sources `read`.
pub(crate) fn layers(
    data: &SupplyData,
    read: &BTreeSet<SourceKind>,
    map: &BTreeMap<ParcelKey, MapParcel>,
    crs: Crs,
    supply_date: NaiveDate,
    rates: &mut LinkRates,
) -> Vec<Layer> {
    let r = &data.registers;
    let mut out = Vec::new();
    if read.contains(&SourceKind::Streets) {
        let c = collection(
            "streets",
            "Street register (stradario)",
            "Streets of the municipal register with the alignment to the Agenzia's street codes \
             (c. 647).",
            GeometryType::None,
            crs,
            vec![
                p("street_code", Text, "Municipal street code").required(),
                p("dug", Text, "Street type (DUG)").required(),
                p("duf", Text, "Official name (DUF)").required(),
                p("full_name", Text, "Full name").required(),
                p("cadastral_toponimo", Integer, "Agenzia street-type code"),
                p("cadastral_street_code", Text, "Agenzia street code"),
            ],
        );
        let features = r
            .streets
            .iter()
            .map(|l| {
                let s = &l.record;
                let values = vec![
                    text(s.street_code.to_string()),
                    text(s.dug.clone()),
                    text(s.duf.clone()),
                    text(s.full_name.clone()),
                    opt_int(s.cadastral_toponimo),
                    opt_text(s.cadastral_street_code.as_deref()),
                ];
                feature(
                    &c,
                    s.street_code.to_string(),
                    None,
                    values,
                    supply_date,
                    None,
                )
            })
            .collect();
        out.push(snapshot(c, "street_code", Scope::All, features));
    }
    if read.contains(&SourceKind::HouseNumbers) {
        let mut props = vec![
            p("address_key", Text, "Address key").required(),
            p("street_code", Integer, "Municipal street code").required(),
            p("number", Integer, "House number").required(),
            p("suffix", Text, "Suffix (esponente)"),
        ];
        props.extend(link_props("parcel_key", "the parcel served"));
        let c = collection(
            "house_numbers",
            "House numbers (numeri civici)",
            "Entrances of the street register (ANNCSU), with the parcel they serve.",
            GeometryType::Point,
            crs,
            props,
        );
        let features = r
            .house_numbers
            .iter()
            .map(|l| {
                let h = &l.record.house_number;
                let k = &h.address_key;
                let link = h.parcel_key.as_ref().map(|pk| {
                    let on_map = map.contains_key(pk);
                    (pk, on_map)
                });
                rates.record(
                    "house numbers",
                    "map parcel",
                    link.filter(|(_, on)| *on).map(|_| LinkMethod::SourceKey),
                );
                let mut values = vec![
                    text(k.to_string()),
                    int(k.street_code()),
                    int(k.number()),
                    opt_text(k.suffix()),
                ];
                let parcel = link.map(|(pk, _)| Link::new(pk.clone(), LinkMethod::SourceKey));
                values.extend(link_values(parcel.as_ref(), |k| text(k.to_string())));
                let geometry = Some(Geometry::Point(l.record.point));
                feature(&c, k.to_string(), geometry, values, supply_date, None)
            })
            .collect();
        out.push(snapshot(c, "address_key", Scope::All, features));
    }
    if read.contains(&SourceKind::OmiZones) || read.contains(&SourceKind::OmiKml) {
        let c = collection(
            "omi_zones",
            "OMI zones",
            "Zones of the real-estate market observatory (OMI) with their perimeters.",
            GeometryType::MultiPolygon,
            crs,
            vec![
                p("zone_key", Text, "Belfiore/zone").required(),
                p("zone", Text, "Zone code").required(),
                p("link_zone", Text, "National zone key"),
                p("band", Text, "Band (fascia)"),
                p("description", Text, "Description"),
            ],
        );
        let mut zones: BTreeMap<
            String,
            (
                Option<&crate::supplies::OmiZone>,
                Option<&crate::supplies::OmiPerimeter>,
            ),
        > = BTreeMap::new();
        for z in &r.omi_zones {
            let key = format!("{}/{}", z.record.municipality.belfiore, z.record.zone);
            zones.entry(key).or_default().0.get_or_insert(&z.record);
        }
        for k in &r.omi_perimeters {
            let key = format!("{}/{}", k.record.belfiore, k.record.zone);
            zones.entry(key).or_default().1.get_or_insert(&k.record);
        }
        let features = zones
            .into_iter()
            .map(|(key, (zone, perimeter))| {
                let values = vec![
                    text(key.clone()),
                    opt_text(
                        zone.map(|z| z.zone.as_str())
                            .or(perimeter.map(|p| p.zone.as_str())),
                    ),
                    opt_text(
                        zone.map(|z| z.link_zone.as_str())
                            .or(perimeter.and_then(|p| p.link_zone.as_deref())),
                    ),
                    opt_text(zone.and_then(|z| z.band.as_deref())),
                    opt_text(zone.and_then(|z| z.description.as_deref())),
                ];
                let geometry = perimeter.map(|p| Geometry::MultiPolygon(p.geometry.clone()));
                feature(&c, key, geometry, values, supply_date, None)
            })
            .collect();
        out.push(snapshot(c, "zone_key", Scope::All, features));
    }
    if read.contains(&SourceKind::OmiValues) {
        let c = collection(
            "omi_values",
            "OMI quotations",
            "Market values and rents per OMI zone, typology and conservation state (€/m²).",
            GeometryType::None,
            crs,
            vec![
                p("value_key", Text, "Link zone/typology/state").required(),
                p("zone", Text, "Zone code").required(),
                p("link_zone", Text, "National zone key").required(),
                p("typology_code", Integer, "Typology code").required(),
                p("typology", Text, "Typology"),
                p("state", Text, "Conservation state"),
                p("prevailing", Boolean, "Prevailing state of the zone"),
                p("purchase_min", Integer, "Purchase minimum €/m²"),
                p("purchase_max", Integer, "Purchase maximum €/m²"),
                p("rent_min", Number, "Rent minimum €/m²/month"),
                p("rent_max", Number, "Rent maximum €/m²/month"),
            ],
        );
        let mut ids = UniqueIds::default();
        let features = r
            .omi_values
            .iter()
            .map(|l| {
                let q = &l.record;
                let key = ids.take(format!(
                    "{}/{}/{}",
                    q.link_zone,
                    q.typology_code,
                    q.state.as_deref().unwrap_or("")
                ));
                let values = vec![
                    text(key.clone()),
                    text(q.zone.clone()),
                    text(q.link_zone.clone()),
                    int(q.typology_code),
                    opt_text(q.typology.as_deref()),
                    opt_text(q.state.as_deref()),
                    Value::Bool(q.prevailing),
                    opt_int(q.purchase_min),
                    opt_int(q.purchase_max),
                    opt_num(q.rent_min),
                    opt_num(q.rent_max),
                ];
                feature(&c, key, None, values, supply_date, None)
            })
            .collect();
        out.push(snapshot(c, "value_key", Scope::All, features));
    }
    if read.contains(&SourceKind::Microzones) {
        let c = collection(
            "microzones",
            "Cadastral microzones",
            "Microzones of the municipality (DPR 138/1998) with their OMI zone.",
            GeometryType::MultiPolygon,
            crs,
            vec![
                p("microzone_key", Text, "Belfiore/microzone").required(),
                p("microzone", Integer, "Microzone number").required(),
                p("omi_zone", Text, "OMI zone"),
                p("link_zone", Text, "National OMI zone key"),
            ],
        );
        let features = r
            .microzones
            .iter()
            .map(|l| {
                let m = &l.record;
                let key = format!("{}/{}", m.belfiore, m.microzone);
                let values = vec![
                    text(key.clone()),
                    int(m.microzone),
                    opt_text(m.omi_zone.as_deref()),
                    opt_text(m.link_zone.as_deref()),
                ];
                let geometry = Some(Geometry::MultiPolygon(m.geometry.clone()));
                feature(&c, key, geometry, values, supply_date, None)
            })
            .collect();
        out.push(snapshot(c, "microzone_key", Scope::All, features));
    }
    if read.contains(&SourceKind::BuildableZones) {
        let c = collection(
            "buildable_zones",
            "Buildable zones (zoning plan)",
            "Buildable zones of the municipal zoning plan with the reference value of building \
             land (L. 160/2019 c. 777); project convention pgt/buildable_zones.geojson.",
            GeometryType::MultiPolygon,
            crs,
            vec![
                p("zone_id", Text, "Zone id of the plan").required(),
                p("name", Text, "Zone name"),
                p(
                    "reference_value_eur_per_m2",
                    Number,
                    "Reference value of building land, EUR/m2 (c. 777)",
                ),
            ],
        );
        let features = r
            .buildable_zones
            .iter()
            .map(|l| {
                let z = &l.record;
                let values = vec![
                    text(z.zone_id.clone()),
                    opt_text(z.name.as_deref()),
                    opt_num(z.reference_value_eur_per_m2),
                ];
                let geometry = Some(Geometry::MultiPolygon(z.geometry.clone()));
                feature(&c, z.zone_id.clone(), geometry, values, supply_date, None)
            })
            .collect();
        out.push(snapshot(c, "zone_id", Scope::All, features));
    }
    if read.contains(&SourceKind::TopoBuildings) {
        out.push(topo_buildings(data, map, crs, supply_date, rates));
    }
    out
}

fn topo_buildings(
    data: &SupplyData,
    map: &BTreeMap<ParcelKey, MapParcel>,
    crs: Crs,
    supply_date: NaiveDate,
    rates: &mut LinkRates,
) -> Layer {
    let mut props = vec![
        p("building_id", Text, "Footprint id").required(),
        p("height_m", Number, "Height in metres"),
        p("floors", Integer, "Floors above ground"),
        p("use_class", Text, "Use class"),
        p("survey_date", Date, "Survey date"),
    ];
    props.extend(link_props("parcel_key", "the host parcel"));
    props.push(p(
        "footprint_share",
        Number,
        "Share of the footprint inside the host parcel",
    ));
    let c = collection(
        "topo_buildings",
        "Topographic buildings (DBT)",
        "Building footprints of the topographic database, with their host parcel (footprint ∩ \
         parcel ≥ 50 % of the footprint).",
        GeometryType::MultiPolygon,
        crs,
        props,
    );
    let keys: Vec<&ParcelKey> = map.keys().collect();
    let grid = ParcelGrid::new(map.values().map(|m| &m.geometry));
    let mut ids: HashMap<String, u32> = HashMap::new();
    let features = data
        .registers
        .topo_buildings
        .iter()
        .map(|l| {
            let b = &l.record;
            let host = grid.host(&b.footprint);
            rates.record(
                "topo buildings",
                "parcel",
                host.map(|_| LinkMethod::Spatial),
            );
            let link = host
                .and_then(|(i, _)| keys.get(i))
                .map(|k| Link::new((*k).clone(), LinkMethod::Spatial));
            let mut values = vec![
                text(b.building.building_id.clone()),
                opt_num(b.building.height_m),
                opt_int(b.building.floors),
                super::registers::written(&b.building.use_class),
                b.building.survey_date.map_or(Value::Null, Value::Date),
            ];
            values.extend(link_values(link.as_ref(), |k| text(k.to_string())));
            values.push(opt_num(host.map(|(_, s)| s)));
            let n = ids.entry(b.building.building_id.clone()).or_insert(0);
            *n += 1;
            let id = if *n == 1 {
                b.building.building_id.clone()
            } else {
                format!("{}#{n}", b.building.building_id)
            };
            let geometry = Some(Geometry::MultiPolygon(b.footprint.clone()));
            feature(&c, id, geometry, values, supply_date, None)
        })
        .collect();
    snapshot(c, "building_id", Scope::All, features)
}
