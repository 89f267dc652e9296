//! Discovery of census supplies in a directory: files sharing a base name and differing by
//! extension `.FAB`, `.TER`, `.SOG`, `.TIT` (and the request parameters `.PRM`, located only:
//! its layout is not documented), censuario.md §1; extensions in any case.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use segit_model::Belfiore;

use crate::diag::Diagnostic;

/// The files of one supply found in a directory.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CensusSupply {
    /// Base name shared by the files (as written by the first file found, in name order).
    pub base_name: String,
    /// Buildings cadastre.
    pub fab: Option<PathBuf>,
    /// Land cadastre.
    pub ter: Option<PathBuf>,
    /// Subjects.
    pub sog: Option<PathBuf>,
    /// Holdings.
    pub tit: Option<PathBuf>,
    /// Parameters of the request (layout undocumented: located, not read).
    pub prm: Option<PathBuf>,
    /// Further files of the same base name and extension differing only by letter case
    /// (`X.FAB` and `x.fab`): not chosen, listed so the caller can report them.
    pub ignored: Vec<PathBuf>,
}

impl CensusSupply {
    /// Finds the supplies in `dir` (not recursive), sorted by base name. Base names are
    /// compared ignoring letter case. Other files are ignored. An unreadable directory is a
    /// diagnostic naming it.
    pub fn discover(dir: &Path) -> Result<Vec<Self>, Diagnostic> {
        let unreadable = |e: std::io::Error| {
            Diagnostic::rejected(dir, 0, None, format!("cannot list the directory: {e}"))
        };
        let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(unreadable)?
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|p| p.is_file())
            .collect();
        paths.sort();
        let mut supplies: BTreeMap<String, Self> = BTreeMap::new();
        for path in paths {
            let (Some(stem), Some(ext)) = (
                path.file_stem().and_then(|s| s.to_str()),
                path.extension().and_then(|s| s.to_str()),
            ) else {
                continue;
            };
            let ext = ext.to_ascii_uppercase();
            if !matches!(ext.as_str(), "FAB" | "TER" | "SOG" | "TIT" | "PRM") {
                continue;
            }
            let supply = supplies.entry(stem.to_uppercase()).or_insert_with(|| Self {
                base_name: stem.to_owned(),
                ..Self::default()
            });
            let slot = match ext.as_str() {
                "FAB" => &mut supply.fab,
                "TER" => &mut supply.ter,
                "SOG" => &mut supply.sog,
                "TIT" => &mut supply.tit,
                _ => &mut supply.prm,
            };
            if slot.is_some() {
                supply.ignored.push(path);
            } else {
                *slot = Some(path);
            }
        }
        Ok(supplies.into_values().collect())
    }

    /// The municipality of the supply from the base name (`CCCC` + optional section letter +
    /// request id, §1), when its first four characters are a Belfiore code.
    pub fn belfiore(&self) -> Option<Belfiore> {
        self.base_name
            .get(..4)
            .and_then(|s| Belfiore::parse(s).ok())
    }

    /// The request identifier: the last four characters of a base name of 7 to 14 characters
    /// (the pattern open parsers accept, §1).
    pub fn request_id(&self) -> Option<&str> {
        let n = self.base_name.len();
        if !(7..=14).contains(&n) || !self.base_name.is_ascii() {
            return None;
        }
        self.base_name.get(n - 4..)
    }

    /// True when all four data files are present (`.PRM` is not needed).
    pub fn is_complete(&self) -> bool {
        self.fab.is_some() && self.ter.is_some() && self.sog.is_some() && self.tit.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_by_base_name_ignoring_extension_case() {
        let dir = tempfile::tempdir().unwrap();
        for name in [
            "F2050001.FAB",
            "F2050001.ter",
            "F2050001.Sog",
            "F2050001.TIT",
            "f2050001.fab",
            "H501A0002.FAB",
            "notes.txt",
            "F2050001.PRM",
        ] {
            std::fs::write(dir.path().join(name), b"x|").unwrap();
        }
        std::fs::create_dir(dir.path().join("sub.FAB")).unwrap();
        let found = CensusSupply::discover(dir.path()).unwrap();
        assert_eq!(found.len(), 2);
        let f205 = &found[0];
        assert_eq!(f205.base_name, "F2050001");
        assert!(f205.is_complete());
        assert_eq!(f205.belfiore().unwrap().as_str(), "F205");
        assert!(f205.ter.as_ref().unwrap().ends_with("F2050001.ter"));
        assert_eq!(f205.ignored.len(), 1);
        assert!(f205.prm.is_some());
        assert_eq!(f205.request_id(), Some("0001"));
        assert!(f205.ignored[0].ends_with("f2050001.fab"));
        let h501 = &found[1];
        assert_eq!(h501.base_name, "H501A0002");
        assert!(h501.fab.is_some() && h501.ter.is_none() && !h501.is_complete());
        assert_eq!(h501.request_id(), Some("0002"));
        let short = CensusSupply {
            base_name: "F205".into(),
            ..CensusSupply::default()
        };
        assert_eq!(short.request_id(), None);
    }

    #[test]
    fn missing_directory_is_a_diagnostic() {
        let err = CensusSupply::discover(Path::new("/nonexistent/censuario")).unwrap_err();
        assert!(err.reason.contains("cannot list"));
        assert_eq!(err.file, Path::new("/nonexistent/censuario"));
    }
}
