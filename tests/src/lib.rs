//! Helpers shared by the end-to-end tests: locating and spawning the real `segit` binary on
//! port 0, HTTP GETs, running external clients (GDAL/OGR), and throw-away PostGIS schemas.
//!
//! The binary is `target/<profile>/segit`, built by `scripts/test` before the tests run
//! (`cargo build -p segit`).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// Path of the `segit` binary under test.
pub fn segit_binary() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"),
        PathBuf::from,
    );
    for profile in ["debug", "release"] {
        let candidate = target.join(profile).join("segit");
        if candidate.is_file() {
            return candidate;
        }
    }
    panic!("the segit binary is not built: run `cargo build -p segit` (scripts/test does it)");
}

/// Runs `segit <args>` to completion with extra environment variables.
pub fn run_segit(args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(segit_binary())
        .args(args)
        .envs(env.iter().copied())
        .env("SEGIT_LOG__FILTER", "warn")
        .output()
        .expect("segit starts")
}

/// A running `segit` server, killed when dropped.
pub struct Server {
    child: Child,
    /// base URL, e.g. `http://127.0.0.1:41234`
    pub url: String,
}

impl Server {
    /// Starts `segit <args>` with `SEGIT_SERVER__PORT=0` and waits (up to `timeout`) for the
    /// line announcing the bound address.
    pub fn start(args: &[&str], env: &[(&str, &str)], timeout: Duration) -> Server {
        let mut child = Command::new(segit_binary())
            .args(args)
            .envs(env.iter().copied())
            .env("SEGIT_SERVER__PORT", "0")
            .env("SEGIT_SERVER__BIND", "127.0.0.1")
            .env("SEGIT_LOG__FILTER", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("segit starts");
        let stderr = child.stderr.take().expect("piped stderr");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut announced = false;
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                if !announced {
                    if let Some(rest) = line.split("listening on ").nth(1) {
                        let url = rest
                            .split_whitespace()
                            .next()
                            .unwrap_or_default()
                            .to_owned();
                        announced = tx.send(Ok(url)).is_ok();
                        continue;
                    }
                    let _ = tx.send(Err(line));
                }
            }
        });
        let mut log = Vec::new();
        let deadline = std::time::Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match rx.recv_timeout(left) {
                Ok(Ok(url)) => return Server { child, url },
                Ok(Err(line)) => log.push(line),
                Err(_) => {
                    let _ = child.kill();
                    let status = child.wait().ok();
                    panic!(
                        "segit did not start within {timeout:?} (exit: {status:?}); stderr:\n{}",
                        log.join("\n")
                    );
                }
            }
        }
    }

    /// GET `path` (relative to the base URL): status, content type, body.
    pub fn get(&self, path: &str) -> (u16, String, String) {
        http_get(&format!("{}{path}", self.url))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// GET a URL: status, content type, body (error statuses are returned, not raised).
pub fn http_get(url: &str) -> (u16, String, String) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_mins(2)))
        .build()
        .into();
    let mut response = agent
        .get(url)
        .call()
        .unwrap_or_else(|e| panic!("GET {url}: {e}"));
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body = response
        .body_mut()
        .with_config()
        .limit(1 << 30)
        .read_to_string()
        .unwrap_or_else(|e| panic!("reading {url}: {e}"));
    (status, content_type, body)
}

/// Runs an external program; panics with its output when it cannot be started.
pub fn run_tool(program: &str, args: &[&str]) -> Output {
    Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} cannot be run ({e}); scripts/test installs it"))
}

/// URL of the PostgreSQL test database (`SEGIT_TEST_PG_URL`, default the local `segit_test`).
pub fn pg_url() -> String {
    std::env::var("SEGIT_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/segit_test".to_owned())
}

/// A throw-away schema name, unique per call.
pub fn fresh_schema(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!("{prefix}_{}_{nanos}", std::process::id())
}

/// Drops `schema` in the test database with `psql` (cleanup; failures are reported, not fatal).
pub fn drop_schema(schema: &str) {
    let out = Command::new("psql")
        .args([
            &pg_url(),
            "-q",
            "-c",
            &format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"),
        ])
        .output();
    if let Ok(out) = out
        && !out.status.success()
    {
        eprintln!(
            "dropping schema {schema}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
