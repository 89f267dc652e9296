//! The ingest pipeline on a GeoPackage store: a supply written by hand from the composed
//! examples of the reference (censuario.md §11, cxf.md, other-supplies.md) lands with every
//! collection, its links and confidences, its report and diagnostics.

mod pipeline_support;

use pipeline_support::{all, by_id, number, run, store, supply, text};
use segit_ingest::diag::Severity;
use segit_ingest::pipeline::{
    ExitStatus, IngestError, IngestOptions, NoProgress, SourceKind, ingest,
};
use segit_query::{Crs, GeometryType};
use segit_store::FeatureStore;

#[tokio::test]
async fn the_first_supply_publishes_every_collection_with_its_links() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    let report = run(&store, "supply1", "2024-01-01").await;

    // report: one FAB property, two TER parcels, one rejected resident (2021-04-31)
    assert_eq!(report.kinds[&SourceKind::Fab].loaded, 1);
    assert_eq!(report.kinds[&SourceKind::Ter].loaded, 2);
    assert_eq!(report.kinds[&SourceKind::Residents].loaded, 2);
    assert_eq!(report.kinds[&SourceKind::Residents].rejected, 1);
    assert_eq!(report.exit_status(), ExitStatus::Rejections);
    let rejected: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Rejected)
        .collect();
    assert_eq!(rejected.len(), 1, "{rejected:?}");
    assert!(rejected[0].file.ends_with("anagrafe/residents.csv"));
    assert_eq!(rejected[0].line, 4);

    let catalog = store.catalog().await.unwrap();
    for id in [
        "parcels",
        "buildings",
        "map_sheets",
        "map_texts",
        "parcel_states",
        "units",
        "holdings",
        "subjects",
        "residents",
        "tari_positions",
        "streets",
        "house_numbers",
    ] {
        let c = catalog.get(id).unwrap_or_else(|| panic!("{id} missing"));
        assert_eq!(c.storage_crs, Crs::Epsg(7791), "{id}");
        let temporal = c.temporal.as_ref().unwrap();
        assert_eq!(
            (temporal.start.as_str(), temporal.end.as_deref()),
            ("valid_from", Some("valid_until"))
        );
    }
    // personal data present but marked
    let holdings = catalog.get("holdings").unwrap();
    assert!(holdings.property("codice_fiscale").unwrap().personal);
    assert!(!holdings.property("right_code").unwrap().personal);
    let subjects = catalog.get("subjects").unwrap();
    for name in ["codice_fiscale", "surname", "given_name", "birth_date"] {
        assert!(subjects.property(name).unwrap().personal, "{name}");
    }
    assert!(!subjects.property("denomination").unwrap().personal);
    assert!(
        catalog
            .get("residents")
            .unwrap()
            .property("person_cf")
            .unwrap()
            .personal
    );
    assert_eq!(
        catalog.get("parcels").unwrap().geometry_type,
        GeometryType::MultiPolygon
    );

    // the unit: map parcel by key, address through the street code alignment
    let units = all(&store, "units").await;
    assert_eq!(units.len(), 1);
    let unit = by_id(&units, "F205//12/101/7@1");
    assert_eq!(text(unit, "category"), Some("A/2"));
    assert_eq!(text(unit, "parcel_key"), Some("F205_001200.101"));
    assert_eq!(text(unit, "parcel_key_link"), Some("source_key"));
    assert_eq!(text(unit, "address_key"), Some("F205/2040/12/"));
    assert_eq!(text(unit, "address_key_link"), Some("street_code"));
    assert!(
        unit.geometry.is_some(),
        "the unit's point lies in its parcel"
    );

    // holdings → unit and subject; the codice fiscale comes from SOG
    let holdings = all(&store, "holdings").await;
    assert_eq!(holdings.len(), 2);
    let person = by_id(&holdings, "F205/7654321@2019-03-15");
    assert_eq!(text(person, "unit_key"), Some("F205//12/101/7"));
    assert_eq!(text(person, "codice_fiscale"), Some("RSSMRA70E52F205N"));
    assert_eq!(text(person, "share"), Some("1/2"));
    assert_eq!(text(person, "subject"), Some("F205/3000001/P"));

    // residents: by unit key (1.0), by address + internal number written 012 (0.7)
    let residents = all(&store, "residents").await;
    let by_key = residents
        .iter()
        .find(|f| text(f, "person_cf") == Some("RSSMRA70E52F205N"))
        .unwrap();
    assert_eq!(text(by_key, "unit_key_link"), Some("unit_key"));
    assert_eq!(number(by_key, "unit_key_confidence"), Some(1.0));
    let by_address = residents
        .iter()
        .find(|f| text(f, "person_cf") == Some("BNCLCU85C15C351H"))
        .unwrap();
    assert_eq!(text(by_address, "unit_key"), Some("F205//12/101/7"));
    assert_eq!(text(by_address, "unit_key_link"), Some("address_internal"));
    assert_eq!(number(by_address, "unit_key_confidence"), Some(0.7));

    // TARI: `V. DEI MILLE 12` resolved through the street register, unit by address + internal
    let tari = all(&store, "tari_positions").await;
    assert_eq!(tari.len(), 1);
    assert_eq!(text(&tari[0], "address_key"), Some("F205/2040/12/"));
    assert_eq!(text(&tari[0], "address_key_link"), Some("street_name"));
    assert_eq!(text(&tari[0], "unit_key"), Some("F205//12/101/7"));
    // the payer is a SOG subject (codice fiscale as written)
    assert_eq!(text(&tari[0], "payer_subject"), Some("F205/3000001/P"));
    assert_eq!(text(&tari[0], "payer_subject_link"), Some("codice_fiscale"));

    // the building of the map is on parcel 101 (its `101+` code)
    let buildings = all(&store, "buildings").await;
    assert!(!buildings.is_empty());
    assert!(buildings.iter().all(|b| text(b, "parcel_key").is_some()));

    // link rates
    let residents_rate = &report.links.joins["residents → unit"];
    assert_eq!((residents_rate.linked, residents_rate.total), (2, 2));
    let units_rate = &report.links.joins["units → map parcel"];
    assert_eq!((units_rate.linked, units_rate.total), (1, 1));
    assert!(report.collections.iter().all(|c| c.written));
}

