//! Subdivision of the grid's blocks into land parcels and building footprints.
//!
//! Residential blocks hold two rows of parcels back to back, each facing its own street; the
//! boundaries between neighbours are slanted and the rows meet on a shared middle line, so
//! parcels are irregular quadrilaterals or pentagons sharing exact vertices. Industrial and
//! agricultural blocks hold one row of deep parcels; courtyard blocks hold one ring-shaped
//! parcel with an inner courtyard parcel filling its hole (an island, as in CXF maps).

use std::collections::BTreeMap;

use crate::dates::ymd;
use crate::entities::{Building, BuildingKind, Parcel, ParcelUse};
use crate::geom::{self, Frame};
use crate::grid::Grid;
use crate::lots::{CIVIC_LOTS, Lot, divisions, lots, wide_lots};
use crate::rng::Rng;

/// An entrance waiting for its house number.
#[derive(Debug, Clone)]
pub struct Entrance {
    /// street index
    pub street: usize,
    /// 0: odd side, 1: even side
    pub side: u8,
    /// position along the street (local metres), for ordering
    pub along: f64,
    /// parcel index
    pub parcel: usize,
    /// point in the storage CRS
    pub point: geo_types::Point<f64>,
    /// buildings entered through it
    pub buildings: Vec<usize>,
    /// index of the entrance whose number this one shares with a suffix
    pub shares_number_of: Option<usize>,
}

/// Parcels, buildings and entrances of the whole town.
#[derive(Debug, Default)]
pub struct Layout {
    /// parcels
    pub parcels: Vec<Parcel>,
    /// buildings
    pub buildings: Vec<Building>,
    /// entrances (numbered later)
    pub entrances: Vec<Entrance>,
}

/// One parcel of a row in block coordinates: `u` along the street, `v` across the block.
#[derive(Debug, Clone, Copy)]
struct Cell {
    /// v of the street side
    fv: f64,
    /// v of the back side
    bv: f64,
    /// u range on the street side
    fa: f64,
    fb: f64,
    /// u range on the back side
    ba: f64,
    bb: f64,
}

impl Cell {
    fn depth(&self) -> f64 {
        (self.bv - self.fv).abs()
    }
    /// v at distance `s` from the street side.
    fn v(&self, s: f64) -> f64 {
        self.fv + s * (self.bv - self.fv).signum()
    }
    /// u range inside the parcel for every point at distance `s0..s1` from the street side.
    fn inner(&self, s0: f64, s1: f64) -> (f64, f64) {
        let d = self.depth();
        let at = |s: f64, a: f64, b: f64| a + (b - a) * (s / d);
        let lo = at(s0, self.fa, self.ba).max(at(s1, self.fa, self.ba));
        let hi = at(s0, self.fb, self.bb).min(at(s1, self.fb, self.bb));
        (lo, hi)
    }
    /// A rectangle at distance `s0..s1` from the street, `gap` from the side boundaries, at
    /// most `max_w` wide, centred or pushed to one side.
    fn rect(&self, s0: f64, s1: f64, gap: f64, max_w: f64, align: f64) -> Option<Vec<(f64, f64)>> {
        if s1 > self.depth() - 0.5 || s0 < 0.0 || s1 - s0 < 2.5 {
            return None;
        }
        let (lo, hi) = self.inner(s0, s1);
        let (lo, hi) = (lo + gap, hi - gap);
        if hi - lo < 3.0 {
            return None;
        }
        let w = (hi - lo).min(max_w);
        let a = lo + (hi - lo - w) * align.clamp(0.0, 1.0);
        let (v0, v1) = (self.v(s0), self.v(s1));
        Some(vec![(a, v0), (a + w, v0), (a + w, v1), (a, v1)])
    }
}

/// Maps block coordinates to grid coordinates.
#[derive(Debug, Clone, Copy)]
struct BlockFrame {
    x0: f64,
    y0: f64,
    vertical: bool,
}

impl BlockFrame {
    fn map(&self, (u, v): (f64, f64)) -> (f64, f64) {
        if self.vertical {
            (self.x0 + v, self.y0 + u)
        } else {
            (self.x0 + u, self.y0 + v)
        }
    }
    fn ring(&self, pts: &[(f64, f64)]) -> Vec<(f64, f64)> {
        pts.iter().map(|p| self.map(*p)).collect()
    }
}

