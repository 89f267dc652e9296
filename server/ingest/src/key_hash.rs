//! 128-bit hashes of keys and ids, for the sets an ingest keeps over a whole collection
//! (ids already used, keys already seen): 16 bytes per key instead of the key's text.
//!
//! Two SipHash-1-3 passes with fixed, different keys (the standard library's `DefaultHasher`
//! with its fixed initial state), so the hash of a key is the same in every run. Two different
//! keys collide with a probability of about 2⁻¹²⁸ per pair: for the tens of millions of keys of
//! a large municipality the chance of one collision is below 10⁻²³.

use std::hash::{DefaultHasher, Hash, Hasher};

/// The 128-bit hash of `key`.
pub fn key_hash(key: &str) -> u128 {
    value_hash(key)
}

/// The 128-bit hash of any hashable value (a typed key, a tuple of keys).
pub fn value_hash<T: Hash + ?Sized>(value: &T) -> u128 {
    let mut a = DefaultHasher::new();
    value.hash(&mut a);
    let mut b = DefaultHasher::new();
    0x5e_917_u32.hash(&mut b);
    value.hash(&mut b);
    (u128::from(a.finish()) << 64) | u128::from(b.finish())
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
        assert_ne!(h >> 64, h & u128::from(u64::MAX));
    }
}
