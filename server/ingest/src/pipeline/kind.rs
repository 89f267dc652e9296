//! The kind of each supply file, from its folder and name (other-supplies.md §0.1) or forced
//! with `--kind`.

use std::fmt;
use std::path::Path;

/// What a supply file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SourceKind {
    /// `.FAB`: buildings cadastre (units and their states)
    Fab,
    /// `.TER`: land cadastre (parcels and their states)
    Ter,
    /// `.SOG`: subjects
    Sog,
    /// `.TIT`: holdings
    Tit,
    /// `<sheetkey>.cxf` (with its `.sup`): cadastral map sheet
    Cxf,
    /// `.sup`: areas of a map sheet, read with its `.cxf`
    Sup,
    /// `crs.txt`: the CRS of the CXF export
    CrsFile,
    /// INSPIRE CadastralParcels / CadastralZoning GML
    InspireGml,
    /// `cadastral_surface.csv`
    CadastralSurface,
    /// `utility_supply.csv`
    Utility,
    /// `leases.jsonl`
    Leases,
    /// `transfer_deeds.jsonl`
    Deeds,
    /// `residents.csv`
    Residents,
    /// `IMU_<Belfiore>_<year>.txt`: IMU declarations
    ImuDeclarations,
    /// `f24_imu.csv`
    F24,
    /// `QI_*_VALORI.csv`: OMI quotations
    OmiValues,
    /// `QI_*_ZONE.csv`: OMI zones
    OmiZones,
    /// `<Belfiore>.kml`: OMI zone perimeters
    OmiKml,
    /// `microzones.geojson`
    Microzones,
    /// `streets.csv`: street register
    Streets,
    /// `house_numbers.geojson`
    HouseNumbers,
    /// `edifici.gpkg`: topographic buildings
    TopoBuildings,
    /// `tari.csv`
    Tari,
    /// `deaths.csv`: civil-registry deaths (project convention)
    Deaths,
    /// `buildable_zones.geojson`: buildable zones of the zoning plan (project convention)
    BuildableZones,
    /// `rates.json`: rates and rule thresholds (not loaded by the ingest)
    Parameters,
}

impl SourceKind {
    /// Every kind, in reading order: the street register first (addresses are resolved against
    /// it), then each source just before the layers it feeds are published, in publishing order.
    pub const ALL: [SourceKind; 26] = [
        Self::Streets,
        Self::HouseNumbers,
        Self::CrsFile,
        Self::Cxf,
        Self::Sup,
        Self::InspireGml,
        Self::Ter,
        Self::Fab,
        Self::Sog,
        Self::Tit,
        Self::Residents,
        Self::Deaths,
        Self::Tari,
        Self::Utility,
        Self::Leases,
        Self::Deeds,
        Self::ImuDeclarations,
        Self::F24,
        Self::CadastralSurface,
        Self::TopoBuildings,
        Self::OmiValues,
        Self::OmiZones,
        Self::OmiKml,
        Self::Microzones,
        Self::BuildableZones,
        Self::Parameters,
    ];