/// What a block is used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BlockType {
    Residential,
    Civic,
    Courtyard,
    Industrial,
    Agricultural,
}

/// Context shared while subdividing.
struct Ctx<'a> {
    rng: &'a mut Rng,
    grid: &'a Grid,
    frame: &'a Frame,
    belfiore: &'a str,
    out: Layout,
    next_particella: BTreeMap<u32, u32>,
    /// built density: distance-from-centre factor and storey factor
    density: Density,
}

/// How densely the blocks are built: the town's (the default) or a city's, where every block
/// is built like the town's centre, multi-storey buildings are taller and some blocks at the
/// edge are fields.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Density {
    /// factor on each block's distance from the centre (typologies, block kinds)
    pub ring: f64,
    /// factor on the storeys of buildings of two storeys or more
    pub storeys: u32,
    /// share of the blocks of the outermost ring drawn as fields, beside the share their
    /// distance from the centre gives (0 in the town, whose outskirts have fields of their
    /// own; a city's edge keeps some farmland)
    pub edge_farmland: f64,
}

impl Density {
    /// The town's density.
    pub const TOWN: Density = Density {
        ring: 1.0,
        storeys: 1,
        edge_farmland: 0.0,
    };
}

/// Subdivides every block of `grid`.
pub fn subdivide(rng: &mut Rng, grid: &Grid, frame: &Frame, belfiore: &str) -> Layout {
    subdivide_with(rng, grid, frame, belfiore, Density::TOWN)
}

/// Subdivides every block of `grid` built with `density`.
pub fn subdivide_with(
    rng: &mut Rng,
    grid: &Grid,
    frame: &Frame,
    belfiore: &str,
    density: Density,
) -> Layout {
    let mut ctx = Ctx {
        rng,
        grid,
        frame,
        belfiore,
        out: Layout::default(),
        next_particella: BTreeMap::new(),
        density,
    };
    let centre = grid.centre_block();
    for j in (0..grid.rows).rev() {
        for i in 0..grid.cols {
            let r = grid.ring(i, j) * density.ring;
            let edge = i == 0 || j == 0 || i + 1 == grid.cols || j + 1 == grid.rows;
            let t = if (i, j) == centre {
                BlockType::Civic
            } else {
                let mut w = if r > 0.75 {
                    [0.47, 0.0, 0.0, 0.25, 0.28]
                } else if r > 0.45 {
                    [0.86, 0.0, 0.02, 0.10, 0.02]
                } else {
                    [0.90, 0.0, 0.10, 0.0, 0.0]
                };
                if edge && density.edge_farmland > 0.0 {
                    let f = density.edge_farmland.min(1.0);
                    w = w.map(|x| x * (1.0 - f));
                    w[4] += f;
                }
                [
                    BlockType::Residential,
                    BlockType::Civic,
                    BlockType::Courtyard,
                    BlockType::Industrial,
                    BlockType::Agricultural,
                ][ctx.rng.weighted(&w)]
            };
            block(&mut ctx, i, j, t, r);
        }
    }
    ctx.out
}

