//! Writes the demo municipality as a supply directory:
//! `cargo run --release -p segit-demo --example write_supply -- <dir> [seed] [scale]`.

use std::path::PathBuf;

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().unwrap_or_else(|| "data/demo-supply".to_owned()));
    let seed = args.next().and_then(|s| s.parse().ok()).unwrap_or(2025);
    let scale = args.next().and_then(|s| s.parse().ok()).unwrap_or(1.0);
    let m = segit_demo::generate(&segit_demo::DemoParams { seed, scale });
    let truth =
        segit_demo::supply::write_supply(&m, &dir, &segit_demo::supply::SupplyOptions::default())?;
    eprintln!("wrote {} ({} files)", dir.display(), truth.files.len());
    Ok(())
}
