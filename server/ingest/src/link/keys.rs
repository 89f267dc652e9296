//! Map parcels found from census identifiers (sheet variant resolution).

use std::collections::HashMap;

use segit_model::{Belfiore, Foglio, ParcelKey, Particella, Sezione, SheetKey, UnitKey};

use super::confidence::LinkMethod;

/// (Belfiore, census section, foglio, particella): a parcel without its sheet variant.
type ParcelNumber = (Belfiore, Option<Sezione>, Foglio, Particella);

/// The parcels of the maps (CXF, GML), found from census identifiers, which lack the annex and
/// development letters of the sheet (censuario.md §9): the variant holding the parcel number
/// is the one chosen; when several hold it, the main sheet (no annex, no development) is
/// preferred, else the first in key order.
#[derive(Debug, Default)]
pub struct ParcelIndex {
    by_number: HashMap<ParcelNumber, Vec<ParcelKey>>,
}

impl ParcelIndex {
    /// Indexes the map parcels `keys`.
    pub fn new<'a>(keys: impl IntoIterator<Item = &'a ParcelKey>) -> Self {
        let mut by_number: HashMap<ParcelNumber, Vec<ParcelKey>> = HashMap::new();
        for key in keys {
            let sheet = key.sheet();
            let number = (
                sheet.belfiore(),
                sheet.section().cloned(),
                sheet.foglio(),
                key.particella().clone(),
            );
            let list = by_number.entry(number).or_default();
            if !list.contains(key) {
                list.push(key.clone());
            }
        }
        for list in by_number.values_mut() {
            list.sort_by_key(|k| {
                let main = k.sheet().annex().is_none() && k.sheet().development().is_none();
                (!main, k.clone())
            });
        }
        Self { by_number }
    }

    /// Whether the maps hold `key`.
    pub fn contains(&self, key: &ParcelKey) -> bool {
        let sheet = key.sheet();
        self.by_number
            .get(&(
                sheet.belfiore(),
                sheet.section().cloned(),
                sheet.foglio(),
                key.particella().clone(),
            ))
            .is_some_and(|l| l.contains(key))
    }

    /// The parcel of census identifiers: a map parcel when the maps hold it (linked by key),
    /// else the key on the main sheet (not linked). The census section maps to the map section
    /// only when it is one letter (the usual "both empty" case included); otherwise no key can
    /// be built [U: a per-municipality table would be needed].
    pub fn resolve(
        &self,
        belfiore: Belfiore,
        section: Option<&Sezione>,
        foglio: Foglio,
        particella: &Particella,
    ) -> (Option<ParcelKey>, Option<LinkMethod>) {
        let number = (belfiore, section.cloned(), foglio, particella.clone());
        if let Some(found) = self.by_number.get(&number).and_then(|l| l.first()) {
            return (Some(found.clone()), Some(LinkMethod::SourceKey));
        }
        let key = SheetKey::new(belfiore, section.cloned(), foglio, None, None)
            .ok()
            .map(|s| s.parcel(particella.clone()));
        (key, None)
    }

    /// The parcel of a unit key.
    pub fn resolve_unit(&self, key: &UnitKey) -> (Option<ParcelKey>, Option<LinkMethod>) {
        self.resolve(
            key.belfiore(),
            key.section(),
            key.foglio(),
            key.particella(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn census_parcels_find_their_sheet_variant() {
        let keys: Vec<ParcelKey> = [
            "F205_001200.101",
            "F205_0013A0.7",
            "F205_001300.8",
            "F205_0014A0.9",
            "F205_001400.9",
        ]
        .iter()
        .map(|k| ParcelKey::parse(k).unwrap())
        .collect();
        let index = ParcelIndex::new(keys.iter());
        let b = Belfiore::parse("F205").unwrap();
        let resolve = |foglio: u16, particella: &str| {
            let (key, method) = index.resolve(
                b,
                None,
                Foglio::new(foglio).unwrap(),
                &Particella::parse(particella).unwrap(),
            );
            (key.map(|k| k.to_string()), method)
        };
        assert_eq!(
            resolve(12, "101"),
            (Some("F205_001200.101".into()), Some(LinkMethod::SourceKey))
        );
        // only annex A holds parcel 7 of sheet 13
        assert_eq!(resolve(13, "7").0.as_deref(), Some("F205_0013A0.7"));
        // both variants hold parcel 9 of sheet 14: the main sheet wins
        assert_eq!(resolve(14, "9").0.as_deref(), Some("F205_001400.9"));
        // not on the maps: the key on the main sheet, not linked
        assert_eq!(resolve(15, "00042"), (Some("F205_001500.42".into()), None));
        assert!(index.contains(&keys[1]));
    }
}
