//! Domain vocabulary of segit: cadastral and fiscal identifiers and entities (no IO).
