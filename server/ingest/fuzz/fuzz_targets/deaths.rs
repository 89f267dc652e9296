//! Fuzz target: the deaths.csv reader on arbitrary bytes must end without panicking, and every
//! diagnostic names the file it was given.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use segit_ingest::diag::Item;
use segit_ingest::supplies::DeathsReader;

fuzz_target!(|data: &[u8]| {
    let file = Path::new("deaths.csv");
    for item in DeathsReader::new(data, file) {
        if let Item::Diagnostic(d) = item {
            assert_eq!(d.file, file);
        }
    }
});
