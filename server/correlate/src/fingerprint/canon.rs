//! The canonical binary form of a record, fed straight into a hash (no intermediate buffer).
//!
//! It is a serde data format, so it covers every field a record serialises, in declaration
//! order, and changes only when the record types change. Layout (all integers little-endian):
//! - `bool`: one byte 0/1; integers: their 8 (or 16 for 128-bit) bytes, signed as `i64`/`i128`,
//!   unsigned as `u64`/`u128`; `f32`/`f64`: the IEEE bits of the value as `f64` (`-0.0` and every
//!   NaN payload kept distinct: the bits are the value);
//! - `char`: as `u64`; strings and bytes: length (`u64`) then the bytes;
//! - `None` / unit / unit struct: byte `0`; `Some(v)`: byte `1` then `v`;
//! - enum variants: the variant index (`u64`) then the content, if any;
//! - sequences, tuples and maps: byte `1` before each element (map: key then value), byte `0`
//!   after the last; structs: their fields in order, without names, each after byte `1`, or byte `0` alone for
//!   a field the type skips.
//!
//! Every value is thus self-delimiting: two different records give different byte strings.

use serde::ser::{self, Serialize};
use sha2::{Digest, Sha256};

/// Feeds `record`'s canonical binary form into `h` (written into `buf` first, which is
/// cleared: one hash update per record). Errors (a type whose `Serialize` implementation
/// fails) feed a marker instead, so such a record still hashes deterministically.
pub(crate) fn hash_record<T: Serialize + ?Sized>(h: &mut Sha256, buf: &mut Vec<u8>, record: &T) {
    buf.clear();
    if record.serialize(Canon(buf)).is_err() {
        buf.clear();
        buf.extend_from_slice(b"\xffunserialisable");
    }
    h.update(&buf[..]);
}

/// Error of the canonical form: only raised by `Serialize` implementations that fail.
#[derive(Debug)]
pub(crate) struct CanonError(String);

impl std::fmt::Display for CanonError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CanonError {}

impl ser::Error for CanonError {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        Self(msg.to_string())
    }
}

struct Canon<'a>(&'a mut Vec<u8>);

impl Canon<'_> {
    fn u(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn bytes(&mut self, b: &[u8]) {
        self.u(b.len() as u64);
        self.0.extend_from_slice(b);
    }
}

type R = Result<(), CanonError>;

/// Text written straight into the canonical form's buffer (UTF-8).
struct Text<'a>(&'a mut Vec<u8>);

impl std::fmt::Write for Text<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.extend_from_slice(s.as_bytes());
        Ok(())
    }
    fn write_char(&mut self, c: char) -> std::fmt::Result {
        if c.is_ascii() {
            self.0.push(c as u8);
        } else {
            self.0
                .extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
        }
        Ok(())
    }
}

impl<'a> ser::Serializer for Canon<'a> {
    type Ok = ();
    type Error = CanonError;
    type SerializeSeq = Canon<'a>;
    type SerializeTuple = Canon<'a>;
    type SerializeTupleStruct = Canon<'a>;
    type SerializeTupleVariant = Canon<'a>;
    type SerializeMap = Canon<'a>;
    type SerializeStruct = Canon<'a>;
    type SerializeStructVariant = Canon<'a>;

