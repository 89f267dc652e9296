//! OMI CSV files (other-supplies.md §6): `QI_*_VALORI.csv` (quotations) and `QI_*_ZONE.csv`
//! (zones), in their own dialect — a title line, then a header line, `;` separator, each line
//! ending with `;`, **decimal comma**, UTF-8 in recent semesters and Latin-1 in older ones.
//!
//! Columns are located by header name (letter case ignored). Encoding: by default each line is
//! read as UTF-8 when its bytes are valid UTF-8 and as Latin-1 otherwise (a Latin-1 file whose
//! accented line happens to be valid UTF-8 is practically impossible);
//! [`CsvReader::with_encoding`] forces one. Lines without the trailing `;` are accepted.
//!
//! Reading choices: `Compr_min`/`Compr_max` are integers (€/m²), `Loc_min`/`Loc_max` decimals
//! with a comma; empty values are missing. `Comune_amm` must be a Belfiore code, `Zona` and
//! `LinkZona` must be present (they are the join keys), otherwise the row is rejected.
//! `Zona_Descr` is unwrapped from its single quotes.

use segit_model::Belfiore;

use super::csv::{Column, CsvFormat, CsvReader, Dialect, Row, opt, req};
use super::fields;
use crate::diag::Diagnostic;

/// The OMI dialect.
const OMI: Dialect = Dialect {
    title_line: true,
    trailing_separator: true,
    encoding: None,
};

/// Municipality columns shared by both files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OmiMunicipality {
    /// `Area_territoriale` (macro-area).
    pub area: Option<String>,
    /// `Regione`.
    pub region: Option<String>,
    /// `Prov`.
    pub province: Option<String>,
    /// `Comune_ISTAT`: region code + ISTAT code without its leading zero, as written.
    pub istat: Option<String>,
    /// `Comune_cat`: the Agenzia's internal code.
    pub comune_cat: Option<String>,
    /// `Sez`.
    pub section: Option<String>,
    /// `Comune_amm`: Belfiore code.
    pub belfiore: Belfiore,
    /// `Comune_descrizione`.
    pub name: Option<String>,
}

/// One quotation (a row of `QI_*_VALORI.csv`).
#[derive(Debug, Clone, PartialEq)]
pub struct OmiQuotation {
    /// Municipality columns.
    pub municipality: OmiMunicipality,
    /// `Fascia`: B, C, D, E or R.
    pub band: Option<String>,
    /// `Zona`: zone code within the municipality.
    pub zone: String,
    /// `LinkZona`: national zone key.
    pub link_zone: String,
    /// `Cod_Tip`: typology code.
    pub typology_code: u16,
    /// `Descr_Tipologia`.
    pub typology: Option<String>,
    /// `Stato`: conservation state.
    pub state: Option<String>,
    /// `Stato_prev` = `P`: prevailing state of the zone.
    pub prevailing: bool,
    /// `Compr_min`, €/m².
    pub purchase_min: Option<u32>,
    /// `Compr_max`, €/m².
    pub purchase_max: Option<u32>,
    /// `Sup_NL_compr`: `L` gross, `N` net.
    pub purchase_surface: Option<String>,
    /// `Loc_min`, €/m²/month.
    pub rent_min: Option<f64>,
    /// `Loc_max`, €/m²/month.
    pub rent_max: Option<f64>,
    /// `Sup_NL_loc`.
    pub rent_surface: Option<String>,
}

/// One zone (a row of `QI_*_ZONE.csv`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OmiZone {
    /// Municipality columns.
    pub municipality: OmiMunicipality,
    /// `Fascia`.
    pub band: Option<String>,
    /// `Zona_Descr`, without its single quotes.
    pub description: Option<String>,
    /// `Zona`.
    pub zone: String,
    /// `LinkZona`.
    pub link_zone: String,
    /// `Cod_tip_prev`: prevailing typology code.
    pub prevailing_typology_code: Option<u16>,
    /// `Descr_tip_prev`.
    pub prevailing_typology: Option<String>,
    /// `Stato_prev`.
    pub prevailing_state: Option<String>,
    /// `Microzona`: cadastral microzone number.
    pub microzone: Option<u32>,
}

/// The `QI_*_VALORI.csv` format.
#[derive(Debug)]
pub struct OmiValuesFormat;

/// The `QI_*_ZONE.csv` format.
#[derive(Debug)]
pub struct OmiZonesFormat;

/// Reader of `QI_*_VALORI.csv`: yields `Located<OmiQuotation>`.
pub type OmiValuesReader<R> = CsvReader<R, OmiValuesFormat>;

