//! [`Evidence`]: the named values of an anomaly, kept in a small vector sorted by name. A
//! name written by a rule is a `&'static str` and costs no allocation; names read back from
//! stored JSON are owned. Serialised as a JSON object in name order, as a `BTreeMap` would be.

use std::borrow::Cow;
use std::fmt;
use std::ops::Index;

use std::collections::BTreeMap;

use serde::de::{MapAccess, SeqAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::EvidenceValue;

/// The name of an evidence value.
pub type EvidenceKey = Cow<'static, str>;

/// Evidence of an anomaly: named values (at most one per name) in name order, serialised as
/// a JSON object.
#[derive(Clone, Default, PartialEq)]
pub struct Evidence {
    entries: Vec<(EvidenceKey, EvidenceValue)>,
}

impl Evidence {
    /// No evidence.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the value of `key`; returns the value it replaces.
    pub fn insert(&mut self, key: EvidenceKey, value: EvidenceValue) -> Option<EvidenceValue> {
        match self.position(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.entries[i].1, value)),
            Err(i) => {
                self.entries.insert(i, (key, value));
                None
            }
        }
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&EvidenceValue> {
        self.position(key).ok().map(|i| &self.entries[i].1)
    }

    /// Whether `key` has a value.
    pub fn contains_key(&self, key: &str) -> bool {
        self.position(key).is_ok()
    }

    /// The names and values, in name order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &EvidenceValue)> {
        self.entries.iter().map(|(k, v)| (k.as_ref(), v))
    }

    /// Number of values.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there is no value.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Frees the room kept for more values.
    pub fn shrink_to_fit(&mut self) {
        self.entries.shrink_to_fit();
    }

    fn position(&self, key: &str) -> Result<usize, usize> {
        self.entries.binary_search_by(|(k, _)| k.as_ref().cmp(key))
    }
}

impl Index<&str> for Evidence {
    type Output = EvidenceValue;

    /// The value of `key`.
    ///
    /// # Panics
    /// When `key` has no value.
    fn index(&self, key: &str) -> &EvidenceValue {
        self.get(key)
            .unwrap_or_else(|| panic!("no evidence named {key:?}"))
    }
}

impl fmt::Debug for Evidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<K: Into<EvidenceKey>> FromIterator<(K, EvidenceValue)> for Evidence {
    fn from_iter<I: IntoIterator<Item = (K, EvidenceValue)>>(iter: I) -> Self {
        let mut evidence = Self::new();
        for (k, v) in iter {
            evidence.insert(k.into(), v);
        }
        evidence
    }
}

impl Serialize for Evidence {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.entries.len()))?;
        for (k, v) in &self.entries {
            map.serialize_entry(k.as_ref(), v)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Evidence {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EvidenceVisitor;

        impl<'de> Visitor<'de> for EvidenceVisitor {
            type Value = Evidence;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of evidence values")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Evidence, A::Error> {
                let mut evidence = Evidence::new();
                // a later value of a name replaces an earlier one, as in a map
                while let Some((k, v)) = access.next_entry::<String, EvidenceValue>()? {
                    evidence.insert(Cow::Owned(k), v);
                }
                evidence.shrink_to_fit();
                Ok(evidence)
            }
        }

        deserializer.deserialize_map(EvidenceVisitor)
    }
}

impl<'de> Deserialize<'de> for EvidenceValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

