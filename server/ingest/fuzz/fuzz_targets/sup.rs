//! Fuzz target: the SUP reader and its consistency checks on arbitrary bytes.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use segit_ingest::cartography::sup::{SupFile, SupReader};

fuzz_target!(|data: &[u8]| {
    let _ = SupFile::read(SupReader::new(data, Path::new("F205_001200.sup")));
});
