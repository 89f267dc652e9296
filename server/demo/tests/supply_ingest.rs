//! The demo supply read back with the ingest readers (`segit_ingest::pipeline::read_supply`):
//! counts per kind and per entity, and the diagnostics of the planted records, compared with
//! the ground truth written beside the supply.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use segit_demo::supply::{Outcome, SupplyTruth};
use segit_demo::{DemoParams, SupplyOptions, generate, write_supply};
use segit_ingest::cartography::InspireKind;
use segit_ingest::diag::Severity;
use segit_ingest::pipeline::{IngestOptions, NoProgress, ReadOutcome, read_supply};
use segit_query::Crs;

fn read(malformed: bool, crlf: bool) -> (tempfile::TempDir, SupplyTruth, ReadOutcome) {
    let m = generate(&DemoParams {
        seed: 3,
        scale: 0.04,
    });
    let dir = tempfile::tempdir().expect("test supply");
    let opts = SupplyOptions {
        malformed,
        crlf,
        ..SupplyOptions::default()
    };
    let truth = write_supply(&m, dir.path(), &opts).expect("test supply");
    let options = IngestOptions::new(Crs::Epsg(7791), m.extraction_date);
    let out = read_supply(dir.path(), &options, &mut NoProgress).expect("test supply");
    (dir, truth, out)
}

fn rel(root: &Path, file: &Path) -> String {
    file.strip_prefix(root)
        .unwrap_or(file)
        .to_string_lossy()
        .replace('\\', "/")
}

/// Every finding of the reading, by (file, line).
fn findings(root: &Path, out: &ReadOutcome) -> BTreeMap<(String, u64), Vec<(Severity, String)>> {
    let mut by: BTreeMap<(String, u64), Vec<(Severity, String)>> = BTreeMap::new();
    for d in &out.diagnostics {
        by.entry((rel(root, &d.file), d.line))
            .or_default()
            .push((d.severity, d.reason.clone()));
    }
    by
}

