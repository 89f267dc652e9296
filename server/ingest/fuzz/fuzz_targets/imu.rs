//! Fuzz target: the IMU declarations (MEF fixed-length) reader on arbitrary bytes must end
//! without panicking, and every diagnostic names the file it was given.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use segit_ingest::diag::Item;
use segit_ingest::supplies::ImuReader;

fuzz_target!(|data: &[u8]| {
    let file = Path::new("IMU_F205_2024.txt");
    for item in ImuReader::new(data, file) {
        if let Item::Diagnostic(d) = item {
            assert_eq!(d.file, file);
        }
    }
});
