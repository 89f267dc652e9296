//! Coordinate reference systems: identification, axis order, and pure-Rust transformation.
//!
//! Internally every coordinate is (east/longitude, north/latitude). Axis order matters only at
//! protocol edges: [`Crs::north_east`] tells encoders and parsers when to swap.
//!
//! [`Transformer`] converts coordinates and geometries between any two supported CRSs;
//! [`transform_bbox`] converts a query box. See [`Transformer`] for the datum handling
//! (Monte Mario Helmert sets, RDN2008 = ETRS89 = WGS 84).

use serde::{Deserialize, Serialize};

use crate::error::QueryError;

mod bbox;
mod transform;
#[cfg(test)]
mod transform_tests;

pub use bbox::{transform_bbox, transform_bbox_clipped};
pub use transform::{HelmertSet, Transformer, proj_string};

/// A supported coordinate reference system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Crs {
    /// OGC CRS84: WGS 84 longitude/latitude (GeoJSON's CRS)
    Crs84,
    /// an EPSG code from [`Crs::SUPPORTED_EPSG`]
    Epsg(u32),
}

impl Crs {
    /// EPSG codes segit transforms between.
    pub const SUPPORTED_EPSG: [u32; 13] = [
        4326, 3857, 3003, 3004, 6706, 6707, 6708, 7791, 7792, 25832, 25833, 32632, 32633,
    ];

    /// Parses an EPSG code.
    pub fn epsg(code: u32) -> Result<Self, QueryError> {
        if Self::SUPPORTED_EPSG.contains(&code) {
            Ok(Crs::Epsg(code))
        } else {
            Err(QueryError::UnsupportedCrs(format!("EPSG:{code}")))
        }
    }

    /// Parses a CRS written as an OGC URI (`http://www.opengis.net/def/crs/EPSG/0/6707`,
    /// `.../OGC/1.3/CRS84`), a URN (`urn:ogc:def:crs:EPSG::6707`), `EPSG:6707`, `CRS:84`, or a
    /// bare code.
    pub fn parse(s: &str) -> Result<Self, QueryError> {
        let t = s.trim();
        let unsupported = || QueryError::UnsupportedCrs(s.to_owned());
        let upper = t.to_ascii_uppercase();
        if matches!(
            upper.as_str(),
            "CRS84"
                | "CRS:84"
                | "OGC:CRS84"
                | "URN:OGC:DEF:CRS:OGC:1.3:CRS84"
                | "URN:OGC:DEF:CRS:OGC::CRS84"
        ) || upper.ends_with("/DEF/CRS/OGC/1.3/CRS84")
            || upper.ends_with("/DEF/CRS/OGC/0/CRS84")
        {
            return Ok(Crs::Crs84);
        }
        let code = if let Some(rest) = upper.strip_prefix("EPSG:") {
            rest
        } else if let Some(rest) = upper.strip_prefix("URN:OGC:DEF:CRS:EPSG:") {
            rest.rsplit(':').next().unwrap_or_default()
        } else if let Some(idx) = upper.find("/DEF/CRS/EPSG/") {
            upper[idx + "/DEF/CRS/EPSG/".len()..]
                .rsplit('/')
                .next()
                .unwrap_or_default()
        } else {
            upper.as_str()
        };
        let code: u32 = code.parse().map_err(|_| unsupported())?;
        Self::epsg(code).map_err(|_| unsupported())
    }

    /// The OGC URI of this CRS.
    pub fn uri(self) -> String {
        match self {
            Crs::Crs84 => "http://www.opengis.net/def/crs/OGC/1.3/CRS84".to_owned(),
            Crs::Epsg(code) => format!("http://www.opengis.net/def/crs/EPSG/0/{code}"),
        }
    }

    /// `EPSG:<code>` (CRS84 as `OGC:CRS84`).
    pub fn short_name(self) -> String {
        match self {
            Crs::Crs84 => "OGC:CRS84".to_owned(),
            Crs::Epsg(code) => format!("EPSG:{code}"),
        }
    }

    /// EPSG code of the datum-equivalent system (CRS84 → 4326).
    pub fn srid(self) -> u32 {
        match self {
            Crs::Crs84 => 4326,
            Crs::Epsg(code) => code,
        }
    }

    /// Whether the CRS's official axis order is north/latitude first.
    pub fn north_east(self) -> bool {
        matches!(self, Crs::Epsg(4326 | 6706 | 6707 | 6708))
    }

    /// Whether coordinates are angles (degrees) rather than metres.
    pub fn is_geographic(self) -> bool {
        matches!(self, Crs::Crs84 | Crs::Epsg(4326 | 6706))
    }
}

impl std::fmt::Display for Crs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.short_name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_spelling() {
        assert_eq!(
            Crs::parse("http://www.opengis.net/def/crs/OGC/1.3/CRS84"),
            Ok(Crs::Crs84)
        );
        assert_eq!(Crs::parse("EPSG:6707"), Ok(Crs::Epsg(6707)));
        assert_eq!(
            Crs::parse("urn:ogc:def:crs:EPSG::3003"),
            Ok(Crs::Epsg(3003))
        );
        assert_eq!(
            Crs::parse("http://www.opengis.net/def/crs/EPSG/0/7791"),
            Ok(Crs::Epsg(7791))
        );
        assert_eq!(Crs::parse("3857"), Ok(Crs::Epsg(3857)));
        assert!(Crs::parse("EPSG:2154").is_err());
        assert!(Crs::parse("nonsense").is_err());
    }

    #[test]
    fn axis_order_follows_epsg() {
        assert!(Crs::Epsg(4326).north_east());
        assert!(Crs::Epsg(6707).north_east());
        assert!(!Crs::Crs84.north_east());
        assert!(!Crs::Epsg(7791).north_east());
    }
}
