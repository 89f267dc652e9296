//! Tests of the published collections and features.

use segit_query::{Crs, Value};

use crate::engine::Family;
use crate::inputs::{Inputs, Microzone};
use crate::params::Params;
use crate::publish::{ALL_ID, aggregate, collections, features_for, to_feature};
use crate::registry::Registry;
use crate::run::{RunOptions, run};
use crate::testkit::*;

#[test]
fn collections_mark_personal_fields() {
    let all = collections(Crs::Epsg(7791));
    let ids: Vec<&str> = all.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "anomalies",
            "anomalies_data_quality",
            "anomalies_buildings",
            "anomalies_tari",
            "anomalies_imu",
            "anomalies_values",
            "anomalies_by_microzone",
            "anomalies_by_census_section",
            "c335_microzone_indicator"
        ]
    );
    let c = &all[0];
    assert!(c.property("subjects").unwrap().personal && c.property("evidence").unwrap().personal);
    assert!(!c.property("unit_key").unwrap().personal && !c.property("score").unwrap().personal);
}

#[test]
fn features_resolve_geometries_and_aggregate() {
    let mut data = all_sources();
    data.land_parcels = Some(vec![
        land(1, 12, "101", 282, "1", d(2000, 1, 1)),
        land(2, 12, "102", 282, "1", d(2000, 1, 1)),
    ]);
    data.map_parcels = Some(vec![
        map_parcel("F205_001200.101", square(0.0, 0.0, 10.0)),
        map_parcel("F205_001200.102", square(100.0, 0.0, 10.0)),
    ]);
    data.microzones = Some(vec![
        Microzone {
            number: 1,
            geometry: square(0.0, 0.0, 50.0),
        },
        Microzone {
            number: 2,
            geometry: square(50.0, 0.0, 100.0),
        },
    ]);
    let inputs = Inputs::new(data);
    let registry = Registry::standard();
    let r = run(
        &registry,
        &inputs,
        &Params::default(),
        &RunOptions {
            as_of: d(2025, 1, 1),
            only: vec!["R02".into()],
        },
        &mut |_| {},
    );
    assert_eq!(r.anomalies.len(), 2);
    let f = to_feature(&r.anomalies[0], Family::Buildings);
    assert_eq!(f.property("rule_id"), Some(&Value::Text("R02".into())));
    assert_eq!(
        f.property("geometry_kind"),
        Some(&Value::Text("parcel".into()))
    );
    assert!(f.id.starts_with("a-") && f.geometry.is_none());
    let feats = features_for(ALL_ID, &r.anomalies, &registry, &inputs);
    assert!(feats.iter().all(|f| f.geometry.is_some()));
    assert_eq!(
        features_for("anomalies_tari", &r.anomalies, &registry, &inputs).len(),
        0
    );
    let areas = crate::persist::microzone_areas(&inputs);
    let agg = aggregate(&r.anomalies, &registry, &inputs, &areas);
    let counts: Vec<Option<&Value>> = agg
        .iter()
        .map(|f| f.property("anomalies_buildings"))
        .collect();
    assert_eq!(counts, [Some(&Value::Int(1)), Some(&Value::Int(1))]);
}
