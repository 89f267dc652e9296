//! The `segit` binary.

fn main() {}