/// Reads an [`EvidenceValue`] from what the data says it is: `null`, a boolean, an integer
/// that fits an `i64`, any other number, a string, an array or an object.
struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = EvidenceValue;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an evidence value")
    }
    fn visit_unit<E>(self) -> Result<EvidenceValue, E> {
        Ok(EvidenceValue::Null)
    }
    fn visit_none<E>(self) -> Result<EvidenceValue, E> {
        Ok(EvidenceValue::Null)
    }
    fn visit_bool<E>(self, v: bool) -> Result<EvidenceValue, E> {
        Ok(EvidenceValue::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<EvidenceValue, E> {
        Ok(EvidenceValue::Integer(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<EvidenceValue, E> {
        // too large for an integer: a number, as `untagged` tries `f64` next
        #[allow(clippy::cast_precision_loss)]
        Ok(i64::try_from(v).map_or(EvidenceValue::Number(v as f64), EvidenceValue::Integer))
    }
    fn visit_f64<E>(self, v: f64) -> Result<EvidenceValue, E> {
        Ok(EvidenceValue::Number(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<EvidenceValue, E> {
        Ok(EvidenceValue::Text(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<EvidenceValue, E> {
        Ok(EvidenceValue::Text(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut access: A) -> Result<EvidenceValue, A::Error> {
        let mut items = Vec::with_capacity(access.size_hint().unwrap_or(0).min(4096));
        while let Some(v) = access.next_element()? {
            items.push(v);
        }
        Ok(EvidenceValue::List(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<EvidenceValue, A::Error> {
        let mut map = BTreeMap::new();
        while let Some((k, v)) = access.next_entry::<String, EvidenceValue>()? {
            map.insert(k, v);
        }
        Ok(EvidenceValue::Map(map))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The value as serde's `untagged` reads it: the reference of [`ValueVisitor`].
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Untagged {
        Null,
        Bool(bool),
        Integer(i64),
        Number(f64),
        Text(String),
        List(Vec<Untagged>),
        Map(BTreeMap<String, Untagged>),
    }

    impl From<Untagged> for EvidenceValue {
        fn from(u: Untagged) -> Self {
            match u {
                Untagged::Null => Self::Null,
                Untagged::Bool(b) => Self::Bool(b),
                Untagged::Integer(i) => Self::Integer(i),
                Untagged::Number(x) => Self::Number(x),
                Untagged::Text(t) => Self::Text(t),
                Untagged::List(v) => Self::List(v.into_iter().map(Into::into).collect()),
                Untagged::Map(m) => Self::Map(m.into_iter().map(|(k, v)| (k, v.into())).collect()),
            }
        }
    }

    #[test]
    fn values_read_as_untagged_reads_them() {
        for json in [
            "null",
            "true",
            "0",
            "-7",
            "9223372036854775807",
            "9223372036854775808",
            "18446744073709551615",
            "-9223372036854775808",
            "1.5",
            "-0.0",
            "1e300",
            "2.0",
            r#""F205//12/34/1""#,
            r#""\u00e9\n\"q\"""#,
            r#""2024-03-01""#,
            "[]",
            r#"[1, 2.5, "x", null, [true], {"a": 1}]"#,
            "{}",
            r#"{"b": {"c": [1, {"d": null}]}, "a": -1, "b": 2}"#,
        ] {
            let ours: EvidenceValue = serde_json::from_str(json).unwrap();
            let reference: EvidenceValue = serde_json::from_str::<Untagged>(json).unwrap().into();
            assert_eq!(format!("{ours:?}"), format!("{reference:?}"), "{json}");
            assert_eq!(
                serde_json::to_string(&ours).unwrap(),
                serde_json::to_string(&reference).unwrap()
            );
        }
    }

    fn sample() -> Vec<(&'static str, EvidenceValue)> {
        vec![
            ("supply", "F2050001".into()),
            ("quality", 1i64.into()),
            ("checked", true.into()),
            ("footprint_share", 0.72.into()),
            ("quality", 2i64.into()),
            (
                "ids",
                EvidenceValue::List(vec![2_000_003i64.into(), EvidenceValue::Null]),
            ),
            ("Zeta", EvidenceValue::Null),
            ("é", "x".into()),
        ]
    }

    #[test]
    fn it_serialises_as_the_map_it_replaces() {
        let mut evidence = Evidence::new();
        let mut map = BTreeMap::new();
        for (k, v) in sample() {
            assert_eq!(
                evidence.insert(k.into(), v.clone()),
                map.insert(k.to_owned(), v)
            );
        }
        assert_eq!(evidence.len(), map.len());
        assert_eq!(
            serde_json::to_string(&evidence).unwrap(),
            serde_json::to_string(&map).unwrap()
        );
        assert_eq!(format!("{evidence:?}"), format!("{map:?}"));
        let keys: Vec<&str> = evidence.iter().map(|(k, _)| k).collect();
        assert_eq!(keys, map.keys().map(String::as_str).collect::<Vec<_>>());
    }

    #[test]
    fn it_reads_back_from_json() {
        let evidence: Evidence = sample().into_iter().collect();
        let json = serde_json::to_string(&evidence).unwrap();
        let back: Evidence = serde_json::from_str(&json).unwrap();
        assert_eq!(back, evidence);
        assert_eq!(back["quality"], EvidenceValue::Integer(2));
        assert_eq!(back.get("absent"), None);
        assert!(back.contains_key("Zeta") && !back.is_empty());
        let doubled: Evidence = serde_json::from_str(r#"{"b":1,"a":2,"b":3}"#).unwrap();
        assert_eq!(serde_json::to_string(&doubled).unwrap(), r#"{"a":2,"b":3}"#);
        assert!(serde_json::from_str::<Evidence>("[1]").is_err());
    }

    #[test]
    #[should_panic(expected = "no evidence named \"absent\"")]
    fn indexing_an_absent_name_panics() {
        let _ = &Evidence::new()["absent"];
    }
}
