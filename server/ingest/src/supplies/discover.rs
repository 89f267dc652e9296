//! Discovery of the known files of a supply directory (other-supplies.md §0.1): each kind of
//! file sits in its default folder and is recognised by name pattern; folder and file names are
//! compared ignoring letter case. Cartography and census files have their own discovery
//! (`censuario::CensusSupply`, `cartography`) and are not listed here.

use std::fmt;
use std::path::{Path, PathBuf};

use segit_model::Belfiore;

use crate::diag::Diagnostic;

/// A kind of supply file with a reader in [`crate::supplies`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SupplyKind {
    /// `superfici/cadastral_surface.csv`
    CadastralSurface,
    /// `utenze/utility_supply.csv`
    UtilitySupply,
    /// `locazioni/leases.jsonl`
    Leases,
    /// `atti/transfer_deeds.jsonl`
    TransferDeeds,
    /// `anagrafe/residents.csv`
    Residents,
    /// `imu/IMU_<Belfiore>_<tax year>.txt`
    ImuDeclarations,
    /// `imu/f24_imu.csv`
    F24Imu,
    /// `omi/QI_*_VALORI.csv`
    OmiValues,
    /// `omi/QI_*_ZONE.csv`
    OmiZones,
    /// `omi/<Belfiore>.kml`
    OmiPerimeters,
    /// `omi/microzones.geojson`
    OmiMicrozones,
    /// `stradario/streets.csv`
    Streets,
    /// `stradario/house_numbers.geojson`
    HouseNumbers,
    /// `dbt/edifici.gpkg`
    TopoBuildings,
    /// `tari/tari.csv`
    Tari,
    /// `anagrafe/deaths.csv` (project convention)
    Deaths,
    /// `pgt/buildable_zones.geojson` (project convention)
    BuildableZones,
}

impl SupplyKind {
    /// Every kind, in the order of the reference's table.
    pub const ALL: [Self; 17] = [
        Self::CadastralSurface,
        Self::UtilitySupply,
        Self::Leases,
        Self::TransferDeeds,
        Self::Residents,
        Self::ImuDeclarations,
        Self::F24Imu,
        Self::OmiValues,
        Self::OmiZones,
        Self::OmiPerimeters,
        Self::OmiMicrozones,
        Self::Streets,
        Self::HouseNumbers,
        Self::TopoBuildings,
        Self::Tari,
        Self::Deaths,
        Self::BuildableZones,
    ];

    /// The default folder of the kind (lower case).
    pub fn folder(self) -> &'static str {
        match self {
            Self::CadastralSurface => "superfici",
            Self::UtilitySupply => "utenze",
            Self::Leases => "locazioni",
            Self::TransferDeeds => "atti",
            Self::Residents | Self::Deaths => "anagrafe",
            Self::ImuDeclarations | Self::F24Imu => "imu",
            Self::OmiValues | Self::OmiZones | Self::OmiPerimeters | Self::OmiMicrozones => "omi",
            Self::Streets | Self::HouseNumbers => "stradario",
            Self::TopoBuildings => "dbt",
            Self::Tari => "tari",
            Self::BuildableZones => "pgt",
        }
    }

    /// True when `name` (a file name, any letter case) is a file of this kind.
    pub fn matches(self, name: &str) -> bool {
        let lower = name.to_ascii_lowercase();
        match self {
            Self::CadastralSurface => lower == "cadastral_surface.csv",
            Self::UtilitySupply => lower == "utility_supply.csv",
            Self::Leases => lower == "leases.jsonl",
            Self::TransferDeeds => lower == "transfer_deeds.jsonl",
            Self::Residents => lower == "residents.csv",
            Self::ImuDeclarations => imu_name(name).is_some(),
            Self::F24Imu => lower == "f24_imu.csv",
            Self::OmiValues => lower.starts_with("qi_") && lower.ends_with("_valori.csv"),
            Self::OmiZones => lower.starts_with("qi_") && lower.ends_with("_zone.csv"),
            Self::OmiPerimeters => lower
                .strip_suffix(".kml")
                .is_some_and(|stem| Belfiore::parse(stem).is_ok()),
            Self::OmiMicrozones => lower == "microzones.geojson",
            Self::Streets => lower == "streets.csv",
            Self::HouseNumbers => lower == "house_numbers.geojson",
            Self::TopoBuildings => lower == "edifici.gpkg",
            Self::Tari => lower == "tari.csv",
            Self::Deaths => lower == "deaths.csv",
            Self::BuildableZones => lower == "buildable_zones.geojson",
        }
    }
}

