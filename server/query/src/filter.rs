//! The backend-neutral filter AST.
//!
//! Semantics (shared by every backend and checked by the store contract suite):
//! - Three-valued logic as in SQL and CQL2: a comparison, `LIKE`, `IN` or `BETWEEN` whose
//!   property is null is *unknown*; `NOT unknown` is unknown; `AND`/`OR` follow Kleene logic; a
//!   feature is selected only when the whole filter is *true*.
//! - Text compares by Unicode code point (byte order of UTF-8), never by locale.
//! - `LIKE` patterns use `%` (any run, also empty) and `_` (exactly one character); `\` escapes
//!   the next character. Matching is case-sensitive unless `case_insensitive` is set, which folds
//!   with Unicode lower-casing.
//! - `BETWEEN low AND high` is inclusive at both ends.
//! - Spatial operators test the collection's geometry against a literal geometry given in
//!   `crs` (DE-9IM semantics: `Intersects` ⇔ not `Disjoint`; `Within(g)` ⇔ the feature lies in
//!   `g`; `Contains(g)` ⇔ the feature contains `g`). A feature without geometry is unknown.
//! - `BBox` selects features whose geometry intersects the box (not just its envelope).
//!
//! [`crate::eval`] implements these semantics (the reference every backend is checked against,
//! itself checked against PostGIS in `tests/eval_vs_postgis.rs`).

use geo_types::Geometry;

use crate::crs::Crs;
use crate::query::BBox;
use crate::value::Value;

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    /// =
    Eq,
    /// <>
    Ne,
    /// <
    Lt,
    /// <=
    Le,
    /// >
    Gt,
    /// >=
    Ge,
}

/// Spatial predicates between a feature's geometry and a literal geometry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpatialOp {
    /// the geometries share at least one point
    Intersects,
    /// the feature's geometry lies within the literal
    Within,
    /// the feature's geometry contains the literal
    Contains,
    /// the geometries share no point
    Disjoint,
}

/// A filter expression over one collection's properties and geometry.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    /// all must hold (empty: true)
    And(Vec<Filter>),
    /// at least one must hold (empty: false)
    Or(Vec<Filter>),
    /// negation
    Not(Box<Filter>),
    /// `property op value`
    Compare {
        /// property name
        property: String,
        /// operator
        op: CmpOp,
        /// literal, coerced to the property's type by validation
        value: Value,
    },
    /// `property LIKE pattern`
    Like {
        /// property name (text)
        property: String,
        /// pattern with `%`, `_` and `\` escapes
        pattern: String,
        /// fold case before matching
        case_insensitive: bool,
    },
    /// `property IN (values)`
    In {
        /// property name
        property: String,
        /// literals, coerced to the property's type by validation
        values: Vec<Value>,
    },
    /// `property BETWEEN low AND high` (inclusive)
    Between {
        /// property name
        property: String,
        /// lower bound
        low: Value,
        /// upper bound
        high: Value,
    },
    /// `property IS NULL`
    IsNull(String),
    /// spatial predicate against a literal geometry
    Spatial {
        /// predicate
        op: SpatialOp,
        /// literal geometry, east/north order
        geometry: Geometry<f64>,
        /// CRS of the literal
        crs: Crs,
    },
    /// geometry intersects the box
    BBox(BBox),
}

impl Filter {
    /// `AND` of two filters, flattening nested conjunctions.
    #[must_use]
    pub fn and(self, other: Filter) -> Filter {
        match (self, other) {
            (Filter::And(mut a), Filter::And(b)) => {
                a.extend(b);
                Filter::And(a)
            }
            (Filter::And(mut a), f) | (f, Filter::And(mut a)) => {
                a.push(f);
                Filter::And(a)
            }
            (a, b) => Filter::And(vec![a, b]),
        }
    }

    /// Names of the properties this filter reads, in first-use order, without duplicates.
    pub fn properties(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        self.visit_properties(&mut |p| {
            if !out.contains(&p) {
                out.push(p);
            }
        });
        out
    }

    fn visit_properties<'a>(&'a self, f: &mut impl FnMut(&'a str)) {
        match self {
            Filter::And(v) | Filter::Or(v) => v.iter().for_each(|x| x.visit_properties(f)),
            Filter::Not(x) => x.visit_properties(f),
            Filter::Compare { property, .. }
            | Filter::Like { property, .. }
            | Filter::In { property, .. }
            | Filter::Between { property, .. }
            | Filter::IsNull(property) => f(property),
            Filter::Spatial { .. } | Filter::BBox(_) => {}
        }
    }
}