fn block(ctx: &mut Ctx, col: usize, row_no: usize, kind: BlockType, ring: f64) {
    let (x0, y0, x1, y1) = ctx.grid.block_rect(col, row_no);
    let (width, height) = (x1 - x0, y1 - y0);
    let vertical = kind == BlockType::Residential && ctx.rng.chance(0.3);
    let bf = BlockFrame { x0, y0, vertical };
    let (len, depth) = if vertical {
        (height, width)
    } else {
        (width, height)
    };
    let sheet_cols = ctx.grid.cols.div_ceil(4);
    let sheet_rows = ctx.grid.rows.div_ceil(4);
    let foglio = ((sheet_rows - 1 - row_no / 4) * sheet_cols + col / 4 + 1) as u32;
    let zone = if ring < 0.35 { 1 } else { 2 };
    let b = BlockInfo {
        i: col,
        j: row_no,
        bf,
        foglio,
        zone,
        r: ring,
    };
    let r = ring;
    match kind {
        BlockType::Residential | BlockType::Civic => {
            let m = depth * ctx.rng.range(0.44, 0.56);
            let mut south = lots(ctx.rng, len, r);
            if kind == BlockType::Civic {
                south = CIVIC_LOTS.to_vec();
            }
            let north = lots(ctx.rng, len, r);
            let (sf, sb) = divisions(ctx.rng, len, &south);
            let (nf, nb) = divisions(ctx.rng, len, &north);
            row(ctx, &b, &south, &sf, &sb, (0.0, m), &nb);
            row(ctx, &b, &north, &nf, &nb, (depth, m), &sb);
        }
        BlockType::Industrial => {
            let lots = wide_lots(ctx.rng, len, 45.0, 85.0, Some(BuildingKind::Factory));
            let (f, bk) = divisions(ctx.rng, len, &lots);
            row(ctx, &b, &lots, &f, &bk, (0.0, depth), &[]);
        }
        BlockType::Agricultural => {
            let lots = wide_lots(ctx.rng, len, 30.0, 70.0, None);
            let (f, bk) = divisions(ctx.rng, len, &lots);
            for k in 0..lots.len() {
                let cell = Cell {
                    fv: 0.0,
                    bv: depth,
                    fa: f[k],
                    fb: f[k + 1],
                    ba: bk[k],
                    bb: bk[k + 1],
                };
                let ring = vec![
                    (cell.fa, 0.0),
                    (cell.fb, 0.0),
                    (cell.bb, depth),
                    (cell.ba, depth),
                ];
                let p = add_parcel(ctx, &b, &ring, &[], ParcelUse::Agricultural);
                if ctx.rng.chance(0.12) {
                    let s0 = ctx.rng.range(8.0, 20.0);
                    if let Some(fp) = cell.rect(s0, s0 + ctx.rng.range(8.0, 14.0), 4.0, 16.0, 0.5) {
                        add_building(ctx, &b, p, BuildingKind::Rural, &fp, &[]);
                    }
                }
            }
        }
        BlockType::Courtyard => {
            let d = ctx.rng.range(12.0, 15.0);
            let outer = vec![(0.0, 0.0), (len, 0.0), (len, depth), (0.0, depth)];
            let hole = vec![(d, d), (len - d, d), (len - d, depth - d), (d, depth - d)];
            let p = add_parcel(
                ctx,
                &b,
                &outer,
                std::slice::from_ref(&hole),
                ParcelUse::Urban,
            );
            let bo = vec![
                (0.5, 0.5),
                (len - 0.5, 0.5),
                (len - 0.5, depth - 0.5),
                (0.5, depth - 0.5),
            ];
            // the building's own courtyard is 0.5 m wider than the courtyard parcel
            let bh = vec![
                (d - 0.5, d - 0.5),
                (len - d + 0.5, d - 0.5),
                (len - d + 0.5, depth - d + 0.5),
                (d - 0.5, depth - d + 0.5),
            ];
            let bld = add_building(ctx, &b, p, BuildingKind::CourtyardHouse, &bo, &[bh]);
            entrance(ctx, &b, p, (len / 2.0, 0.0), false, vec![bld], None);
            add_parcel(ctx, &b, &hole, &[], ParcelUse::Courtyard);
        }
    }
}

/// Where a block sits and how it maps to grid coordinates.
struct BlockInfo {
    i: usize,
    j: usize,
    bf: BlockFrame,
    foglio: u32,
    zone: u8,
    r: f64,
}

