//! Deterministic generator of a fictional demo municipality.
