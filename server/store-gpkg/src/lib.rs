//! GeoPackage backend of segit (embedded default).