/// A parcel row: `lots` with street-side divisions `f` and back divisions `bk`; `v` is
/// (street side, back side); `other` are the back divisions of the facing row (T-junctions on
/// the shared middle line).
fn row(
    ctx: &mut Ctx,
    b: &BlockInfo,
    lots: &[Lot],
    f: &[f64],
    bk: &[f64],
    (fv, bv): (f64, f64),
    other: &[f64],
) {
    for (k, lot) in lots.iter().enumerate() {
        let cell = Cell {
            fv,
            bv,
            fa: f[k],
            fb: f[k + 1],
            ba: bk[k],
            bb: bk[k + 1],
        };
        let mut back: Vec<(f64, f64)> = vec![(cell.bb, bv)];
        let mut mids: Vec<f64> = other
            .iter()
            .copied()
            .filter(|u| *u > cell.ba + 0.05 && *u < cell.bb - 0.05)
            .collect();
        mids.sort_by(|a, c| c.total_cmp(a));
        back.extend(mids.into_iter().map(|u| (u, bv)));
        back.push((cell.ba, bv));
        let mut ring = vec![(cell.fa, fv), (cell.fb, fv)];
        ring.extend(back);
        let usage = if lot.is_some() {
            ParcelUse::Urban
        } else {
            ParcelUse::Vacant
        };
        let p = add_parcel(ctx, b, &ring, &[], usage);
        if let Some(kind) = lot {
            buildings_on(ctx, b, p, *kind, &cell);
        } else {
            entrance(
                ctx,
                b,
                p,
                (f64::midpoint(cell.fa, cell.fb), fv),
                fv > bv,
                vec![],
                None,
            );
        }
    }
}

/// Places the buildings of a parcel of typology `kind` and registers their entrances.
fn buildings_on(ctx: &mut Ctx, b: &BlockInfo, p: usize, kind: BuildingKind, cell: &Cell) {
    let rng = &mut *ctx.rng;
    let depth = cell.depth();
    let (s0, bd, gap, max_w) = match kind {
        BuildingKind::ShopHouse => (0.3, rng.range(10.0, 14.0), 0.3, 40.0),
        BuildingKind::House | BuildingKind::Derelict => {
            (rng.range(4.0, 7.0), rng.range(9.0, 13.0), 3.0, 14.0)
        }
        BuildingKind::TwoFamily => (rng.range(4.0, 6.0), rng.range(10.0, 12.0), 2.0, 22.0),
        BuildingKind::Apartments | BuildingKind::UnderConstruction => {
            (rng.range(3.0, 6.0), rng.range(11.0, 14.0), 3.0, 26.0)
        }
        BuildingKind::Store => (rng.range(8.0, 12.0), rng.range(22.0, 32.0), 4.0, 60.0),
        BuildingKind::Factory => (rng.range(8.0, 14.0), rng.range(25.0, 55.0), 5.0, 80.0),
        _ => (rng.range(3.0, 6.0), rng.range(13.0, 18.0), 3.0, 40.0),
    };
    let bd = bd.min(depth - s0 - 2.0);
    let align = rng.unit();
    let front = (f64::midpoint(cell.fa, cell.fb), cell.fv);
    let outward = cell.fv > cell.bv;
    let Some(fp) = cell.rect(s0, s0 + bd, gap, max_w, align) else {
        entrance(ctx, b, p, front, outward, vec![], None);
        return;
    };
    let l_shaped = matches!(
        kind,
        BuildingKind::House | BuildingKind::TwoFamily | BuildingKind::Offices
    ) && ctx.rng.chance(0.3);
    let fp = if l_shaped {
        let (cut_u, cut_v) = (ctx.rng.range(0.45, 0.7), ctx.rng.range(0.4, 0.6));
        l_shape(&fp, cut_u, cut_v, ctx.rng.chance(0.5))
    } else {
        fp
    };
    let main = add_building(ctx, b, p, kind, &fp, &[]);
    let first = entrance(ctx, b, p, front, outward, vec![main], None);
    let rear_from = s0 + bd + 3.0;
    let rear_space = depth - rear_from - 1.0;
    let rng = &mut *ctx.rng;
    match kind {
        BuildingKind::Apartments if rear_space > 14.0 && rng.chance(0.25) => {
            let d = rng.range(10.0, rear_space.min(14.0));
            if let Some(fp2) = cell.rect(rear_from + 1.0, rear_from + 1.0 + d, 3.0, 30.0, 0.5) {
                let second = add_building(ctx, b, p, kind, &fp2, &[]);
                entrance(ctx, b, p, front, outward, vec![second], Some(first));
            }
        }
        BuildingKind::House | BuildingKind::TwoFamily | BuildingKind::ShopHouse
            if rear_space > 6.0 && rng.chance(0.45) =>
        {
            let d = rng.range(4.5, 6.5).min(rear_space - 0.5);
            let side = if rng.chance(0.5) { 0.0 } else { 1.0 };
            let w = rng.range(3.5, 7.0);
            if let Some(fp2) = cell.rect(rear_from, rear_from + d, 1.5, w, side) {
                add_building(ctx, b, p, BuildingKind::Accessory, &fp2, &[]);
            }
        }
        BuildingKind::Factory | BuildingKind::Store if rear_space > 8.0 && rng.chance(0.4) => {
            let d = rng.range(6.0, rear_space.min(12.0));
            if let Some(fp2) = cell.rect(rear_from, rear_from + d, 3.0, 20.0, rng.unit()) {
                add_building(ctx, b, p, BuildingKind::Accessory, &fp2, &[]);
            }
        }
        _ => {}
    }
}

