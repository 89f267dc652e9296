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

mod cassini {
    use std::collections::HashMap;
    use std::path::Path;

    use geo_types::Coord;
    use segit_ingest::cartography::cassini::{
        CassiniOrigin, LocalGeoreferencer, control_points, residual_report,
    };
    use segit_ingest::cartography::cxf_records::{CxfFiducial, CxfRecord};
    use segit_query::Crs;

    fn origin() -> CassiniOrigin {
        CassiniOrigin {
            lat0: 41.922_4,
            lon0: 12.452_3,
            false_easting: 0.0,
            false_northing: 0.0,
            towgs84: None,
        }
    }

    fn fiducial(number: &str, x: f64, y: f64) -> CxfFiducial {
        CxfFiducial {
            line: 1,
            external: false,
            number: number.into(),
            symbol: 20,
            position: Coord { x, y },
            label_position: Coord { x, y },
        }
    }

    #[test]
    fn origin_and_distances_are_kept() {
        let geo = LocalGeoreferencer::new(&origin(), Crs::Epsg(4326)).unwrap();
        let o = geo.project(Coord { x: 0.0, y: 0.0 }).unwrap();
        assert!(
            (o.x - 12.452_3).abs() < 1e-9 && (o.y - 41.922_4).abs() < 1e-9,
            "{o:?}"
        );
        let utm = LocalGeoreferencer::new(&origin(), Crs::Epsg(7792)).unwrap();
        let a = utm.project(Coord { x: 0.0, y: 0.0 }).unwrap();
        let b = utm.project(Coord { x: 1000.0, y: 0.0 }).unwrap();
        let c = utm.project(Coord { x: 0.0, y: -1000.0 }).unwrap();
        assert!(((b.x - a.x).hypot(b.y - a.y) - 1000.0).abs() < 1.0);
        assert!(((c.x - a.x).hypot(c.y - a.y) - 1000.0).abs() < 1.0);
        assert!(
            LocalGeoreferencer::new(
                &CassiniOrigin {
                    lat0: 123.0,
                    ..origin()
                },
                Crs::Epsg(7792)
            )
            .is_err()
        );
        assert!(
            origin()
                .proj_string()
                .starts_with("+proj=cass +lat_0=41.9224")
        );
    }

    #[test]
    fn fiducial_fit_places_the_sheet_and_reports_residuals() {
        let mut geo = LocalGeoreferencer::new(&origin(), Crs::Epsg(7792)).unwrap();
        let fiducials = [
            fiducial("1", -14_941.747, -29_983.615),
            fiducial("2", -14_100.0, -29_000.0),
            fiducial("3", -15_200.0, -28_800.0),
            fiducial("4", -14_500.0, -30_100.0),
            fiducial("99", -14_000.0, -30_000.0),
        ];
        // "known" national coordinates: the projection moved by a datum-like similarity
        let (rot, dx, dy) = (2e-5_f64, 41.3, -26.8);
        let shift = |p: Coord<f64>| Coord {
            x: p.x * rot.cos() - p.y * rot.sin() + dx,
            y: p.x * rot.sin() + p.y * rot.cos() + dy,
        };
        let mut known = HashMap::new();
        for f in &fiducials[..4] {
            known.insert(f.number.clone(), shift(geo.project(f.position).unwrap()));
        }
        let (pairs, unknown) = control_points(&fiducials, &known);
        assert_eq!(unknown, vec!["99".to_owned()]);
        let control: Vec<_> = pairs.iter().map(|(_, l, t)| (*l, *t)).collect();
        let fit = geo.fit(&control).unwrap();
        assert!(fit.rms() < 1e-3, "{}", fit.rms());
        let names: Vec<String> = pairs.iter().map(|(n, _, _)| n.clone()).collect();
        assert!(residual_report(Path::new("s.cxf"), fit, &names, 0.05).is_empty());

        let mut record = CxfRecord::Fiducial(fiducials[1].clone());
        geo.transform(&mut record).unwrap();
        let CxfRecord::Fiducial(moved) = record else {
            panic!()
        };
        let expected = known["2"];
        assert!((moved.position.x - expected.x).abs() < 1e-3);
        assert!((moved.position.y - expected.y).abs() < 1e-3);

        // a control point 2 m off is named in the report
        let mut bad = control.clone();
        bad[2].1.x += 2.0;
        let fit = geo.fit(&bad).unwrap().clone();
        let report = residual_report(Path::new("s.cxf"), &fit, &names, 0.5);
        assert!(
            report.iter().any(|d| d.reason.starts_with("fiducial 3:")),
            "{report:?}"
        );
    }
}