    /// The name used on the command line (`--kind`) and in the report.
    pub fn name(self) -> &'static str {
        match self {
            Self::Fab => "fab",
            Self::Ter => "ter",
            Self::Sog => "sog",
            Self::Tit => "tit",
            Self::Cxf => "cxf",
            Self::Sup => "sup",
            Self::CrsFile => "crs",
            Self::InspireGml => "gml",
            Self::CadastralSurface => "surfaces",
            Self::Utility => "utilities",
            Self::Leases => "leases",
            Self::Deeds => "deeds",
            Self::Residents => "residents",
            Self::ImuDeclarations => "imu",
            Self::F24 => "f24",
            Self::OmiValues => "omi-values",
            Self::OmiZones => "omi-zones",
            Self::OmiKml => "omi-kml",
            Self::Microzones => "microzones",
            Self::Streets => "streets",
            Self::HouseNumbers => "house-numbers",
            Self::TopoBuildings => "topo-buildings",
            Self::Tari => "tari",
            Self::Deaths => "deaths",
            Self::BuildableZones => "buildable-zones",
            Self::Parameters => "parameters",
        }
    }

    /// The kind named `name` (as [`SourceKind::name`], case-insensitive).
    pub fn parse(name: &str) -> Result<Self, String> {
        let wanted = name.trim().to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|k| k.name() == wanted)
            .ok_or_else(|| {
                let names: Vec<&str> = Self::ALL.iter().map(|k| k.name()).collect();
                format!("unknown kind {name:?} (known: {})", names.join(", "))
            })
    }

    /// The kind of `path` from its name, or `None` when the name matches no pattern.
    ///
    /// Names are matched case-insensitively; the folder names of §0.1 are not required (a file
    /// is recognised wherever it sits), except that a `.gml` is INSPIRE GML and a `.geojson` is
    /// recognised by its name only.
    pub fn detect(path: &Path) -> Option<Self> {
        let name = path.file_name()?.to_str()?.to_ascii_lowercase();
        let ext = name.rsplit_once('.').map(|(_, e)| e);
        let kind = match (name.as_str(), ext) {
            ("crs.txt", _) => Self::CrsFile,
            ("cadastral_surface.csv", _) => Self::CadastralSurface,
            ("utility_supply.csv", _) => Self::Utility,
            ("leases.jsonl", _) => Self::Leases,
            ("transfer_deeds.jsonl", _) => Self::Deeds,
            ("residents.csv", _) => Self::Residents,
            ("f24_imu.csv", _) => Self::F24,
            ("microzones.geojson", _) => Self::Microzones,
            ("streets.csv", _) => Self::Streets,
            ("house_numbers.geojson", _) => Self::HouseNumbers,
            ("edifici.gpkg", _) => Self::TopoBuildings,
            ("tari.csv", _) => Self::Tari,
            ("deaths.csv", _) => Self::Deaths,
            ("buildable_zones.geojson", _) => Self::BuildableZones,
            ("rates.json", _) => Self::Parameters,
            (_, Some("fab")) => Self::Fab,
            (_, Some("ter")) => Self::Ter,
            (_, Some("sog")) => Self::Sog,
            (_, Some("tit")) => Self::Tit,
            (_, Some("cxf" | "ctf")) => Self::Cxf,
            (_, Some("sup")) => Self::Sup,
            (_, Some("gml")) => Self::InspireGml,
            (_, Some("kml")) => Self::OmiKml,
            (n, Some("csv")) if n.starts_with("qi_") && n.ends_with("_valori.csv") => {
                Self::OmiValues
            }
            (n, Some("csv")) if n.starts_with("qi_") && n.ends_with("_zone.csv") => Self::OmiZones,
            (n, Some("txt")) if n.starts_with("imu_") => Self::ImuDeclarations,
            _ => return None,
        };
        Some(kind)
    }

    /// Whether files of this kind are read on their own (a `.sup` is read with its `.cxf`, the
    /// `crs.txt` by the CXF reading of its folder, the parameter file not at all).
    pub fn read_alone(self) -> bool {
        !matches!(self, Self::Sup | Self::CrsFile | Self::Parameters)
    }
}

impl serde::Serialize for SourceKind {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl fmt::Display for SourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_the_names_of_the_supply_directory() {
        let cases = [
            ("censuario/F2050001.FAB", SourceKind::Fab),
            ("censuario/f2050001.ter", SourceKind::Ter),
            ("cartografia/F205_001200.cxf", SourceKind::Cxf),
            ("cartografia/F205_001200.SUP", SourceKind::Sup),
            ("cartografia/crs.txt", SourceKind::CrsFile),
            ("cartografia/inspire/F205_ple.gml", SourceKind::InspireGml),
            ("omi/QI_1234_1_20241_VALORI.csv", SourceKind::OmiValues),
            ("omi/QI_1234_1_20241_ZONE.csv", SourceKind::OmiZones),
            ("imu/IMU_F205_2024.txt", SourceKind::ImuDeclarations),
            ("stradario/streets.csv", SourceKind::Streets),
            ("tari/tari.csv", SourceKind::Tari),
            ("anagrafe/DEATHS.csv", SourceKind::Deaths),
            ("pgt/buildable_zones.geojson", SourceKind::BuildableZones),
        ];
        for (path, kind) in cases {
            assert_eq!(SourceKind::detect(Path::new(path)), Some(kind), "{path}");
        }
        assert_eq!(SourceKind::detect(Path::new("notes/readme.md")), None);
    }

    #[test]
    fn names_round_trip_and_unknown_names_list_the_known_ones() {
        for kind in SourceKind::ALL {
            assert_eq!(SourceKind::parse(kind.name()), Ok(kind));
        }
        let err = SourceKind::parse("shapefile").unwrap_err();
        assert!(err.contains("fab") && err.contains("tari"), "{err}");
    }
}
