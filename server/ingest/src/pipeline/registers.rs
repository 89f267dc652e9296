//! Reading the municipal registers and the other supplies (other-supplies.md) with the readers
//! of [`crate::supplies`]; geometries are moved to the storage CRS here.

use std::collections::HashMap;
use std::path::Path;

use geo_types::{Geometry, MultiPolygon, Point};
use segit_model::{
    Belfiore, CadastralSurface, F24Payment, ImuDeclaration, Lease, Resident, Street, TariPosition,
    TransferDeed, UtilitySupply,
};
use segit_query::{Crs, Transformer};

use super::IngestOptions;
use super::duplicates::SeenKeys;
use super::kind::SourceKind;
use super::read::file_failed;
use super::stats::{KindStats, Progress, drain};
use crate::diag::{Diagnostic, Item};
use crate::supplies::{
    BuildableZone, BuildableZonesReader, BuildingFootprint, BuildingsReader,
    CadastralSurfaceReader, DeathRecord, DeathsReader, F24Reader, HouseNumberPoint,
    HouseNumbersReader, ImuReader, LeasesReader, Located, Microzone, MicrozonesReader,
    OmiPerimeter, OmiPerimetersReader, OmiQuotation, OmiValuesReader, OmiZone, OmiZonesReader,
    ResidentsReader, StreetsReader, TariReader, TransferDeedsReader, UtilitySupplyReader,
};

/// The records of the registers, with the line each was read from.
#[derive(Debug, Default)]
pub struct Registers {
    /// street register
    pub streets: Vec<Located<Street>>,
    /// house-number points (storage CRS)
    pub house_numbers: Vec<Located<HouseNumberPoint>>,
    /// cadastral surfaces
    pub surfaces: Vec<Located<CadastralSurface>>,
    /// utility contracts
    pub utilities: Vec<Located<UtilitySupply>>,
    /// registered leases
    pub leases: Vec<Located<Lease>>,
    /// transfer deeds
    pub deeds: Vec<Located<TransferDeed>>,
    /// residents
    pub residents: Vec<Located<Resident>>,
    /// IMU declarations
    pub imu: Vec<Located<ImuDeclaration>>,
    /// F24 IMU payments
    pub f24: Vec<Located<F24Payment>>,
    /// OMI quotations
    pub omi_values: Vec<Located<OmiQuotation>>,
    /// OMI zones
    pub omi_zones: Vec<Located<OmiZone>>,
    /// OMI zone perimeters (storage CRS)
    pub omi_perimeters: Vec<Located<OmiPerimeter>>,
    /// microzones (storage CRS)
    pub microzones: Vec<Located<Microzone>>,
    /// topographic building footprints (storage CRS)
    pub topo_buildings: Vec<Located<BuildingFootprint>>,
    /// TARI positions
    pub tari: Vec<Located<TariPosition>>,
    /// civil-registry deaths
    pub deaths: Vec<Located<DeathRecord>>,
    /// buildable zones of the zoning plan (storage CRS)
    pub buildable_zones: Vec<Located<BuildableZone>>,
    /// first occurrence of each key, for duplicate reports
    seen: SeenKeys,
}

macro_rules! read_into {
    ($reader:ty, $path:expr, $vec:expr, $stats:expr, $diags:expr, $progress:expr) => {
        match <$reader>::open($path) {
            Ok(r) => $vec.extend(drain(r, $stats, $diags, $progress)),
            Err(d) => file_failed(d, $stats, $diags),
        }
    };
}

impl Registers {
    /// The street register.
    pub fn streets(&self) -> impl Iterator<Item = &Street> {
        self.streets.iter().map(|s| &s.record)
    }

    /// The municipality named by the registers (house numbers, OMI, F24, IMU).
    pub fn municipality(&self) -> Option<Belfiore> {
        self.house_numbers
            .iter()
            .map(|h| h.record.house_number.address_key.belfiore())
            .chain(
                self.residents
                    .iter()
                    .map(|r| r.record.address.key.belfiore()),
            )
            .chain(self.f24.iter().map(|f| f.record.belfiore))
            .chain(self.imu.iter().map(|d| d.record.belfiore))
            .next()
    }

