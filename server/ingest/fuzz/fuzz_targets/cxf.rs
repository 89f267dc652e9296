//! Fuzz target: the CXF reader on arbitrary bytes, alone and after a valid header.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use segit_ingest::cartography::cxf::{CxfOptions, CxfReader};

fuzz_target!(|data: &[u8]| {
    for _ in CxfReader::with_options(data, Path::new("F205_001200.cxf"), CxfOptions::default()) {}
    let mut with_header = b"MAPPA\r\nF205_001200\r\n    2000.000\r\n".to_vec();
    with_header.extend_from_slice(data);
    for _ in CxfReader::new(with_header.as_slice(), Path::new("F205_001200.cxf")) {}
});
