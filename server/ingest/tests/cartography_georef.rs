//! Georeferencing: CRS of a supply directory, transformation of CXF records, similarity fits.

use std::path::Path;

use geo_types::Coord;
use segit_ingest::cartography::cxf_records::CxfRecord;
use segit_ingest::cartography::georef::{
    AreaOfUse, Georeferencer, SimilarityFit, cxf_crs, parse_crs_text, resolve_crs,
};
use segit_ingest::cartography::{CxfReader, InspireReader};
use segit_ingest::diag::Item;
use segit_query::Crs;

#[test]
fn crs_file_grammar() {
    assert_eq!(parse_crs_text("EPSG:7791\n"), Ok(Crs::Epsg(7791)));
    assert_eq!(parse_crs_text("\u{feff}EPSG:3004\r\n"), Ok(Crs::Epsg(3004)));
    assert_eq!(parse_crs_text("  epsg:6708  "), Ok(Crs::Epsg(6708)));
    assert!(parse_crs_text("").unwrap_err().contains("empty"));
    assert!(parse_crs_text("7791").unwrap_err().contains("EPSG:<code>"));
    assert!(
        parse_crs_text("EPSG:7791\nEPSG:7792")
            .unwrap_err()
            .contains("one line")
    );
    assert!(
        parse_crs_text("EPSG:4326")
            .unwrap_err()
            .contains("not supported")
    );
    assert!(cxf_crs(2154).unwrap_err().contains("Cassini-Soldner"));
}

#[test]
fn explicit_crs_wins_over_the_file_and_absence_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let d = resolve_crs(dir.path(), None).unwrap_err();
    assert!(d.reason.contains("lack a CRS"));
    std::fs::write(dir.path().join("crs.txt"), "EPSG:7792\n").unwrap();
    assert_eq!(resolve_crs(dir.path(), None), Ok(Crs::Epsg(7792)));
    assert_eq!(
        resolve_crs(dir.path(), Some(Crs::Epsg(3003))),
        Ok(Crs::Epsg(3003))
    );
    assert!(resolve_crs(dir.path(), Some(Crs::Crs84)).is_err());
    std::fs::write(dir.path().join("crs.txt"), "EPSG:9999\n").unwrap();
    let d = resolve_crs(dir.path(), None).unwrap_err();
    assert_eq!((d.line, d.field.as_deref()), (1, Some("crs")));
}

#[test]
fn area_of_use_of_italy() {
    let utm32 = AreaOfUse::italy(Crs::Epsg(7791)).unwrap();
    assert!(utm32.contains(Coord {
        x: 514_900.0,
        y: 5_034_500.0
    }));
    assert!(!utm32.contains(Coord {
        x: 14_941.7,
        y: -29_983.6
    }));
    let gb_east = AreaOfUse::italy(Crs::Epsg(3004)).unwrap();
    assert!(gb_east.contains(Coord {
        x: 2_527_715.0,
        y: 4_150_637.0
    }));
    assert!(!gb_east.contains(Coord {
        x: 514_900.0,
        y: 5_034_500.0
    }));
}

/// The composed CXF sheet moved to EPSG 6706 matches the composed GML of the same parcel.
#[test]
fn cxf_to_rdn2008_matches_the_open_gml() {
    let cxf = std::fs::read("tests/fixtures/cartography/F205_001200.cxf").unwrap();
    let geo = Georeferencer::new(Crs::Epsg(7791), Crs::Epsg(6706)).unwrap();
    let mut parcel = None;
    for item in CxfReader::new(cxf.as_slice(), Path::new("F205_001200.cxf")) {
        let Item::Record(mut r) = item else { panic!() };
        geo.transform(&mut r).unwrap();
        if let CxfRecord::Area(a) = &r
            && a.code == "101"
        {
            parcel = Some(a.clone());
        }
    }
    let parcel = parcel.unwrap();
    let gml = std::fs::read("tests/fixtures/cartography/agenzia_ple.gml").unwrap();
    let Some(Item::Record(f)) = InspireReader::new(gml.as_slice(), Path::new("p.gml")).next()
    else {
        panic!()
    };
    let ours = &parcel.geometry.0[0].exterior().0;
    let theirs = &f.geometry.0[0].exterior().0;
    for c in theirs {
        assert!(
            ours.iter()
                .any(|o| (o.x - c.x).abs() < 1e-7 && (o.y - c.y).abs() < 1e-7),
            "{c:?} not in {ours:?}"
        );
    }
    // the area stays the planar area of the map CRS
    assert!((parcel.area - 4600.0).abs() < 1e-9);
    assert!(Georeferencer::new(Crs::Epsg(4326), Crs::Epsg(6706)).is_err());
}

#[test]
fn similarity_fit_recovers_a_known_transformation() {
    let (scale, rot, tx, ty) = (1.000_2_f64, 0.01_f64, 500_000.0, 5_000_000.0);
    let (a, b) = (scale * rot.cos(), scale * rot.sin());
    let local = [
        Coord {
            x: -14_941.747,
            y: -29_983.615,
        },
        Coord {
            x: -14_100.0,
            y: -29_000.0,
        },
        Coord {
            x: -15_200.0,
            y: -28_800.0,
        },
        Coord {
            x: -14_500.0,
            y: -30_100.0,
        },
    ];
    let pairs: Vec<(Coord<f64>, Coord<f64>)> = local
        .iter()
        .map(|l| {
            (
                *l,
                Coord {
                    x: a * l.x - b * l.y + tx,
                    y: b * l.x + a * l.y + ty,
                },
            )
        })
        .collect();
    let fit = SimilarityFit::fit(&pairs).unwrap();
    assert!((fit.scale() - scale).abs() < 1e-9);
    assert!((fit.rotation() - rot).abs() < 1e-9);
    assert!(fit.rms() < 1e-6);
    assert_eq!(fit.residuals.len(), 4);

    // one point off by 0.5 m shows in its residual
    let mut noisy = pairs.clone();
    noisy[1].1.x += 0.5;
    let fit = SimilarityFit::fit(&noisy).unwrap();
    let worst = fit
        .residuals
        .iter()
        .enumerate()
        .max_by(|x, y| x.1.total_cmp(y.1))
        .unwrap();
    assert_eq!(worst.0, 1);
    assert!(fit.rms() > 0.1);

    let mut record = CxfRecord::Symbol(segit_ingest::cartography::cxf_records::CxfSymbol {
        line: 1,
        external: false,
        code: 20,
        angle: 0.0,
        position: local[0],
    });
    SimilarityFit::fit(&pairs).unwrap().transform(&mut record);
    let CxfRecord::Symbol(s) = record else {
        panic!()
    };
    assert!((s.position.x - pairs[0].1.x).abs() < 1e-6);
}

#[test]
fn similarity_fit_needs_three_distinct_points() {
    let p = (Coord { x: 1.0, y: 1.0 }, Coord { x: 2.0, y: 2.0 });
    assert!(
        SimilarityFit::fit(&[p, p])
            .unwrap_err()
            .contains("at least 3")
    );
    assert!(
        SimilarityFit::fit(&[p, p, p])
            .unwrap_err()
            .contains("coincide")
    );
    let bad = (
        Coord {
            x: f64::NAN,
            y: 1.0,
        },
        Coord { x: 2.0, y: 2.0 },
    );
    assert!(SimilarityFit::fit(&[p, p, bad]).is_err());
}