/// Reader of `QI_*_ZONE.csv`: yields `Located<OmiZone>`.
pub type OmiZonesReader<R> = CsvReader<R, OmiZonesFormat>;

fn municipality(row: &Row<'_>) -> Result<OmiMunicipality, Diagnostic> {
    Ok(OmiMunicipality {
        area: row.text("area_territoriale"),
        region: row.text("regione"),
        province: row.text("prov"),
        istat: row.text("comune_istat"),
        comune_cat: row.text("comune_cat"),
        section: row.text("sez"),
        belfiore: row.parse_req("comune_amm", |v| {
            Belfiore::parse(v).map_err(|e| e.to_string())
        })?,
        name: row.text("comune_descrizione"),
    })
}

fn comma_decimal(v: &str) -> Result<f64, String> {
    fields::decimal_with(v, b',')
}

impl CsvFormat for OmiValuesFormat {
    type Record = OmiQuotation;
    const DIALECT: Dialect = OMI;
    const COLUMNS: &'static [Column] = &[
        opt("area_territoriale"),
        opt("regione"),
        opt("prov"),
        opt("comune_istat"),
        opt("comune_cat"),
        opt("sez"),
        req("comune_amm"),
        opt("comune_descrizione"),
        opt("fascia"),
        req("zona"),
        req("linkzona"),
        req("cod_tip"),
        opt("descr_tipologia"),
        opt("stato"),
        opt("stato_prev"),
        req("compr_min"),
        req("compr_max"),
        opt("sup_nl_compr"),
        req("loc_min"),
        req("loc_max"),
        opt("sup_nl_loc"),
    ];

    fn parse(row: &mut Row<'_>) -> Result<OmiQuotation, Diagnostic> {
        let municipality = municipality(row)?;
        let zone = row.required("zona")?.to_owned();
        let link_zone = row.required("linkzona")?.to_owned();
        let typology_code = row.uint("cod_tip")?;
        let purchase_min: Option<u32> = row.opt_uint("compr_min")?;
        let purchase_max: Option<u32> = row.opt_uint("compr_max")?;
        let rent_min = row.parse_opt("loc_min", comma_decimal)?;
        let rent_max = row.parse_opt("loc_max", comma_decimal)?;
        if let (Some(a), Some(b)) = (purchase_min, purchase_max)
            && a > b
        {
            row.warn("compr_min", format!("minimum {a} above maximum {b}: kept"));
        }
        if let (Some(a), Some(b)) = (rent_min, rent_max)
            && a > b
        {
            row.warn("loc_min", format!("minimum {a} above maximum {b}: kept"));
        }
        Ok(OmiQuotation {
            municipality,
            band: row.text("fascia"),
            zone,
            link_zone,
            typology_code,
            typology: row.text("descr_tipologia"),
            state: row.text("stato"),
            prevailing: row
                .get("stato_prev")
                .is_some_and(|v| v.eq_ignore_ascii_case("P")),
            purchase_min,
            purchase_max,
            purchase_surface: row.text("sup_nl_compr"),
            rent_min,
            rent_max,
            rent_surface: row.text("sup_nl_loc"),
        })
    }
}

impl CsvFormat for OmiZonesFormat {
    type Record = OmiZone;
    const DIALECT: Dialect = OMI;
    const COLUMNS: &'static [Column] = &[
        opt("area_territoriale"),
        opt("regione"),
        opt("prov"),
        opt("comune_istat"),
        opt("comune_cat"),
        opt("sez"),
        req("comune_amm"),
        opt("comune_descrizione"),
        opt("fascia"),
        opt("zona_descr"),
        req("zona"),
        req("linkzona"),
        opt("cod_tip_prev"),
        opt("descr_tip_prev"),
        opt("stato_prev"),
        req("microzona"),
    ];

    fn parse(row: &mut Row<'_>) -> Result<OmiZone, Diagnostic> {
        let municipality = municipality(row)?;
        let description = row.get("zona_descr").map(|d| {
            d.strip_prefix('\'')
                .and_then(|d| d.strip_suffix('\''))
                .unwrap_or(d)
                .trim()
                .to_owned()
        });
        Ok(OmiZone {
            municipality,
            band: row.text("fascia"),
            description,
            zone: row.required("zona")?.to_owned(),
            link_zone: row.required("linkzona")?.to_owned(),
            prevailing_typology_code: row.opt_uint("cod_tip_prev")?,
            prevailing_typology: row.text("descr_tip_prev"),
            prevailing_state: row.text("stato_prev"),
            microzone: row.opt_uint("microzona")?,
        })
    }
}