#[tokio::test]
async fn a_register_alone_links_against_what_the_store_holds() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    run(&store, "supply1", "2024-01-01").await;
    // a TARI supply without census, maps or street register
    let report = run(&store, "supply3", "2024-06-01").await;
    let written: Vec<&str> = report.collections.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(written, ["tari_positions"]);
    let tari = all(&store, "tari_positions").await;
    assert_eq!(tari.len(), 3, "the earlier position is kept");
    let t2 = tari
        .iter()
        .find(|f| text(f, "account_id") == Some("T-2"))
        .unwrap();
    // street register, units and subjects come from the store
    assert_eq!(text(t2, "address_key"), Some("F205/2040/12/"));
    assert_eq!(text(t2, "unit_key"), Some("F205//12/101/7"));
    assert_eq!(text(t2, "unit_key_link"), Some("address_internal"));
    assert_eq!(
        text(t2, "payer_subject"),
        None,
        "the spouse is not a SOG subject"
    );
    let t3 = tari
        .iter()
        .find(|f| text(f, "account_id") == Some("T-3"))
        .unwrap();
    assert_eq!(
        text(t3, "address_key"),
        None,
        "no such street in the register"
    );
    assert_eq!(text(t3, "unit_key"), None);
    assert_eq!(text(t3, "payer_subject"), Some("F205/3000002/G"));
    let rate = &report.links.joins["tari → unit"];
    assert_eq!((rate.linked, rate.total), (1, 2));
}

#[tokio::test]
async fn a_land_holding_links_to_its_parcel_and_holder_through_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    run(&store, "supply1", "2024-01-01").await;
    // a TIT alone: the person also owns parcel 102 (a land-cadastre property)
    let report = run(&store, "supply4", "2024-06-01").await;
    let holdings = all(&store, "holdings").await;
    assert_eq!(holdings.len(), 3);
    let land = by_id(&holdings, "F205/7654400@2000-01-01");
    assert_eq!(text(land, "property_ref"), Some("F205//2000003/T"));
    assert_eq!(text(land, "parcel_key"), Some("F205_001200.102"));
    assert_eq!(text(land, "unit_key"), None);
    assert_eq!(text(land, "subject"), Some("F205/3000001/P"));
    assert_eq!(text(land, "codice_fiscale"), Some("RSSMRA70E52F205N"));
    let rate = &report.links.joins["holdings → parcel"];
    assert_eq!((rate.linked, rate.total), (1, 1));
}

#[tokio::test]
async fn duplicate_keys_are_reported_and_the_ingest_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("supply");
    std::fs::create_dir_all(root.join("stradario")).unwrap();
    std::fs::write(
        root.join("stradario/streets.csv"),
        "street_code;dug;duf;full_name;cadastral_toponimo;cadastral_street_code\n\
         2040;VIA;DEI MILLE;VIA DEI MILLE;236;05432\n\
         2041;VIALE;CAMILLO GOLGI;VIALE CAMILLO GOLGI;240;00077\n\
         2040;VIA;GARIBALDI;VIA GARIBALDI;236;05433\n",
    )
    .unwrap();
    let store = store(dir.path());
    let options = IngestOptions::new(Crs::Epsg(7791), pipeline_support::date("2024-01-01"));
    let report = ingest(&store, &root, &options, &mut NoProgress)
        .await
        .unwrap();
    let dup: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.reason.contains("duplicate key"))
        .collect();
    assert_eq!(dup.len(), 1, "{dup:?}");
    assert_eq!(
        (dup[0].line, dup[0].field.as_deref()),
        (4, Some("street_code"))
    );
    assert_eq!(dup[0].severity, Severity::Warning);
    assert!(dup[0].reason.contains("streets.csv:2"), "{}", dup[0].reason);
    let streets = all(&store, "streets").await;
    assert_eq!(streets.len(), 2);
    assert_eq!(text(by_id(&streets, "2040"), "duf"), Some("DEI MILLE"));
}

