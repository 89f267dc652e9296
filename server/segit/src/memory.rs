//! The process's resident memory, logged by the batch commands at each stage so a run's
//! memory can be followed without a profiler.

/// The resident set size in MB (`VmRSS` of `/proc/self/status`); `None` where the system
/// does not tell it (not Linux).
pub fn resident_mb() -> Option<u64> {
    status_mb("VmRSS:")
}

/// The most the resident set has been so far, in MB (`VmHWM`); `None` where the system does
/// not tell it.
pub fn peak_mb() -> Option<u64> {
    status_mb("VmHWM:")
}

/// A field of `/proc/self/status` given in kB, in MB.
fn status_mb(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kib: u64 = line
        .trim_start_matches(field)
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kib / 1024)
}

#[cfg(test)]
mod tests {
    #[test]
    #[cfg(target_os = "linux")]
    fn a_running_process_has_resident_memory() {
        let mb = super::resident_mb().expect("VmRSS on Linux");
        let peak = super::peak_mb().expect("VmHWM on Linux");
        // a test binary holds at least its code, and far less than the machine
        assert!((1..64 * 1024).contains(&mb), "{mb} MB");
        assert!(peak >= mb, "peak {peak} MB below the resident {mb} MB");
    }
}
