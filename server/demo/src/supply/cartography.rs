//! The cadastral map: one CXF and one SUP per sheet and `crs.txt`, as `shared/domain/cxf.md`
//! prescribes (one value per CR LF record, INTERO in 4 and REALE in 12 characters with three
//! decimals, outer rings clockwise and islands counter-clockwise, SUP in 11 + 10 characters).
//!
//! The sheet boundary is the parcels' bounding rectangle widened by [`MARGIN`] metres; the
//! road area is one `STRADA` BORDO, the boundary with the blocks as islands
//! ([`super::roads`]). No water is drawn. The SUP balances as the cadastre's exports do:
//! `STRADE` = `CONFINE` − `PARTIC`, so `SBILANCIO` is 0 (the drawn road area differs from it
//! only by the rounding of the parcel areas). Should the blocks of a sheet not resolve to
//! simple outlines, the sheet has no road area and its SUP reports the imbalance.

use std::collections::BTreeMap;
use std::io;

use geo_types::{Coord, LineString, Polygon};

use super::text::{Encoding, TextFile, round_half_up};
use super::truth::{DefectKind, Outcome};
use super::{Ctx, mix};
use crate::geom::signed_area;

/// Metres between the outermost parcel vertex and the sheet boundary.
pub const MARGIN: f64 = 5.0;

/// An INTERO record.
fn int(v: i64) -> String {
    format!("{v:>4}")
}

/// A REALE record.
fn real(v: f64) -> String {
    format!("{v:>12.3}")
}

/// A SUP record.
fn sup(name: &str, value: i64) -> String {
    format!("{name:<11}{value:>10}")
}

/// The vertices of `ring` in the requested orientation (closed).
fn oriented(ring: &LineString<f64>, clockwise: bool) -> Vec<Coord<f64>> {
    let mut c: Vec<Coord<f64>> = ring.0.clone();
    if c.first() != c.last()
        && let Some(&first) = c.first()
    {
        c.push(first);
    }
    if (signed_area(&c) < 0.0) != clockwise {
        c.reverse();
    }
    c
}

/// A point inside `poly` (holes excluded): the middle of the widest inside span of the
/// horizontal line through the centroid of the exterior's vertices.
pub fn point_on_surface(poly: &Polygon<f64>) -> Coord<f64> {
    let ext = &poly.exterior().0;
    let (min_y, max_y) = ext.iter().fold((f64::MAX, f64::MIN), |(lo, hi), c| {
        (lo.min(c.y), hi.max(c.y))
    });
    let y = f64::midpoint(min_y, max_y) + 0.013;
    let mut xs = Vec::new();
    for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
        for w in ring.0.windows(2) {
            let (a, b) = (w[0], w[1]);
            if (a.y > y) != (b.y > y) {
                xs.push(a.x + (y - a.y) * (b.x - a.x) / (b.y - a.y));
            }
        }
    }
    xs.sort_by(f64::total_cmp);
    let best = xs
        .chunks_exact(2)
        .max_by(|p, q| (p[1] - p[0]).total_cmp(&(q[1] - q[0])));
    match best {
        Some(p) => Coord {
            x: crate::geom::round_cm(f64::midpoint(p[0], p[1])),
            y: crate::geom::round_cm(y),
        },
        None => ext.first().copied().unwrap_or(Coord { x: 0.0, y: 0.0 }),
    }
}

/// One BORDO section: code, label height, inner point, rings (outer first).
fn bordo(
    out: &mut TextFile,
    code: &str,
    height: i64,
    inner: Coord<f64>,
    rings: &[Vec<Coord<f64>>],
) -> u64 {
    let line = out.line("BORDO");
    out.line(code);
    out.line(&int(height));
    out.line(&real(0.0));
    for _ in 0..2 {
        out.line(&real(inner.x));
        out.line(&real(inner.y));
    }
    out.line(&int(rings.len() as i64 - 1));
    out.line(&int(rings.iter().map(Vec::len).sum::<usize>() as i64));
    for r in &rings[1..] {
        out.line(&int(r.len() as i64));
    }
    for r in rings {
        for c in r {
            out.line(&real(c.x));
            out.line(&real(c.y));
        }
    }
    line
}

