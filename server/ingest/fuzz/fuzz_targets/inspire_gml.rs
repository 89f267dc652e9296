//! Fuzz target: the INSPIRE GML reader on arbitrary bytes, alone and inside a feature.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use segit_ingest::cartography::inspire::InspireReader;

fuzz_target!(|data: &[u8]| {
    for _ in InspireReader::new(data, Path::new("F205_ple.gml")) {}
    let mut wrapped = br#"<CP:CadastralParcel gml:id="CadastralParcel.IT.AGE.PLA.F205_001200.1"><CP:msGeometry><gml:Polygon><gml:exterior><gml:LinearRing><gml:posList>"#.to_vec();
    wrapped.extend_from_slice(data);
    wrapped.extend_from_slice(b"</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon></CP:msGeometry></CP:CadastralParcel>");
    for _ in InspireReader::new(wrapped.as_slice(), Path::new("F205_ple.gml")) {}
});
