//! Input fingerprint: SHA-256 over the sources in [`Source::ALL`] order; within a source the
//! digests of the records (their canonical binary form, see [`canon`], geometries by their
//! coordinates' bits) are sorted, so the fingerprint does not depend on the order the records
//! were loaded in.

mod canon;

use geo_types::MultiPolygon;
use serde::Serialize;
use sha2::{Digest, Sha256};

use segit_model::Belfiore;

use crate::inputs::{InputData, Inputs, Source};

/// Hex SHA-256 of bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// Digest of the canonical binary form of a record.
fn record_digest<T: Serialize>(record: &T) -> [u8; 32] {
    thread_local! {
        static BUF: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    let mut h = Sha256::new();
    BUF.with_borrow_mut(|buf| canon::hash_record(&mut h, buf, record));
    h.finalize().into()
}

fn geometry_bytes(h: &mut Sha256, g: &MultiPolygon<f64>) {
    for p in g {
        h.update(b"P");
        for ring in std::iter::once(p.exterior()).chain(p.interiors()) {
            h.update(b"R");
            for c in ring.coords() {
                h.update(c.x.to_bits().to_le_bytes());
                h.update(c.y.to_bits().to_le_bytes());
            }
        }
    }
}

fn digest_with(f: impl FnOnce(&mut Sha256)) -> [u8; 32] {
    let mut h = Sha256::new();
    f(&mut h);
    h.finalize().into()
}

fn all<T: Serialize>(v: Option<&Vec<T>>) -> Option<Vec<[u8; 32]>> {
    v.map(|v| v.iter().map(record_digest).collect())
}

fn source_digests(d: &InputData, source: Source) -> Option<Vec<[u8; 32]>> {
    match source {
        Source::LandParcels => all(d.land_parcels.as_ref()),
        Source::Units => all(d.units.as_ref()),
        Source::Subjects => all(d.subjects.as_ref()),
        Source::Holdings => all(d.holdings.as_ref()),
        Source::Surfaces => all(d.surfaces.as_ref()),
        Source::Residents => all(d.residents.as_ref()),
        Source::Tari => all(d.tari.as_ref()),
        Source::Utilities => d
            .utilities
            .as_ref()
            .map(|v| v.iter().map(|u| record_digest(&u)).collect()),
        Source::Leases => all(d.leases.as_ref()),
        Source::ImuDeclarations => all(d.imu_declarations.as_ref()),
        Source::F24 => all(d.f24.as_ref()),
        Source::Streets => all(d.streets.as_ref()),
        Source::OmiZones => all(d.omi_zones.as_ref()),
        Source::OmiValues => all(d.omi_values.as_ref()),
        Source::Deaths => all(d.deaths.as_ref()),
        Source::Deeds => all(d.deeds.as_ref()),
        Source::MapParcels => d.map_parcels.as_ref().map(|v| {
            v.iter()
                .map(|p| {
                    digest_with(|h| {
                        h.update(p.parcel_key.to_string());
                        h.update(format!("{:?}", p.sup_area_m2));
                        geometry_bytes(h, &p.geometry);
                    })
                })
                .collect()
        }),
        Source::Footprints => d.footprints.as_ref().map(|v| {
            v.iter()
                .map(|f| {
                    digest_with(|h| {
                        h.update(record_digest(&f.building));
                        geometry_bytes(h, &f.geometry);
                    })
                })
                .collect()
        }),
        Source::BuildingOutlines => d.building_outlines.as_ref().map(|v| {
            v.iter()
                .map(|o| {
                    digest_with(|h| {
                        h.update(&o.id);
                        h.update(o.parcel_key.to_string());
                        geometry_bytes(h, &o.geometry);
                    })
                })
                .collect()
        }),
        Source::HouseNumbers => d.house_numbers.as_ref().map(|v| {
            v.iter()
                .map(|n| {
                    digest_with(|h| {
                        h.update(record_digest(&n.number));
                        h.update(n.point.x().to_bits().to_le_bytes());
                        h.update(n.point.y().to_bits().to_le_bytes());
                    })
                })
                .collect()
        }),
        Source::Microzones => d.microzones.as_ref().map(|v| {
            v.iter()
                .map(|z| {
                    digest_with(|h| {
                        h.update(z.number.to_le_bytes());
                        geometry_bytes(h, &z.geometry);
                    })
                })
                .collect()
        }),
        Source::BuildableZones => d.buildable_zones.as_ref().map(|v| {
            v.iter()
                .map(|z| {
                    digest_with(|h| {
                        h.update(&z.zone_id);
                        h.update(format!("{:?}", z.reference_value_eur_per_m2));
                        geometry_bytes(h, &z.geometry);
                    })
                })
                .collect()
        }),
    }
}

/// Sorted record digests of a source (`None` when missing).
fn sorted_digests(data: &InputData, source: Source) -> Option<Vec<[u8; 32]>> {
    source_digests(data, source).map(|mut d| {
        // byte order, compared as two big-endian 128-bit integers (no byte-wise comparison)
        d.sort_unstable_by_key(|x| {
            let (hi, lo) = x.split_at(16);
            (
                u128::from_be_bytes(hi.try_into().unwrap_or_default()),
                u128::from_be_bytes(lo.try_into().unwrap_or_default()),
            )
        });
        d
    })
}

/// The input fingerprint of a snapshot (hex SHA-256), computed when its indexes were built
/// ([`Inputs::new`]).
pub fn input_fingerprint(inputs: &Inputs) -> String {
    inputs.fingerprint().to_owned()
}

/// The fingerprint of `data` whose municipality is `comune`: the sources digested one after
/// the other in [`Source::ALL`] order (it runs beside the index building, see
/// [`Inputs::new`]; one source's sorted digests at a time keeps that stage's memory low: 130 MB
/// for four million utility rows).
pub(crate) fn fingerprint_of(data: &InputData, comune: Option<Belfiore>) -> String {
    let mut h = Sha256::new();
    h.update(format!("comune={:?};", comune.map(|b| b.to_string())));
    for source in Source::ALL {
        h.update(source.name());
        match sorted_digests(data, source) {
            None => h.update(b"=missing;"),
            Some(digests) => {
                h.update(format!("={};", digests.len()));
                h.update(digests.as_flattened());
            }
        }
    }
    hex(&h.finalize())
}