#[tokio::test]
async fn topographic_buildings_find_their_parcel_spatially() {
    use geo::InteriorPoint;
    use geo_types::{Geometry, MultiPolygon, polygon};
    use segit_query::{Collection, Feature, Property, PropertyType, Value};
    use segit_store_gpkg::GpkgStore;

    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    run(&store, "supply1", "2024-01-01").await;
    let parcels = all(&store, "parcels").await;
    let Some(Geometry::MultiPolygon(parcel)) = &by_id(&parcels, "F205_001200.101").geometry else {
        panic!("parcel 101 has no area");
    };
    let p = parcel.interior_point().unwrap();
    let (x, y) = (p.x(), p.y());
    let footprint = MultiPolygon(vec![polygon![
        (x: x - 1.0, y: y - 1.0),
        (x: x + 1.0, y: y - 1.0),
        (x: x + 1.0, y: y + 1.0),
        (x: x - 1.0, y: y + 1.0),
    ]]);

    // dbt/edifici.gpkg as other-supplies.md §8 describes it
    let root = dir.path().join("supply");
    std::fs::create_dir_all(root.join("dbt")).unwrap();
    let dbt = GpkgStore::create(root.join("dbt/edifici.gpkg")).unwrap();
    let edifici = Collection {
        id: "edifici".into(),
        title: "edifici".into(),
        description: String::new(),
        keywords: Vec::new(),
        geometry_type: GeometryType::MultiPolygon,
        storage_crs: Crs::Epsg(7791),
        properties: vec![
            Property::new("building_id", PropertyType::Text, "id"),
            Property::new("height_m", PropertyType::Number, "height"),
            Property::new("floors", PropertyType::Integer, "floors"),
            Property::new("use_class", PropertyType::Text, "use"),
            Property::new("survey_date", PropertyType::Date, "survey"),
        ],
        temporal: None,
        extent: None,
    };
    let mut sink = dbt.begin_ingest().await.unwrap();
    sink.create_collection(&edifici).await.unwrap();
    let feature = Feature {
        id: "1".into(),
        geometry: Some(Geometry::MultiPolygon(footprint)),
        properties: vec![
            ("building_id".into(), Value::Text("DBT-1".into())),
            ("height_m".into(), Value::Float(9.0)),
            ("floors".into(), Value::Int(3)),
            ("use_class".into(), Value::Text("residenziale".into())),
            (
                "survey_date".into(),
                Value::Date(pipeline_support::date("2020-06-01")),
            ),
        ],
    };
    sink.write("edifici", vec![feature]).await.unwrap();
    sink.commit().await.unwrap();
    drop(dbt);

    let report = pipeline_support::ingest_dir(&store, &root, "2024-06-01").await;
    assert_eq!(
        report.kinds[&SourceKind::TopoBuildings].loaded,
        1,
        "{:?}",
        report.diagnostics
    );
    let topo = all(&store, "topo_buildings").await;
    assert_eq!(topo.len(), 1);
    assert_eq!(text(&topo[0], "parcel_key"), Some("F205_001200.101"));
    assert_eq!(text(&topo[0], "parcel_key_link"), Some("spatial"));
    assert_eq!(number(&topo[0], "parcel_key_confidence"), Some(0.9));
    assert!(number(&topo[0], "footprint_share").unwrap() > 0.999);
}

#[tokio::test]
async fn a_forced_kind_reads_files_with_unknown_names() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("input");
    std::fs::create_dir(&input).unwrap();
    let fab = supply("supply1").join("censuario/F2050001.FAB");
    std::fs::copy(&fab, input.join("export.dat")).unwrap();
    let store = store(dir.path());

    let mut options = IngestOptions::new(Crs::Epsg(7791), pipeline_support::date("2024-01-01"));
    let report = ingest(&store, &input, &options, &mut NoProgress)
        .await
        .unwrap();
    assert_eq!(report.skipped, vec![input.join("export.dat")]);
    assert!(report.collections.is_empty());

    options.kind = Some(SourceKind::Fab);
    let report = ingest(&store, &input, &options, &mut NoProgress)
        .await
        .unwrap();
    assert_eq!(report.kinds[&SourceKind::Fab].loaded, 1);
    assert_eq!(all(&store, "units").await.len(), 1);
}

#[tokio::test]
async fn a_missing_supply_fails_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = store(dir.path());
    let options = IngestOptions::new(Crs::Epsg(7791), pipeline_support::date("2024-01-01"));
    let err = ingest(
        &store,
        &dir.path().join("nowhere"),
        &options,
        &mut NoProgress,
    )
    .await
    .unwrap_err();
    assert!(matches!(err, IngestError::Supply { .. }), "{err}");
    assert!(store.catalog().await.unwrap().collections.is_empty());
}