/// An L-shaped footprint cut from the rectangle `r` (corners: near-left, near-right, far-right,
/// far-left): the far corner on one side is removed, keeping `cut_u` of the width and `cut_v`
/// of the depth. The result lies inside the rectangle, hence inside the parcel.
fn l_shape(r: &[(f64, f64)], cut_u: f64, cut_v: f64, right: bool) -> Vec<(f64, f64)> {
    let [(u0, v0), (u1, _), _, (_, v1)] = [r[0], r[1], r[2], r[3]];
    let vm = v0 + (v1 - v0) * cut_v;
    if right {
        let um = u0 + (u1 - u0) * cut_u;
        vec![(u0, v0), (u1, v0), (u1, vm), (um, vm), (um, v1), (u0, v1)]
    } else {
        let um = u1 - (u1 - u0) * cut_u;
        vec![(u0, v0), (u1, v0), (u1, v1), (um, v1), (um, vm), (u0, vm)]
    }
}

/// Adds a parcel from a block-coordinate ring; returns its index.
fn add_parcel(
    ctx: &mut Ctx,
    b: &BlockInfo,
    ring: &[(f64, f64)],
    holes: &[Vec<(f64, f64)>],
    usage: ParcelUse,
) -> usize {
    let n = ctx.next_particella.entry(b.foglio).or_insert(0);
    *n += 1;
    let particella = n.to_string();
    let sheet_key = format!("{}_{:04}00", ctx.belfiore, b.foglio);
    let ext = b.bf.ring(ring);
    let hs: Vec<Vec<(f64, f64)>> = holes.iter().map(|h| b.bf.ring(h)).collect();
    let geometry = ctx.frame.polygon(&ext, &hs);
    let area_m2 = geom::area(&geometry);
    let (quality, quality_name, class, account, rd, ra) = match usage {
        ParcelUse::Urban | ParcelUse::Vacant => (282, "ENTE URBANO", None, Some("1"), None, None),
        ParcelUse::Courtyard => (275, "CORTE URBAN", None, Some("1"), None, None),
        ParcelUse::Agricultural => {
            const Q: [(u16, &str, [f64; 3]); 5] = [
                (1, "SEMINATIVO", [110.0, 90.0, 70.0]),
                (2, "SEMIN IRRIG", [140.0, 120.0, 100.0]),
                (8, "PRATO", [80.0, 65.0, 50.0]),
                (17, "ORTO", [200.0, 170.0, 140.0]),
                (97, "BOSCO CEDUO", [25.0, 18.0, 12.0]),
            ];
            let (code, name, tariffs) = Q[ctx.rng.weighted(&[0.6, 0.15, 0.12, 0.05, 0.08])];
            let class = ctx.rng.int(1, 3) as u8;
            let ha = area_m2 / 10_000.0;
            let rd = geom::round2(ha * tariffs[usize::from(class - 1)]);
            let ra = geom::round2(rd * ctx.rng.range(0.6, 0.8));
            (code, name, Some(class), None, Some(rd), Some(ra))
        }
    };
    ctx.out.parcels.push(Parcel {
        key: format!("{sheet_key}.{particella}"),
        sheet_key,
        foglio: b.foglio,
        particella,
        usage,
        quality,
        quality_name,
        class,
        special_account: account,
        reddito_dominicale: rd,
        reddito_agrario: ra,
        geometry,
        area_m2,
        census_zone: b.zone,
    });
    ctx.out.parcels.len() - 1
}

