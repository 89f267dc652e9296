//! OGC protocols of segit: OGC API Features (and later WFS, WMS, Tiles) over HTTP.