    /// Reads one file of a register `kind`; duplicate keys are reported as warnings.
    pub fn read(
        &mut self,
        kind: SourceKind,
        path: &Path,
        options: &IngestOptions,
        stats: &mut KindStats,
        diags: &mut Vec<Diagnostic>,
        progress: &mut dyn Progress,
    ) {
        let storage = options.storage_crs;
        let before = self.count(kind);
        match kind {
            SourceKind::Streets => {
                read_into!(StreetsReader<_>, path, self.streets, stats, diags, progress);
            }
            SourceKind::CadastralSurface => {
                read_into!(
                    CadastralSurfaceReader<_>,
                    path,
                    self.surfaces,
                    stats,
                    diags,
                    progress
                );
            }
            SourceKind::Utility => {
                read_into!(
                    UtilitySupplyReader<_>,
                    path,
                    self.utilities,
                    stats,
                    diags,
                    progress
                );
            }
            SourceKind::Leases => {
                read_into!(LeasesReader<_>, path, self.leases, stats, diags, progress);
            }
            SourceKind::Deeds => {
                read_into!(
                    TransferDeedsReader<_>,
                    path,
                    self.deeds,
                    stats,
                    diags,
                    progress
                );
            }
            SourceKind::Residents => {
                read_into!(
                    ResidentsReader<_>,
                    path,
                    self.residents,
                    stats,
                    diags,
                    progress
                );
            }
            SourceKind::ImuDeclarations => {
                read_into!(ImuReader<_>, path, self.imu, stats, diags, progress);
            }
            SourceKind::F24 => {
                read_into!(F24Reader<_>, path, self.f24, stats, diags, progress);
            }
            SourceKind::OmiValues => {
                read_into!(
                    OmiValuesReader<_>,
                    path,
                    self.omi_values,
                    stats,
                    diags,
                    progress
                );
            }
            SourceKind::OmiZones => {
                read_into!(
                    OmiZonesReader<_>,
                    path,
                    self.omi_zones,
                    stats,
                    diags,
                    progress
                );
            }
            SourceKind::Tari => {
                read_into!(TariReader<_>, path, self.tari, stats, diags, progress);
            }
            SourceKind::Deaths => {
                read_into!(DeathsReader<_>, path, self.deaths, stats, diags, progress);
            }
            SourceKind::BuildableZones => match BuildableZonesReader::open(path) {
                Ok(r) => {
                    let moved = move_items(r, path, lon_lat, storage, |z: &mut BuildableZone| {
                        PointOrArea::Area(&mut z.geometry)
                    });
                    self.buildable_zones
                        .extend(drain(moved, stats, diags, progress));
                }
                Err(d) => file_failed(d, stats, diags),
            },
            SourceKind::HouseNumbers => match HouseNumbersReader::open(path) {
                Ok(r) => {
                    let moved =
                        move_items(r, path, lon_lat, storage, |h: &mut HouseNumberPoint| {
                            PointOrArea::Point(&mut h.point)
                        });
                    self.house_numbers
                        .extend(drain(moved, stats, diags, progress));
                }
                Err(d) => file_failed(d, stats, diags),
            },
            SourceKind::Microzones => match MicrozonesReader::open(path) {
                Ok(r) => {
                    let moved = move_items(r, path, lon_lat, storage, |m: &mut Microzone| {
                        PointOrArea::Area(&mut m.geometry)
                    });
                    self.microzones.extend(drain(moved, stats, diags, progress));
                }
                Err(d) => file_failed(d, stats, diags),
            },
            SourceKind::OmiKml => match OmiPerimetersReader::open(path) {
                Ok(r) => {
                    let moved = move_items(r, path, lon_lat, storage, |m: &mut OmiPerimeter| {
                        PointOrArea::Area(&mut m.geometry)
                    });
                    self.omi_perimeters
                        .extend(drain(moved, stats, diags, progress));
                }
                Err(d) => file_failed(d, stats, diags),
            },
            SourceKind::TopoBuildings => match BuildingsReader::open(path) {
                Ok(r) => {
                    let moved =
                        move_items(r, path, srs_crs, storage, |b: &mut BuildingFootprint| {
                            PointOrArea::Area(&mut b.footprint)
                        });
                    self.topo_buildings
                        .extend(drain(moved, stats, diags, progress));
                }
                Err(d) => file_failed(d, stats, diags),
            },
            other => {
                let d = Diagnostic::warning(
                    path,
                    0,
                    None,
                    format!("files of kind {other} are not loaded"),
                );
                stats.count(&d);
                diags.push(d);
            }
        }
        for d in self.report_duplicates(kind, path, before) {
            stats.count(&d);
            diags.push(d);
        }
    }

