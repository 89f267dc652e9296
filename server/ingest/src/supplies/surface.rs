//! `superfici/cadastral_surface.csv` (other-supplies.md §1): the cadastral surfaces of the
//! units for TARI, with the DOCFA polygons as a JSON cell `[["A",88,2.7],["D",15,0.0]]`.
//!
//! Reading choices: the category is accepted in census (`A02`) or display form (`A/2`); an
//! unknown category rejects the row (the record cannot exist without it). A polygon whose type
//! does not start with `A`…`G` is kept and reported as a warning. A `unit_key` of another
//! municipality than `comune` is kept and reported. An empty `source` is read as `""`.

use segit_model::{Belfiore, CadastralSurface, Category, SurfacePolygon};

use super::csv::{Column, CsvFormat, CsvReader, Row, opt, req};
use crate::diag::Diagnostic;

/// Most polygons accepted in one `polygons` cell.
pub const MAX_POLYGONS: usize = 1_000;

/// The `cadastral_surface.csv` format.
#[derive(Debug)]
pub struct SurfaceFormat;

/// Reader of `cadastral_surface.csv`: yields `Located<CadastralSurface>`.
pub type CadastralSurfaceReader<R> = CsvReader<R, SurfaceFormat>;

impl CsvFormat for SurfaceFormat {
    type Record = CadastralSurface;
    const COLUMNS: &'static [Column] = &[
        req("comune"),
        req("age_property_id"),
        req("unit_key"),
        req("categoria"),
        req("sup_totale_m2"),
        req("sup_escl_aree_scoperte_m2"),
        opt("polygons"),
        req("data_riferimento"),
        opt("source"),
    ];

    fn parse(row: &mut Row<'_>) -> Result<CadastralSurface, Diagnostic> {
        let belfiore =
            row.parse_req("comune", |v| Belfiore::parse(v).map_err(|e| e.to_string()))?;
        let age_property_id = row.uint("age_property_id")?;
        let unit_key = row
            .opt_unit_key("unit_key")?
            .ok_or_else(|| row.reject("unit_key", "missing value"))?;
        let category = row.parse_req("categoria", |v| {
            Category::parse(v).map_err(|e| e.to_string())
        })?;
        let total_m2 = row.uint("sup_totale_m2")?;
        let excluding_uncovered_m2 = row.uint("sup_escl_aree_scoperte_m2")?;
        let polygons = row
            .parse_opt("polygons", parse_polygons)?
            .unwrap_or_default();
        for (i, p) in polygons.iter().enumerate() {
            if p.kind().is_none() {
                let reason = format!(
                    "polygon {} has type {:?}, not A to G: kept",
                    i + 1,
                    p.polygon_type
                );
                row.warn("polygons", reason);
            }
        }
        let reference_date = Some(row.date("data_riferimento")?);
        let source = row.text("source").unwrap_or_default();
        if unit_key.belfiore() != belfiore {
            let reason = format!("unit key {unit_key} is not of municipality {belfiore}: kept");
            row.warn("unit_key", reason);
        }
        if excluding_uncovered_m2 > total_m2 {
            let reason = format!(
                "surface excluding uncovered areas {excluding_uncovered_m2} exceeds the total \
                 {total_m2}: kept as supplied"
            );
            row.warn("sup_escl_aree_scoperte_m2", reason);
        }
        Ok(CadastralSurface {
            belfiore,
            age_property_id,
            unit_key,
            category,
            total_m2,
            excluding_uncovered_m2,
            polygons,
            reference_date,
            source: source.into(),
        })
    }
}

/// Parses the JSON `polygons` cell: an array of `[type, m², height]`.
fn parse_polygons(cell: &str) -> Result<Vec<SurfacePolygon>, String> {
    let value: serde_json::Value =
        serde_json::from_str(cell).map_err(|e| format!("not a JSON array: {e}"))?;
    let serde_json::Value::Array(items) = value else {
        return Err("not a JSON array".into());
    };
    if items.len() > MAX_POLYGONS {
        return Err(format!(
            "{} polygons, at most {MAX_POLYGONS} accepted",
            items.len()
        ));
    }
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let bad = || format!("polygon {} is not [type, m², height]", i + 1);
            let serde_json::Value::Array(parts) = item else {
                return Err(bad());
            };
            let [kind, area, height] = parts.as_slice() else {
                return Err(bad());
            };
            let polygon_type = kind.as_str().ok_or_else(bad)?.to_owned();
            let area_m2 = area.as_f64().filter(|a| *a >= 0.0).ok_or_else(bad)?;
            let height_m = height.as_f64().filter(|h| *h >= 0.0).ok_or_else(bad)?;
            Ok(SurfacePolygon {
                polygon_type,
                area_m2,
                height_m,
            })
        })
        .collect()
}
