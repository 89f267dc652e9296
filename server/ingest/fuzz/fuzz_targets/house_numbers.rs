//! Fuzz target: the house_numbers.geojson reader on arbitrary bytes must end
//! without panicking, and every diagnostic names the file it was given.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use segit_ingest::diag::Item;
use segit_ingest::supplies::HouseNumbersReader;

fuzz_target!(|data: &[u8]| {
    let file = Path::new("house_numbers.geojson");
    for item in HouseNumbersReader::new(data, file) {
        if let Item::Diagnostic(d) = item {
            assert_eq!(d.file, file);
        }
    }
});