/// Adds a building on parcel `p`; returns its index.
fn add_building(
    ctx: &mut Ctx,
    b: &BlockInfo,
    p: usize,
    kind: BuildingKind,
    ring: &[(f64, f64)],
    holes: &[Vec<(f64, f64)>],
) -> usize {
    let storeys = ctx.density.storeys;
    let rng = &mut *ctx.rng;
    let floors = match kind {
        BuildingKind::House
        | BuildingKind::TwoFamily
        | BuildingKind::Derelict
        | BuildingKind::Factory
        | BuildingKind::Store
        | BuildingKind::Church => rng.int(1, 2),
        BuildingKind::Apartments | BuildingKind::Hotel => rng.int(3, 5),
        BuildingKind::UnderConstruction => rng.int(3, 4),
        BuildingKind::ShopHouse
        | BuildingKind::CourtyardHouse
        | BuildingKind::School
        | BuildingKind::TownHall => rng.int(2, 3),
        BuildingKind::Offices => rng.int(2, 4),
        BuildingKind::Accessory | BuildingKind::Rural => 1,
    } as u32;
    let floors = if floors >= 2 {
        floors * storeys
    } else {
        floors
    };
    let storey = match kind {
        BuildingKind::Factory | BuildingKind::Store => rng.range(5.0, 8.0),
        BuildingKind::Church => rng.range(9.0, 12.0),
        BuildingKind::Accessory => rng.range(2.4, 3.0),
        _ => rng.range(2.9, 3.3),
    };
    let year_built = match kind {
        BuildingKind::UnderConstruction => rng.int(2023, 2025),
        BuildingKind::Derelict | BuildingKind::Church | BuildingKind::Rural => rng.int(1850, 1940),
        BuildingKind::CourtyardHouse => rng.int(1800, 1920),
        _ if b.r < 0.35 => rng.int(1890, 1975),
        _ if b.r < 0.7 => rng.int(1955, 2000),
        _ => rng.int(1965, 2022),
    } as i32;
    let survey_year = if year_built >= 2021 {
        2025
    } else {
        rng.int(2021, 2024) as i32
    };
    let survey_date = ymd(survey_year, rng.int(1, 12) as u32, rng.int(1, 28) as u32);
    let footprint = ctx.frame.polygon(
        &b.bf.ring(ring),
        &holes.iter().map(|h| b.bf.ring(h)).collect::<Vec<_>>(),
    );
    let parcel_key = ctx.out.parcels[p].key.clone();
    let n = ctx
        .out
        .buildings
        .iter()
        .rev()
        .take_while(|x| x.parcel_key == parcel_key)
        .count()
        + 1;
    ctx.out.buildings.push(Building {
        id: format!("{parcel_key}-{n}"),
        parcel_key,
        kind,
        footprint_m2: geom::area(&footprint),
        footprint,
        floors,
        height_m: geom::round2(f64::from(floors) * storey),
        year_built,
        survey_date,
        address_key: None,
    });
    ctx.out.buildings.len() - 1
}

/// Registers an entrance on the street side of a parcel; `outward` when the street side is the
/// block's far side (v = depth). Returns the entrance index.
fn entrance(
    ctx: &mut Ctx,
    info: &BlockInfo,
    parcel: usize,
    (along_u, fv): (f64, f64),
    outward: bool,
    buildings: Vec<usize>,
    shares_number_of: Option<usize>,
) -> usize {
    let grid = ctx.grid;
    let inside = if outward { fv - 1.0 } else { fv + 1.0 };
    let (x, y) = info.bf.map((along_u, inside));
    let (col, row_no) = (info.i, info.j);
    let (street, side, along) = match (info.bf.vertical, outward) {
        (false, false) => (grid.h_street[row_no][col], 1, x),
        (false, true) => (grid.h_street[row_no + 1][col], 0, x),
        (true, false) => (grid.v_street[col][row_no], 1, y),
        (true, true) => (grid.v_street[col + 1][row_no], 0, y),
    };
    ctx.out.entrances.push(Entrance {
        street,
        side,
        along,
        parcel,
        point: ctx.frame.point(x, y),
        buildings,
        shares_number_of,
    });
    ctx.out.entrances.len() - 1
}