#[test]
fn every_planted_record_is_reported_as_the_reference_prescribes() {
    let (dir, truth, out) = read(true, false);
    let found = findings(dir.path(), &out);
    let mut problems = Vec::new();
    for d in &truth.defects {
        let at = found
            .get(&(d.file.clone(), d.line))
            .cloned()
            .unwrap_or_default();
        let severities: BTreeSet<Severity> = at.iter().map(|(s, _)| *s).collect();
        let ok = match d.outcome {
            Outcome::Rejected => severities.contains(&Severity::Rejected),
            Outcome::Repaired => {
                severities.contains(&Severity::Repaired)
                    && !severities.contains(&Severity::Rejected)
            }
            Outcome::RepairedOrRejected => {
                severities.contains(&Severity::Repaired) || severities.contains(&Severity::Rejected)
            }
            Outcome::Reported => !severities.is_empty(),
            Outcome::Warning => !severities.is_empty() && !severities.contains(&Severity::Rejected),
            Outcome::Kept => !severities.contains(&Severity::Rejected),
        };
        if !ok {
            problems.push(format!(
                "{}:{} {:?} expected {:?}, found {at:?}",
                d.file, d.line, d.defect, d.outcome
            ));
        }
    }
    // nothing else is rejected
    let planted: BTreeSet<(String, u64)> = truth
        .defects
        .iter()
        .map(|d| (d.file.clone(), d.line))
        .collect();
    for ((file, line), items) in &found {
        for (severity, reason) in items {
            if *severity == Severity::Rejected && !planted.contains(&(file.clone(), *line)) {
                problems.push(format!(
                    "{file}:{line} rejected without a planted defect: {reason}"
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_clean_supply_with_crlf_reads_without_any_finding() {
    let (dir, truth, out) = read(false, true);
    // the records planted for the data-quality rules are findings by design: a registered
    // area off the polygon's (Q04), a codice fiscale with a wrong check character kept as
    // written (Q01)
    let planted = |reason: &str| {
        let q04 = truth
            .correlation
            .rules
            .get("Q04")
            .into_iter()
            .flat_map(|r| {
                r.report
                    .iter()
                    .chain(&r.near_miss)
                    .filter_map(|e| e.parcel_key.as_deref())
            });
        let q01 = truth
            .correlation
            .rules
            .get("Q01")
            .into_iter()
            .flat_map(|r| {
                r.report
                    .iter()
                    .chain(&r.near_miss)
                    .flat_map(|e| e.note.split_whitespace().filter(|w| w.len() >= 11))
            });
        q04.into_iter()
            .any(|k| reason.contains(&format!("parcel {k}:")))
            || q01
                .into_iter()
                .any(|code| reason.contains(&format!("codice fiscale {code}:")))
    };
    let found: Vec<String> = out
        .diagnostics
        .iter()
        .filter(|d| !planted(&d.reason))
        .map(|d| {
            format!(
                "{}:{} {}: {}",
                rel(dir.path(), &d.file),
                d.line,
                d.severity,
                d.reason
            )
        })
        .collect();
    assert!(found.is_empty(), "{}", found.join("\n"));
    assert!(
        out.skipped.iter().all(|p| p.ends_with("truth.json")),
        "{:?}",
        out.skipped
    );
}

#[test]
fn counts_per_kind_and_per_entity_match_the_truth() {
    let (_dir, truth, out) = read(true, false);
    let mut expected: BTreeMap<String, (u64, u64, u64)> = BTreeMap::new();
    for f in &truth.files {
        let e = expected.entry(f.kind.clone()).or_default();
        e.0 += f.expected_loaded;
        e.1 += f.expected_rejected;
        e.2 += f.expected_either;
    }
    let mut problems = Vec::new();
    for (kind, stats) in &out.stats {
        let (loaded, rejected, either) = expected.get(kind.name()).copied().unwrap_or_default();
        let ok = stats.loaded + stats.rejected == loaded + rejected + either
            && stats.loaded >= loaded
            && stats.rejected >= rejected
            && stats.loaded <= loaded + either;
        if !ok {
            problems.push(format!(
                "{}: loaded {} rejected {} (truth: loaded {loaded} rejected {rejected}, {either} either way)",
                kind.name(),
                stats.loaded,
                stats.rejected
            ));
        }
    }
    let e = &truth.expected;
    let data = &out.data;
    let states: u64 = data.units.iter().map(|u| u.unit.states.len() as u64).sum();
    let parcels: usize = data.sheets.iter().map(|s| s.parcels.len()).sum();
    let buildings: usize = data.sheets.iter().map(|s| s.buildings.len()).sum();
    let inspire_parcels = data
        .inspire
        .iter()
        .filter(|f| matches!(f.kind, InspireKind::Parcel { .. }))
        .count();
    let r = &data.registers;
    let subjects: BTreeSet<(u64, String)> = data
        .subjects
        .iter()
        .map(|s| (s.subject.id, format!("{:?}", s.subject.kind())))
        .collect();
    let checks: [(&str, usize); 20] = [
        ("units", data.units.len()),
        ("unit_states", states as usize),
        ("census_parcels", data.parcels.len()),
        ("subjects", subjects.len()),
        ("holdings", data.holdings.len()),
        ("sheets", data.sheets.len()),
        ("map_buildings", buildings),
        ("inspire_zonings", data.inspire.len() - inspire_parcels),
        ("streets", r.streets.len()),
        ("house_numbers", r.house_numbers.len()),
        ("residents", r.residents.len()),
        ("tari_premises", r.tari.len()),
        ("surfaces", r.surfaces.len()),
        ("utility_rows", r.utilities.len()),
        ("leases", r.leases.len()),
        ("deeds", r.deeds.len()),
        ("imu_declarations", r.imu.len()),
        ("f24_payments", r.f24.len()),
        ("omi_values", r.omi_values.len()),
        ("omi_zones", r.omi_zones.len()),
    ];
    for (entity, got) in checks {
        if e[entity] != got as u64 {
            problems.push(format!("{entity}: read {got}, truth {}", e[entity]));
        }
    }
    // planted parcels the reference lets the reader load or reject
    let either = |kind: &str| -> u64 {
        truth
            .files
            .iter()
            .filter(|f| f.kind == kind)
            .map(|f| f.expected_either)
            .sum()
    };
    for (entity, got, extra) in [
        ("map_parcels", parcels, either("cxf")),
        ("inspire_parcels", inspire_parcels, either("gml")),
        (
            "topo_buildings",
            r.topo_buildings.len(),
            either("topo-buildings"),
        ),
    ] {
        if !(e[entity]..=e[entity] + extra).contains(&(got as u64)) {
            problems.push(format!(
                "{entity}: read {got}, truth {} (+{extra} either way)",
                e[entity]
            ));
        }
    }
    for (entity, got) in [
        ("microzones", r.microzones.len()),
        ("omi_zones", r.omi_perimeters.len()),
    ] {
        if e[entity] != got as u64 {
            problems.push(format!(
                "{entity} (perimeters/microzones): read {got}, truth {}",
                e[entity]
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
