//! Cartography readers: CXF vector maps with their SUP areas (cxf.md), georeferencing
//! (crs.md), and the open INSPIRE Cadastral Parcels GML (inspire-gml.md).
//!
//! - [`name`]: file names `CCCCZFFFFAS.cxf|ctf|sup`.
//! - [`cxf`] / [`cxf_records`]: the streaming CXF reader and its typed records.
//! - [`repair`]: ring closing, orientation, validity rules shared by the readers.
//! - [`sup`]: the SUP reader and the per-file consistency checks.
//! - [`sheet`]: one sheet assembled by layer, multi-part parcels merged, SUP reconciled.
//! - [`georef`]: the CRS of a map (`crs.txt` or explicit), Italy area-of-use checks,
//!   transformation to the storage CRS, similarity fits on fiducial points.
//! - [`cassini`]: sheets in a native Cassini-Soldner system, placed with a user-supplied origin
//!   and a similarity fitted on fiducial points.
//! - [`supply`]: the `cartografia/` folder of a supply, sheet by sheet, in the storage CRS.
//! - [`inspire`]: the streaming GML reader of CadastralParcel / CadastralZoning features.

pub mod cassini;
pub mod cxf;
pub mod cxf_records;
pub mod georef;
pub mod gml_geometry;
pub mod inspire;
pub mod inspire_records;
pub mod name;
pub mod repair;
pub mod sheet;
pub mod sup;
pub mod supply;

pub use cxf::{CxfOptions, CxfReader};
pub use cxf_records::{AreaKind, CxfArea, CxfHeader, CxfRecord, MapKind};
pub use georef::{AreaOfUse, Georeferencer, SimilarityFit};
pub use inspire::{GmlOptions, InspireFeature, InspireKind, InspireReader, ParcelClass};
pub use name::{MapFileKind, MapFileName};
pub use repair::InvalidPolygonPolicy;
pub use sheet::{AreaTolerance, CxfSheet, ParcelFeature};
pub use sup::{SupFile, SupReader, SupRecord};
pub use supply::{CartographyDir, CartographyOptions, SheetResult};
