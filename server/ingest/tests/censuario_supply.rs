//! A whole composed supply (censuario.md §11): discovered in its directory, read with the four
//! readers, and joined as §6 says — TIT to FAB/TER on the property id, TIT to SOG on the
//! subject key.

use std::collections::HashMap;
use std::path::Path;

use segit_ingest::censuario::{CensusSupply, FabReader, SogReader, TerReader, TitReader};
use segit_ingest::diag::Item;
use segit_model::{Share, SubjectKind};

fn records<T>(items: impl Iterator<Item = Item<T>>) -> Vec<T> {
    items
        .map(|i| match i {
            Item::Record(r) => r,
            Item::Diagnostic(d) => panic!("unexpected diagnostic {d}"),
        })
        .collect()
}

#[test]
fn composed_supply_joins() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/censuario");
    let supplies = CensusSupply::discover(&dir).expect("fixture directory");
    assert_eq!(supplies.len(), 1);
    let supply = &supplies[0];
    assert!(supply.is_complete());
    assert_eq!(
        supply.belfiore().map(|b| b.to_string()).as_deref(),
        Some("F205")
    );

    let units = records(FabReader::open(supply.fab.as_deref().expect("FAB")).expect("open"));
    let parcels = records(TerReader::open(supply.ter.as_deref().expect("TER")).expect("open"));
    let subjects = records(SogReader::open(supply.sog.as_deref().expect("SOG")).expect("open"));
    let holdings = records(TitReader::open(supply.tit.as_deref().expect("TIT")).expect("open"));

    let by_subject: HashMap<_, _> = subjects
        .iter()
        .map(|s| (s.subject.subject_id(), s))
        .collect();
    let unit = &units[0].unit;
    let mut total = 0.0;
    for h in &holdings {
        let h = &h.holding;
        assert_eq!(
            h.property, unit.property,
            "TIT joins FAB on the property id"
        );
        assert!(by_subject.contains_key(&h.subject), "TIT joins SOG");
        total += h.share.map_or(0.0, Share::as_f64);
    }
    assert!((total - 1.0).abs() < 1e-9, "shares add up to the whole");
    let kinds: Vec<SubjectKind> = holdings.iter().map(|h| h.holding.subject.kind).collect();
    assert_eq!(
        kinds,
        vec![SubjectKind::NaturalPerson, SubjectKind::LegalEntity]
    );

    // the unit stands on parcel 101 of sheet 12, an urban site in the land cadastre
    let key = unit.canonical_key().expect("unit key");
    let site = parcels
        .iter()
        .map(|p| &p.parcel)
        .find(|p| {
            p.current_state()
                .is_some_and(|s| s.foglio == key.foglio() && &s.particella == key.particella())
        })
        .expect("parcel of the unit");
    assert!(!site.current_state().expect("state").is_agricultural());
}
