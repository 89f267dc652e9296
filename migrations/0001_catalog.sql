-- segit PostGIS schema, migration 1: the catalog.
--
-- Applied by `segit migrate` inside one transaction with search_path set to the target schema
-- (then public), so unqualified names below land in that schema.

-- Geometry columns of every collection table need PostGIS; it lives in public, whatever the
-- schema being migrated, so dropping a segit schema never drops the extension.
CREATE EXTENSION IF NOT EXISTS postgis SCHEMA public;

-- One row per published collection: its definition (segit_query::Collection as JSON, the same
-- document the GeoPackage backend keeps) and its position in the catalog.
CREATE TABLE segit_collections (
    id         text COLLATE "C" PRIMARY KEY,
    position   integer NOT NULL,
    definition jsonb NOT NULL,
    CONSTRAINT segit_collections_definition_is_object CHECK (jsonb_typeof(definition) = 'object'),
    CONSTRAINT segit_collections_id_matches CHECK (definition ->> 'id' = id)
);

CREATE INDEX segit_collections_position ON segit_collections (position, id);
