//! Fuzz target: the GeoPackage buildings reader on an arbitrary file must end without
//! panicking. The bytes are written to a temporary file (SQLite reads files only); most inputs
//! are refused by `open`, the rest are read to the end.
#![no_main]

use libfuzzer_sys::fuzz_target;
use segit_ingest::diag::Item;
use segit_ingest::supplies::BuildingsReader;

fuzz_target!(|data: &[u8]| {
    let path = std::env::temp_dir().join(format!("segit-fuzz-edifici-{}.gpkg", std::process::id()));
    if std::fs::write(&path, data).is_err() {
        return;
    }
    if let Ok(reader) = BuildingsReader::open(&path) {
        for item in reader {
            if let Item::Diagnostic(d) = item {
                assert_eq!(d.file, path);
            }
        }
    }
    let _ = std::fs::remove_file(&path);
});
