//! Helpers shared by the end-to-end tests (spawning the binary, locating tools).
