//! The typed records a CXF file decodes into (cxf.md §4–§5). Coordinates are as written in the
//! file (X east, Y north, in the CRS of the export); polygons are already closed and reoriented
//! (exterior counter-clockwise, islands clockwise).

use geo_types::{Coord, LineString, MultiPolygon, Point};
use segit_model::{ParcelKey, Particella, SheetKey};

/// Header record 1: what kind of map the file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MapKind {
    /// `MAPPA`: an ordinary map sheet
    Map,
    /// `MAPPA FONDIARIO`: a land-book ("fondiario") map (roads `S…`, waters `A…`)
    LandBookMap,
    /// `QUADRO D'UNIONE`: the assembly index of a municipality's sheets
    AssemblyIndex,
}

/// The three header records.
#[derive(Debug, Clone, PartialEq)]
pub struct CxfHeader {
    /// record 1
    pub kind: MapKind,
    /// record 2 as written (trimmed)
    pub map_name: String,
    /// the sheet key of the map (from record 2, or from the file name when record 2 is not one)
    pub sheet: SheetKey,
    /// record 3: scale denominator (assembly index: longest side of the bounding box, m)
    pub scale: f64,
}

/// Label of an area's identifier as drawn on the map.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Label {
    /// DIMENSIONE: text height in tenths of a millimetre
    pub height: i32,
    /// ANGOLO: rotation in radians, counter-clockwise from east
    pub angle: f64,
    /// POSIZIONEX/Y: bottom-left corner of the text
    pub anchor: Coord<f64>,
}

/// What a BORDO is, from its CODICE IDENTIFICATIVO (cxf.md §5.1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AreaKind {
    /// the code is the map name: the sheet boundary (*confine*)
    SheetBoundary,
    /// another 11-character sheet key (assembly index): the boundary of that sheet
    IndexSheet(SheetKey),
    /// `STRADA` (or `S…` in a land-book map): road area
    Road,
    /// `ACQUA` (or `A…` in a land-book map): water area
    Water,
    /// `nnn+`: a building outline; the host parcel is `None` when the part before `+` is not a
    /// parcel number (reported as a warning)
    Building {
        /// the parcel that contains the building
        host: Option<ParcelKey>,
    },
    /// any other code: a parcel (or one part of a multi-part parcel)
    Parcel(ParcelKey),
}

/// One BORDO section: a closed area.
#[derive(Debug, Clone, PartialEq)]
pub struct CxfArea {
    /// line of the BORDO keyword
    pub line: u64,
    /// CODICE IDENTIFICATIVO as written (trimmed)
    pub code: String,
    /// classification of the code
    pub kind: AreaKind,
    /// the identifier's label
    pub label: Label,
    /// PUNTOINTERNOX/Y as written (not trusted: see `point_on_surface`)
    pub inner_point: Coord<f64>,
    /// NUMEROISOLE as written
    pub islands: u32,
    /// NUMEROVERTICI as written (total over all rings)
    pub vertices: u32,
    /// the polygon (several parts only after a make-valid repair)
    pub geometry: MultiPolygon<f64>,
    /// planar area in square metres (units of the CRS), islands excluded
    pub area: f64,
    /// a point inside the area, computed
    pub point_on_surface: Option<Point<f64>>,
}

/// One TESTO section.
#[derive(Debug, Clone, PartialEq)]
pub struct CxfText {
    /// line of the keyword
    pub line: u64,
    /// written as `TESTO\`: the text lies (mostly) outside the sheet boundary
    pub external: bool,
    /// the text as written (trimmed)
    pub text: String,
    /// DIMENSIONE in tenths of a millimetre; 0 = centroid of a parcel of a raster map
    pub height: i32,
    /// ANGOLO, radians
    pub angle: f64,
    /// bottom-left corner of the text
    pub position: Coord<f64>,
    /// a text in round brackets such as `(731)` is a surface right (*diritto di superficie*) on
    /// that parcel number
    pub surface_right: Option<Particella>,
}

/// One SIMBOLO section.
#[derive(Debug, Clone, PartialEq)]
pub struct CxfSymbol {
    /// line of the keyword
    pub line: u64,
    /// written as `SIMBOLO\`
    pub external: bool,
    /// CODICE SIMBOLO (1 control point, 2 boundary stone, … 20 simple fiducial point)
    pub code: i32,
    /// ANGOLO, radians
    pub angle: f64,
    /// anchor point
    pub position: Coord<f64>,
}

/// One FIDUCIALE section.
#[derive(Debug, Clone, PartialEq)]
pub struct CxfFiducial {
    /// line of the keyword
    pub line: u64,
    /// written as `FIDUCIALE\`
    pub external: bool,
    /// NUMERO IDENTIFICATIVO as written
    pub number: String,
    /// CODICE SIMBOLO (8 trigonometric, 20 simple)
    pub symbol: i32,
    /// the point
    pub position: Coord<f64>,
    /// where its number is drawn
    pub label_position: Coord<f64>,
}

/// One LINEA section.
#[derive(Debug, Clone, PartialEq)]
pub struct CxfLine {
    /// line of the keyword
    pub line: u64,
    /// written as `LINEA\`
    pub external: bool,
    /// CODICE TIPO DI TRATTO (1 solid, 5 dashed, 6 dotted, 12 sheet frame, 35 invisible…)
    pub style: i32,
    /// the polyline
    pub geometry: LineString<f64>,
}

/// One RIFERIMENTO_RASTER section (raster-based sheets).
#[derive(Debug, Clone, PartialEq)]
pub struct CxfRasterReference {
    /// line of the keyword
    pub line: u64,
    /// raster file name as written
    pub raster: String,
    /// pixel corners: top-left, bottom-left, bottom-right, top-right
    pub corners: [Coord<f64>; 4],
}

/// One LIBRETTO section (field-survey book, raster-based sheets).
#[derive(Debug, Clone, PartialEq)]
pub struct CxfSurveyBook {
    /// line of the keyword
    pub line: u64,
    /// protocol number (`0` when already registered in the map)
    pub protocol: String,
    /// line style (only 1 is defined)
    pub style: i32,
    /// the surveyed polyline
    pub geometry: LineString<f64>,
}

/// A record of a CXF file, in file order; the header always comes first.
#[derive(Debug, Clone, PartialEq)]
pub enum CxfRecord {
    /// the three header records
    Header(CxfHeader),
    /// BORDO
    Area(CxfArea),
    /// TESTO
    Text(CxfText),
    /// SIMBOLO
    Symbol(CxfSymbol),
    /// FIDUCIALE
    Fiducial(CxfFiducial),
    /// LINEA
    Line(CxfLine),
    /// RIFERIMENTO_RASTER
    RasterReference(CxfRasterReference),
    /// LIBRETTO
    SurveyBook(CxfSurveyBook),
}