    /// Warnings for the records of `kind` read from `path` from position `from` on whose key
    /// was already read (in this file or an earlier one of the same kind).
    pub(crate) fn report_duplicates(
        &mut self,
        kind: SourceKind,
        path: &Path,
        from: usize,
    ) -> Vec<Diagnostic> {
        let mut seen = std::mem::take(&mut self.seen);
        let found = self.duplicates(kind, path, from, &mut seen);
        self.seen = seen;
        found
    }
}

/// The CRS of a footprint (its GeoPackage SRS id, an EPSG code); `None` when unsupported.
fn srs_crs(b: &BuildingFootprint) -> Option<Crs> {
    u32::try_from(b.srs_id).ok().and_then(|c| Crs::epsg(c).ok())
}

/// Longitude/latitude (GeoJSON, KML): every record is in CRS84.
#[allow(clippy::unnecessary_wraps)] // the signature every CRS lookup shares
fn lon_lat<T>(_: &T) -> Option<Crs> {
    Some(Crs::Crs84)
}

/// The geometry of a record, to be transformed in place.
enum PointOrArea<'a> {
    Point(&'a mut Point<f64>),
    Area(&'a mut MultiPolygon<f64>),
}

/// Moves the geometry of each record from its CRS (`from`) to `to`; a record whose CRS is
/// unsupported or whose coordinates cannot be transformed is rejected.
fn move_items<T, I>(
    items: I,
    path: &Path,
    from: impl Fn(&T) -> Option<Crs>,
    to: Crs,
    geometry: impl Fn(&mut T) -> PointOrArea<'_>,
) -> impl Iterator<Item = Item<Located<T>>>
where
    I: Iterator<Item = Item<Located<T>>>,
{
    let mut transformers: HashMap<Crs, Result<Transformer, String>> = HashMap::new();
    let file = path.to_path_buf();
    items.map(move |item| match item {
        Item::Record(mut located) => {
            let result = match from(&located.record) {
                None => Err("the CRS of the geometry is not supported".to_owned()),
                Some(crs) => match transformers
                    .entry(crs)
                    .or_insert_with(|| Transformer::new(crs, to).map_err(|e| e.to_string()))
                {
                    Err(e) => Err(e.clone()),
                    Ok(t) if t.is_identity() => Ok(()),
                    Ok(t) => transform(t, geometry(&mut located.record)),
                },
            };
            match result {
                Ok(()) => Item::Record(located),
                Err(e) => Item::Diagnostic(Diagnostic::rejected(
                    &file,
                    located.line,
                    Some("geometry"),
                    format!("cannot transform to {to}: {e}"),
                )),
            }
        }
        Item::Diagnostic(d) => Item::Diagnostic(d),
    })
}

fn transform(t: &Transformer, target: PointOrArea<'_>) -> Result<(), String> {
    match target {
        PointOrArea::Point(p) => {
            let mut g = Geometry::Point(*p);
            t.transform_geometry(&mut g).map_err(|e| e.to_string())?;
            if let Geometry::Point(q) = g {
                *p = q;
            }
        }
        PointOrArea::Area(a) => {
            let mut g = Geometry::MultiPolygon(a.clone());
            t.transform_geometry(&mut g).map_err(|e| e.to_string())?;
            if let Geometry::MultiPolygon(q) = g {
                *a = q;
            }
        }
    }
    Ok(())
}