fn polygon_rings(p: &Polygon<f64>) -> Vec<Vec<Coord<f64>>> {
    std::iter::once(oriented(p.exterior(), true))
        .chain(p.interiors().iter().map(|h| oriented(h, false)))
        .collect()
}

/// The parcels (indexes) of every sheet, by sheet key.
pub fn sheets(town: &crate::Municipality) -> BTreeMap<&str, Vec<usize>> {
    let mut sheets: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, p) in town.parcels.iter().enumerate() {
        sheets.entry(p.sheet_key.as_str()).or_default().push(i);
    }
    sheets
}

/// The sheet boundary rectangle `(x0, y0, x1, y1)`: the parcels' bounding box widened by
/// [`MARGIN`] and rounded outwards to whole metres.
pub fn sheet_bounds(town: &crate::Municipality, parcels: &[usize]) -> (f64, f64, f64, f64) {
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for &i in parcels {
        for c in &town.parcels[i].geometry.exterior().0 {
            (x0, y0, x1, y1) = (x0.min(c.x), y0.min(c.y), x1.max(c.x), y1.max(c.y));
        }
    }
    (
        (x0 - MARGIN).floor(),
        (y0 - MARGIN).floor(),
        (x1 + MARGIN).ceil(),
        (y1 + MARGIN).ceil(),
    )
}

/// Writes every sheet and `crs.txt`.
pub(crate) fn write(cx: &mut Ctx) -> io::Result<()> {
    let town = cx.town;
    let sheets = sheets(town);
    let mut buildings: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, b) in town.buildings.iter().enumerate() {
        buildings.entry(b.parcel_key.as_str()).or_default().push(i);
    }
    let mut crs = cx.create("cartografia/crs.txt", Encoding::Utf8, false)?;
    crs.line(&format!("EPSG:{}", cx.opts.cxf_epsg));
    cx.save(crs, "crs", &[("lines", 1)], 0)?;
    let mut plant = cx.malformed();
    // the last sheet (of two or more) is written without its SUP when malformed records are
    // planted: a missing companion the ingest reports
    let without_sup = if cx.malformed() && sheets.len() > 1 {
        sheets.keys().next_back().copied()
    } else {
        None
    };
    for (sheet, parcels) in &sheets {
        let sup = without_sup != Some(*sheet);
        write_sheet(cx, sheet, parcels, &buildings, plant, sup)?;
        plant = false;
    }
    cx.rec.expect("sheets", sheets.len() as u64);
    cx.rec.expect("map_parcels", town.parcels.len() as u64);
    cx.rec.expect("map_buildings", town.buildings.len() as u64);
    Ok(())
}

#[derive(Default)]
struct SheetCounts {
    sections: u64,
    parcels: u64,
    buildings: u64,
    texts: u64,
    either: u64,
    rejected: u64,
}