    fn serialize_bool(self, v: bool) -> R {
        self.0.push(u8::from(v));
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> R {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> R {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> R {
        self.serialize_i64(v.into())
    }
    fn serialize_i64(self, v: i64) -> R {
        self.0.extend_from_slice(&v.to_le_bytes());
        Ok(())
    }
    fn serialize_i128(self, v: i128) -> R {
        self.0.extend_from_slice(&v.to_le_bytes());
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> R {
        self.serialize_u64(v.into())
    }
    fn serialize_u16(self, v: u16) -> R {
        self.serialize_u64(v.into())
    }
    fn serialize_u32(self, v: u32) -> R {
        self.serialize_u64(v.into())
    }
    fn serialize_u64(mut self, v: u64) -> R {
        self.u(v);
        Ok(())
    }
    fn serialize_u128(self, v: u128) -> R {
        self.0.extend_from_slice(&v.to_le_bytes());
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> R {
        self.serialize_f64(v.into())
    }
    fn serialize_f64(mut self, v: f64) -> R {
        self.u(v.to_bits());
        Ok(())
    }
    fn serialize_char(self, v: char) -> R {
        self.serialize_u64(u64::from(v))
    }
    fn serialize_str(mut self, v: &str) -> R {
        self.bytes(v.as_bytes());
        Ok(())
    }
    fn collect_str<T: std::fmt::Display + ?Sized>(self, value: &T) -> R {
        // as `serialize_str` of the text, written in place (no intermediate string)
        use std::fmt::Write;
        let at = self.0.len();
        self.0.extend_from_slice(&0u64.to_le_bytes());
        write!(Text(self.0), "{value}").map_err(<CanonError as ser::Error>::custom)?;
        let len = (self.0.len() - at - 8) as u64;
        self.0[at..at + 8].copy_from_slice(&len.to_le_bytes());
        Ok(())
    }
    fn serialize_bytes(mut self, v: &[u8]) -> R {
        self.bytes(v);
        Ok(())
    }
    fn serialize_none(self) -> R {
        self.0.push(0);
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> R {
        self.0.push(1);
        value.serialize(self)
    }
    fn serialize_unit(self) -> R {
        self.0.push(0);
        Ok(())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> R {
        self.serialize_unit()
    }
    fn serialize_unit_variant(self, _name: &'static str, index: u32, _variant: &'static str) -> R {
        self.serialize_u64(index.into())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _name: &'static str, value: &T) -> R {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        mut self,
        _name: &'static str,
        index: u32,
        _variant: &'static str,
        value: &T,
    ) -> R {
        self.u(index.into());
        value.serialize(self)
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self, CanonError> {
        Ok(self)
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self, CanonError> {
        Ok(self)
    }
    fn serialize_tuple_struct(self, _name: &'static str, _len: usize) -> Result<Self, CanonError> {
        Ok(self)
    }
    fn serialize_tuple_variant(
        mut self,
        _name: &'static str,
        index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self, CanonError> {
        self.u(index.into());
        Ok(self)
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self, CanonError> {
        Ok(self)
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Self, CanonError> {
        Ok(self)
    }
    fn serialize_struct_variant(
        mut self,
        _name: &'static str,
        index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self, CanonError> {
        self.u(index.into());
        Ok(self)
    }
}

impl Canon<'_> {
    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> R {
        self.0.push(1);
        value.serialize(Canon(self.0))
    }
    fn field<T: Serialize + ?Sized>(&mut self, value: &T) -> R {
        value.serialize(Canon(self.0))
    }
    fn close(self) {
        self.0.push(0);
    }
}

macro_rules! listing {
    ($($trait:ident :: $method:ident),*) => {$(
        impl ser::$trait for Canon<'_> {
            type Ok = ();
            type Error = CanonError;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> R {
                self.element(value)
            }
            fn end(self) -> R {
                self.close();
                Ok(())
            }
        }
    )*};
}

listing!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

impl ser::SerializeMap for Canon<'_> {
    type Ok = ();
    type Error = CanonError;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> R {
        self.element(key)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> R {
        self.field(value)
    }
    fn end(self) -> R {
        self.close();
        Ok(())
    }
}

impl ser::SerializeStruct for Canon<'_> {
    type Ok = ();
    type Error = CanonError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, _key: &'static str, value: &T) -> R {
        self.element(value)
    }
    fn skip_field(&mut self, _key: &'static str) -> R {
        self.0.push(0);
        Ok(())
    }
    fn end(self) -> R {
        Ok(())
    }
}

impl ser::SerializeStructVariant for Canon<'_> {
    type Ok = ();
    type Error = CanonError;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, _key: &'static str, value: &T) -> R {
        self.element(value)
    }
    fn skip_field(&mut self, _key: &'static str) -> R {
        self.0.push(0);
        Ok(())
    }
    fn end(self) -> R {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;

    #[derive(Serialize)]
    struct Rec {
        a: Option<String>,
        b: Vec<u32>,
        c: f64,
        #[serde(skip_serializing_if = "Option::is_none")]
        d: Option<u8>,
    }

    fn digest<T: Serialize>(v: &T) -> [u8; 32] {
        let mut h = Sha256::new();
        hash_record(&mut h, &mut Vec::new(), v);
        h.finalize().into()
    }

    fn rec(a: Option<&str>, b: &[u32], c: f64, d: Option<u8>) -> Rec {
        Rec {
            a: a.map(str::to_owned),
            b: b.to_vec(),
            c,
            d,
        }
    }

    #[test]
    fn collected_text_is_written_as_a_string() {
        struct Shown(&'static str);
        impl Serialize for Shown {
            fn serialize<S: ser::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(&format_args!("{}-{}", self.0, 'è'))
            }
        }
        let bytes = |v: &dyn Fn(Canon<'_>) -> R| {
            let mut buf = Vec::new();
            v(Canon(&mut buf)).unwrap();
            buf
        };
        assert_eq!(
            bytes(&|c| Shown("città").serialize(c)),
            bytes(&|c| "città-è".serialize(c))
        );
        let date = chrono::NaiveDate::from_ymd_opt(2025, 1, 2).unwrap();
        assert_eq!(
            bytes(&|c| date.serialize(c)),
            bytes(&|c| "2025-01-02".serialize(c))
        );
    }

    #[test]
    fn same_record_same_digest() {
        assert_eq!(
            digest(&rec(Some("x"), &[1, 2], 1.5, None)),
            digest(&rec(Some("x"), &[1, 2], 1.5, None))
        );
    }

    #[test]
    fn every_field_counts() {
        let base = digest(&rec(Some("x"), &[1, 2], 1.5, None));
        for other in [
            rec(None, &[1, 2], 1.5, None),
            rec(Some(""), &[1, 2], 1.5, None),
            rec(Some("x"), &[1], 1.5, None),
            rec(Some("x"), &[1, 2, 0], 1.5, None),
            rec(Some("x"), &[2, 1], 1.5, None),
            rec(Some("x"), &[1, 2], -1.5, None),
            rec(Some("x"), &[1, 2], 1.5, Some(0)),
        ] {
            assert_ne!(base, digest(&other));
        }
    }

    #[test]
    fn boundaries_are_not_ambiguous() {
        // Strings are length-prefixed, sequences terminated: moving a character or an element
        // across a boundary changes the digest.
        assert_ne!(digest(&("ab", "c")), digest(&("a", "bc")));
        // a text written through `Display` is the same as the text itself
        let date = chrono::NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
        assert_eq!(digest(&date), digest(&"2024-02-29"));
        assert_ne!(
            digest(&(vec![1u8], vec![2u8])),
            digest(&(vec![1u8, 2], Vec::<u8>::new()))
        );
    }
}
