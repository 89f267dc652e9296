//! The street grid of the demo town: centreline positions, street widths, and the named streets
//! of the municipal street register that run along the grid lines.
//!
//! Local coordinates are metres from the south-west corner of the grid; x grows east along
//! the horizontal streets, y grows north along the vertical ones.

use std::collections::BTreeSet;

use crate::entities::Street;
use crate::geom::Frame;
use crate::names::STREET_NAMES;
use crate::rng::Rng;

/// Generic street types: (DUG, the Agenzia's toponimo code).
const VIA: (&str, u16) = ("VIA", 236);
const VIALE: (&str, u16) = ("VIALE", 240);
const CORSO: (&str, u16) = ("CORSO", 58);
const VICOLO: (&str, u16) = ("VICOLO", 248);
const LARGO: (&str, u16) = ("LARGO", 86);
const STRADA: (&str, u16) = ("STRADA", 210);

/// The grid of blocks and the streets along its lines.
#[derive(Debug, Clone)]
pub struct Grid {
    /// blocks along x
    pub cols: usize,
    /// blocks along y
    pub rows: usize,
    /// x of the vertical centrelines (`cols + 1`)
    pub cx: Vec<f64>,
    /// y of the horizontal centrelines (`rows + 1`)
    pub cy: Vec<f64>,
    /// width of each vertical street line
    pub wx: Vec<f64>,
    /// width of each horizontal street line
    pub wy: Vec<f64>,
    /// `v_street[i][j]`: street of vertical line `i` beside block row `j`
    pub v_street: Vec<Vec<usize>>,
    /// `h_street[j][i]`: street of horizontal line `j` beside block column `i`
    pub h_street: Vec<Vec<usize>>,
}

impl Grid {
    /// The usable rectangle of block (`i`, `j`): between the centrelines, minus half the street
    /// widths, as (x0, y0, x1, y1).
    pub fn block_rect(&self, i: usize, j: usize) -> (f64, f64, f64, f64) {
        (
            self.cx[i] + self.wx[i] / 2.0,
            self.cy[j] + self.wy[j] / 2.0,
            self.cx[i + 1] - self.wx[i + 1] / 2.0,
            self.cy[j + 1] - self.wy[j + 1] / 2.0,
        )
    }

    /// Distance of block (`i`, `j`) from the town centre, 0 at the centre and 1 at the edge
    /// (Chebyshev distance in block units, normalised), so that zoning does not depend on the
    /// grid size.
    pub fn ring(&self, i: usize, j: usize) -> f64 {
        let dx = ((i as f64 + 0.5) - self.cols as f64 / 2.0).abs() / (self.cols as f64 / 2.0);
        let dy = ((j as f64 + 0.5) - self.rows as f64 / 2.0).abs() / (self.rows as f64 / 2.0);
        dx.max(dy).min(1.0)
    }

    /// The block nearest to the centre.
    pub fn centre_block(&self) -> (usize, usize) {
        (self.cols / 2, self.rows / 2)
    }
}

/// Builds a grid of about `target_blocks` blocks and its streets.
pub fn build(rng: &mut Rng, target_blocks: usize, frame: &Frame) -> (Grid, Vec<Street>) {
    let n = target_blocks.max(4) as f64;
    let cols = (n * 1.2).sqrt().round().max(2.0) as usize;
    let rows = ((n / cols as f64).ceil() as usize).max(2);
    let mid_col = cols / 2;
    let mid_row = rows / 2;
    // Main roads: the two lines through the centre and every sixth line.
    let width = |rng: &mut Rng, k: usize, mid: usize| {
        if k == mid || k.abs_diff(mid).is_multiple_of(6) {
            rng.range(15.0, 18.0)
        } else {
            rng.range(9.0, 12.0)
        }
    };
    let wx: Vec<f64> = (0..=cols).map(|k| width(rng, k, mid_col)).collect();
    let wy: Vec<f64> = (0..=rows).map(|k| width(rng, k, mid_row)).collect();
    let mut cx = vec![0.0];
    for i in 0..cols {
        let block = rng.range(95.0, 150.0);
        cx.push(cx[i] + wx[i] / 2.0 + block + wx[i + 1] / 2.0);
    }
    let mut cy = vec![0.0];
    for j in 0..rows {
        let block = rng.range(68.0, 92.0);
        cy.push(cy[j] + wy[j] / 2.0 + block + wy[j + 1] / 2.0);
    }

    let mut order: Vec<usize> = (0..STREET_NAMES.len()).collect();
    for k in (1..order.len()).rev() {
        let swap = rng.below(k as u64 + 1) as usize;
        order.swap(k, swap);
    }
    let mut streets = Vec::new();
    let mut full_names = BTreeSet::new();
    let mut new_street = |rng: &mut Rng, main: bool, blocks: usize, pts: Vec<(f64, f64)>| {
        let k = streets.len();
        let name = STREET_NAMES[order[k % order.len()]];
        let (dug, toponimo) = match k / order.len() {
            0 if main => *rng.pick(&[VIALE, CORSO]),
            0 if blocks <= 1 => *rng.pick(&[VICOLO, LARGO]),
            0 => VIA,
            1 => VICOLO,
            2 => STRADA,
            _ => LARGO,
        };
        let mut duf = name.to_owned();
        let mut n = 2;
        while !full_names.insert(format!("{dug} {duf}")) {
            duf = format!("{name} {n}");
            n += 1;
        }
        streets.push(Street {
            code: 100 + 10 * k as u32,
            dug,
            duf,
            toponimo,
            cadastral_code: format!("{:05}", 1000 + 7 * k),
            centreline: frame.line(&pts),
        });
        k
    };

    let mut v_street = vec![vec![0; rows]; cols + 1];
    for (i, line) in v_street.iter_mut().enumerate() {
        let main = wx[i] > 14.0;
        for (start, end) in segments(rng, rows) {
            let pts: Vec<(f64, f64)> = (start..=end).map(|j| (cx[i], cy[j])).collect();
            let s = new_street(rng, main, end - start, pts);
            line[start..end].fill(s);
        }
    }
    let mut h_street = vec![vec![0; cols]; rows + 1];
    for (j, line) in h_street.iter_mut().enumerate() {
        let main = wy[j] > 14.0;
        for (start, end) in segments(rng, cols) {
            let pts: Vec<(f64, f64)> = (start..=end).map(|i| (cx[i], cy[j])).collect();
            let s = new_street(rng, main, end - start, pts);
            line[start..end].fill(s);
        }
    }
    let grid = Grid {
        cols,
        rows,
        cx,
        cy,
        wx,
        wy,
        v_street,
        h_street,
    };
    (grid, streets)
}

/// Splits `n` blocks of a line into named-street segments of 1 to 14 blocks, as
/// (first block, one past the last block).
fn segments(rng: &mut Rng, n: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < n {
        let len = if rng.chance(0.08) {
            1
        } else {
            rng.int(6, 14) as usize
        };
        let mut end = (start + len).min(n);
        if n - end < 2 && n - end > 0 && len > 1 {
            end = n;
        }
        out.push((start, end));
        start = end;
    }
    out
}
