//! Names of the cartographic files (cxf.md §3): `CCCCZFFFFAS.<ext>`, the 11-character sheet key
//! plus an extension matched case-insensitively (`.cxf`, `.ctf` for maps, `.sup` for areas).

use std::path::{Path, PathBuf};

use segit_model::SheetKey;

/// What a cartographic file holds, from its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MapFileKind {
    /// `.cxf` or `.ctf` (any case): the vector map
    Map,
    /// `.sup` (any case): the parcel areas
    Areas,
}

/// A parsed map file name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MapFileName {
    /// the sheet key spelled by the 11-character base name
    pub sheet: SheetKey,
    /// map or areas
    pub kind: MapFileKind,
    /// whether the name is that of an assembly index (*quadro d'unione*: annex `Q`,
    /// development `U`)
    pub assembly_index: bool,
}

impl MapFileName {
    /// Parses the last component of `path`; the error says why it does not follow the grammar.
    pub fn parse(path: &Path) -> Result<Self, String> {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| "the file name is not text".to_owned())?;
        let (stem, ext) = name
            .rsplit_once('.')
            .ok_or_else(|| format!("{name}: no extension (.cxf, .ctf or .sup)"))?;
        let kind = match ext.to_ascii_lowercase().as_str() {
            "cxf" | "ctf" => MapFileKind::Map,
            "sup" => MapFileKind::Areas,
            other => {
                return Err(format!(
                    "{name}: extension .{other} is not .cxf, .ctf or .sup"
                ));
            }
        };
        let sheet = SheetKey::parse(stem).map_err(|e| format!("{name}: {e}"))?;
        if stem.trim() != stem {
            return Err(format!("{name}: blanks in the file name"));
        }
        let assembly_index = sheet.annex() == Some('Q') && sheet.development() == Some('U');
        Ok(Self {
            sheet,
            kind,
            assembly_index,
        })
    }

    /// The companion SUP file of a map file: same directory and base name, extension `.sup`
    /// in the case of the map's extension (`.CXF` → `.SUP`), or `None` if `path` has no
    /// extension.
    pub fn companion_sup(path: &Path) -> Option<PathBuf> {
        let ext = path.extension()?.to_str()?;
        let sup = if ext.chars().all(|c| c.is_ascii_uppercase()) {
            "SUP"
        } else {
            "sup"
        };
        Some(path.with_extension(sup))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_names() {
        let n = MapFileName::parse(Path::new("dir/H282B0001A0.cxf")).unwrap();
        assert_eq!(n.sheet.to_string(), "H282B0001A0");
        assert_eq!(n.kind, MapFileKind::Map);
        assert!(!n.assembly_index);
        let q = MapFileName::parse(Path::new("H282B0128QU.CXF")).unwrap();
        assert!(q.assembly_index);
        let ctf = MapFileName::parse(Path::new("H501D076700.CTF")).unwrap();
        assert_eq!(ctf.kind, MapFileKind::Map);
        let sup = MapFileName::parse(Path::new("F205_001200.Sup")).unwrap();
        assert_eq!(sup.kind, MapFileKind::Areas);
    }

    #[test]
    fn bad_names_say_why() {
        assert!(
            MapFileName::parse(Path::new("F205_001200.dxf"))
                .unwrap_err()
                .contains(".dxf")
        );
        assert!(MapFileName::parse(Path::new("F205_0012.cxf")).is_err());
        assert!(MapFileName::parse(Path::new("F205_001200")).is_err());
    }

    #[test]
    fn companion_sup_follows_case() {
        assert_eq!(
            MapFileName::companion_sup(Path::new("a/F205_001200.CXF")).unwrap(),
            PathBuf::from("a/F205_001200.SUP")
        );
        assert_eq!(
            MapFileName::companion_sup(Path::new("F205_001200.cxf")).unwrap(),
            PathBuf::from("F205_001200.sup")
        );
    }
}