fn write_sheet(
    cx: &mut Ctx,
    sheet: &str,
    parcels: &[usize],
    buildings: &BTreeMap<&str, Vec<usize>>,
    plant: bool,
    with_sup: bool,
) -> io::Result<()> {
    let town = cx.town;
    let rel = format!("cartografia/{sheet}.cxf");
    let mut out = cx.create(&rel, Encoding::Latin1, true)?;
    let mut n = SheetCounts::default();
    out.line("MAPPA");
    out.line(sheet);
    out.line(&real(2000.0));
    let (x0, y0, x1, y1) = sheet_bounds(town, parcels);
    let boundary = boundary_ring(x0, y0, x1, y1);
    bordo(
        &mut out,
        sheet,
        12,
        Coord {
            x: f64::midpoint(x0, x1),
            y: f64::midpoint(y0, y1),
        },
        &[boundary],
    );
    n.sections += 1;
    let polys: Vec<&Polygon<f64>> = parcels.iter().map(|&i| &town.parcels[i].geometry).collect();
    let roads = super::roads::block_outlines(&polys);
    if let Some(blocks) = &roads {
        let mut rings = vec![boundary_ring(x0, y0, x1, y1)];
        rings.extend(blocks.iter().map(|b| {
            let mut b = b.clone();
            if signed_area(&b) < 0.0 {
                b.reverse();
            }
            b
        }));
        bordo(
            &mut out,
            "STRADA",
            0,
            Coord {
                x: x0 + 2.5,
                y: f64::midpoint(y0, y1),
            },
            &rings,
        );
        n.sections += 1;
    }
    let mut areas: Vec<(String, i64)> = Vec::new();
    let mut building_area = 0i64;
    let mut planted_unclosed = plant;
    for &i in parcels {
        let p = &town.parcels[i];
        let mut rings = polygon_rings(&p.geometry);
        let inner = point_on_surface(&p.geometry);
        if planted_unclosed && rings.len() == 1 && rings[0].len() > 4 {
            rings[0].pop();
            let line = bordo(&mut out, &p.particella, 18, inner, &rings);
            cx.rec.defect(
                &rel,
                line,
                Some("VERTICI"),
                DefectKind::UnclosedRing,
                Outcome::Repaired,
            );
            planted_unclosed = false;
        } else {
            bordo(&mut out, &p.particella, 18, inner, &rings);
        }
        areas.push((p.particella.clone(), round_half_up(p.area_m2)));
        n.sections += 1;
        n.parcels += 1;
        for &b in buildings.get(p.key.as_str()).map_or(&[][..], Vec::as_slice) {
            let b = &town.buildings[b];
            let code = format!("{}+", p.particella);
            bordo(
                &mut out,
                &code,
                0,
                point_on_surface(&b.footprint),
                &polygon_rings(&b.footprint),
            );
            building_area += round_half_up(b.footprint_m2);
            n.sections += 1;
            n.buildings += 1;
        }
    }
    if plant {
        plant_geometry(cx, &mut out, &rel, (x0, y0, x1, y1), &mut areas, &mut n);
    }
    // street names inside the sheet, one text per street at its first vertex in the sheet
    for s in &town.streets {
        let pts = &s.centreline.0;
        let Some(k) = pts
            .iter()
            .position(|c| c.x > x0 && c.x < x1 && c.y > y0 && c.y < y1)
        else {
            continue;
        };
        let next = pts
            .get(k + 1)
            .or(pts.get(k.saturating_sub(1)))
            .copied()
            .unwrap_or(pts[k]);
        let angle = (next.y - pts[k].y).atan2(next.x - pts[k].x);
        out.line("TESTO");
        out.line(&s.full_name());
        out.line(&int(25));
        out.line(&real(angle));
        out.line(&real(pts[k].x));
        out.line(&real(pts[k].y));
        n.sections += 1;
        n.texts += 1;
    }
    // one fiducial point near the south-west corner, one orientation symbol at the centre
    let h = mix(u64::from(sheet.bytes().map(u32::from).sum::<u32>()), 9);
    out.line("FIDUCIALE");
    out.line(&(h % 900 + 100).to_string());
    out.line(&int(20));
    for (x, y) in [(x0 + 2.0, y0 + 2.0), (x0 + 6.0, y0 + 4.0)] {
        out.line(&real(x));
        out.line(&real(y));
    }
    out.line("SIMBOLO");
    out.line(&int(1));
    out.line(&real(0.0));
    out.line(&real(f64::midpoint(x0, x1)));
    out.line(&real(f64::midpoint(y0, y1)));
    out.line("LINEA");
    out.line(&int(12));
    out.line(&int(5));
    for (x, y) in [(x0, y0), (x0, y1), (x1, y1), (x1, y0), (x0, y0)] {
        out.line(&real(x));
        out.line(&real(y));
    }
    out.line("EOF");
    n.sections += 3;
    let loaded = 1 + n.sections - n.either - n.rejected;
    if !with_sup {
        cx.rec.defect(
            &rel,
            0,
            Some("SUP"),
            DefectKind::MissingCompanion,
            Outcome::Rejected,
        );
    }
    cx.save(
        out,
        "cxf",
        &[
            ("sections", n.sections),
            ("parcels", n.parcels),
            ("buildings", n.buildings),
            ("texts", n.texts),
        ],
        loaded,
    )?;
    let sup = Sup {
        buildings: n.buildings,
        building_area,
        roads: roads.is_some(),
        confine: (x1 - x0) * (y1 - y0),
    };
    if !with_sup {
        return Ok(());
    }
    write_sup(cx, sheet, &mut areas, &sup)
}

