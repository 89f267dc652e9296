//! PostGIS backend of segit.
