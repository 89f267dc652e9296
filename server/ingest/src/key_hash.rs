//! 128-bit hashes of keys and ids, for the sets an ingest keeps over a whole collection
//! (ids already used, keys already seen): 16 bytes per key instead of the key's text, in maps
//! that do not hash them again ([`KeyMap`], [`KeySet`]).
//!
//! Two SipHash-1-3 passes with fixed, different keys (the standard library's `DefaultHasher`
//! with its fixed initial state), so the hash of a key is the same in every run. Two different
//! keys collide with a probability of about 2⁻¹²⁸ per pair: for the tens of millions of keys of
//! a large municipality the chance of one collision is below 10⁻²³.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, DefaultHasher, Hash, Hasher};

/// A 128-bit hash of a key, as two 64-bit words (8-byte aligned, so that map entries holding
/// one stay small).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyHash([u64; 2]);

impl Hash for KeyHash {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // already a hash: its first word is enough to place it in a table
        state.write_u64(self.0[0]);
    }
}

/// Hasher of [`KeyHash`] keys: takes the word they give as the hash.
#[derive(Debug, Default, Clone, Copy)]
pub struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// A map keyed by key hashes.
pub type KeyMap<V> = HashMap<KeyHash, V, BuildHasherDefault<PassThrough>>;

/// A set of key hashes.
pub type KeySet = HashSet<KeyHash, BuildHasherDefault<PassThrough>>;

/// The 128-bit hash of `key`.
pub fn key_hash(key: &str) -> KeyHash {
    value_hash(key)
}

/// The 128-bit hash of any hashable value (a typed key, a tuple of keys).
pub fn value_hash<T: Hash + ?Sized>(value: &T) -> KeyHash {
    let mut a = DefaultHasher::new();
    value.hash(&mut a);
    let mut b = DefaultHasher::new();
    0x5e_917_u32.hash(&mut b);
    value.hash(&mut b);
    KeyHash([a.finish(), b.finish()])
}

#[cfg(test)]
mod tests {
    use super::key_hash;

    #[test]
    fn equal_keys_hash_equal_and_different_keys_differ() {
        assert_eq!(key_hash("F205/1/F@1"), key_hash("F205/1/F@1"));
        assert_ne!(key_hash("F205/1/F@1"), key_hash("F205/1/F@2"));
        assert_ne!(key_hash(""), key_hash(" "));
        // the two halves are independent
        let h = key_hash("abc");
        assert_ne!(h.0[0], h.0[1]);
    }
}