/// The sheet boundary rectangle, clockwise.
fn boundary_ring(x0: f64, y0: f64, x1: f64, y1: f64) -> Vec<Coord<f64>> {
    vec![
        Coord { x: x0, y: y0 },
        Coord { x: x0, y: y1 },
        Coord { x: x1, y: y1 },
        Coord { x: x1, y: y0 },
        Coord { x: x0, y: y0 },
    ]
}

/// SUP values other than the parcel areas.
struct Sup {
    buildings: u64,
    building_area: i64,
    roads: bool,
    confine: f64,
}

/// Planted geometry defects: a self-intersecting parcel and a parcel far outside the CRS area.
/// Both are listed in the SUP as written, so a reader that rejects one also reports the SUP
/// count and area of that parcel as unmatched (warnings on the SUP, line 0).
fn plant_geometry(
    cx: &mut Ctx,
    out: &mut TextFile,
    rel: &str,
    (x0, y0, _, _): (f64, f64, f64, f64),
    areas: &mut Vec<(String, i64)>,
    n: &mut SheetCounts,
) {
    let (x, y) = (x0 + 1.0, y0 + 1.0);
    let bow = vec![
        Coord { x, y },
        Coord {
            x: x + 3.0,
            y: y + 3.0,
        },
        Coord { x: x + 3.0, y },
        Coord { x, y: y + 3.0 },
        Coord { x, y },
    ];
    let line = bordo(
        out,
        "9001",
        18,
        Coord {
            x: x + 1.5,
            y: y + 0.5,
        },
        &[bow],
    );
    cx.rec.defect(
        rel,
        line,
        None,
        DefectKind::SelfIntersecting,
        Outcome::RepairedOrRejected,
    );
    areas.push(("9001".to_owned(), 0));
    let far = |dx: f64, dy: f64| Coord {
        x: 9_500_000.0 + dx,
        y: 95_000_000.0 + dy,
    };
    let ring = vec![
        far(0.0, 0.0),
        far(0.0, 10.0),
        far(10.0, 10.0),
        far(10.0, 0.0),
        far(0.0, 0.0),
    ];
    let line = bordo(out, "9002", 18, far(5.0, 5.0), &[ring]);
    cx.rec.defect(
        rel,
        line,
        None,
        DefectKind::OutsideCrsArea,
        Outcome::Rejected,
    );
    areas.push(("9002".to_owned(), 100));
    n.sections += 2;
    n.parcels += 2;
    n.either += 1;
    n.rejected += 1;
}

fn write_sup(cx: &mut Ctx, sheet: &str, areas: &mut [(String, i64)], s: &Sup) -> io::Result<()> {
    let rel = format!("cartografia/{sheet}.sup");
    let mut out = cx.create(&rel, Encoding::Latin1, true)?;
    areas.sort();
    let partic: i64 = areas.iter().map(|a| a.1).sum();
    let confine = round_half_up(s.confine);
    let roads = if s.roads { confine - partic } else { 0 };
    out.line(&format!(
        "{sheet:<11}{:>10}",
        cx.town.extraction_date.format("%Y%m%d")
    ));
    out.line(&sup("N.FABBRIC", s.buildings as i64));
    out.line(&sup("N.PARTIC", areas.len() as i64));
    out.line(&sup("N.STRADE", i64::from(s.roads)));
    out.line(&sup("N.ACQUE", 0));
    out.line(&sup("N.SVIL-ALL", 0));
    out.line(&sup("FABBRIC", s.building_area));
    for (code, area) in areas.iter() {
        out.line(&sup(code, *area));
    }
    out.line(&sup("PARTIC", partic));
    out.line(&sup("STRADE", roads));
    out.line(&sup("ACQUE", 0));
    out.line(&sup("SVIL-ALL", 0));
    out.line(&sup("TOTALE", partic + roads));
    out.line(&sup("CONFINE", confine));
    out.line(&sup("SBILANCIO", partic + roads - confine));
    cx.save(out, "sup", &[("areas", areas.len() as u64)], 0)
}