impl fmt::Display for SupplyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::CadastralSurface => "cadastral surfaces",
            Self::UtilitySupply => "utility contracts",
            Self::Leases => "leases",
            Self::TransferDeeds => "transfer deeds",
            Self::Residents => "residents",
            Self::ImuDeclarations => "IMU declarations",
            Self::F24Imu => "F24 IMU payments",
            Self::OmiValues => "OMI quotations",
            Self::OmiZones => "OMI zones",
            Self::OmiPerimeters => "OMI zone perimeters",
            Self::OmiMicrozones => "OMI microzones",
            Self::Streets => "street register",
            Self::HouseNumbers => "house numbers",
            Self::TopoBuildings => "topographic buildings",
            Self::Tari => "TARI premises",
            Self::Deaths => "civil-registry deaths",
            Self::BuildableZones => "buildable zones",
        })
    }
}

/// Municipality and tax year of an IMU file name `IMU_<Belfiore>_<tax year>.txt` (any case).
pub(crate) fn imu_name(name: &str) -> Option<(Belfiore, i32)> {
    let upper = name.to_ascii_uppercase();
    let stem = upper.strip_prefix("IMU_")?.strip_suffix(".TXT")?;
    let (belfiore, year) = stem.split_once('_')?;
    if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((Belfiore::parse(belfiore).ok()?, year.parse().ok()?))
}

/// Lists the known supply files of `dir` (folders of the default layout, matched ignoring
/// letter case; not recursive beyond them), sorted by kind then path. Folders or files that
/// cannot be listed are skipped; an unreadable `dir` itself is a diagnostic naming it.
pub fn discover(dir: &Path) -> Result<Vec<(SupplyKind, PathBuf)>, Diagnostic> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        Diagnostic::rejected(dir, 0, None, format!("cannot list the directory: {e}"))
    })?;
    let mut folders: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    folders.sort();
    let mut found = Vec::new();
    for folder in folders {
        let Some(folder_name) = folder.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let kinds: Vec<SupplyKind> = SupplyKind::ALL
            .into_iter()
            .filter(|k| k.folder().eq_ignore_ascii_case(folder_name))
            .collect();
        if kinds.is_empty() {
            continue;
        }
        let Ok(files) = std::fs::read_dir(&folder) else {
            continue;
        };
        for file in files.filter_map(Result::ok).map(|e| e.path()) {
            if !file.is_file() {
                continue;
            }
            let Some(name) = file.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            if let Some(kind) = kinds.iter().find(|k| k.matches(name)) {
                found.push((*kind, file.clone()));
            }
        }
    }
    found.sort();
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_files_by_folder_and_pattern_ignoring_case() {
        let dir = tempfile::tempdir().unwrap();
        let files = [
            "superfici/cadastral_surface.csv",
            "Utenze/UTILITY_SUPPLY.CSV",
            "locazioni/leases.jsonl",
            "atti/transfer_deeds.jsonl",
            "anagrafe/residents.csv",
            "imu/IMU_F205_2024.txt",
            "imu/imu_f205_2023.TXT",
            "imu/IMU_F205_20x4.txt",
            "imu/f24_imu.csv",
            "omi/QI_1234_VALORI.csv",
            "omi/QI_1234_ZONE.csv",
            "omi/F205.kml",
            "omi/other.kml",
            "omi/microzones.geojson",
            "stradario/streets.csv",
            "stradario/house_numbers.geojson",
            "DBT/edifici.gpkg",
            "tari/tari.csv",
            "anagrafe/deaths.csv",
            "PGT/buildable_zones.geojson",
            "tari/notes.txt",
            "misc/tari.csv",
            "residents.csv",
        ];
        for f in files {
            let p = dir.path().join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, b"x").unwrap();
        }
        let found = discover(dir.path()).unwrap();
        let kinds: Vec<SupplyKind> = found.iter().map(|(k, _)| *k).collect();
        let mut expected = SupplyKind::ALL.to_vec();
        expected.insert(6, SupplyKind::ImuDeclarations);
        assert_eq!(kinds, expected);
        assert!(found[1].1.ends_with("Utenze/UTILITY_SUPPLY.CSV"));
        assert_eq!(
            imu_name("IMU_F205_2024.txt").map(|(b, y)| (b.to_string(), y)),
            Some(("F205".into(), 2024))
        );
        assert!(discover(&dir.path().join("absent")).is_err());
    }
}
