//! Layered settings: the embedded `config/default.toml`, then an optional file, then `SEGIT_*`
//! environment variables with `__` for nesting (`SEGIT_SERVER__PORT=9000` → `server.port`).
//!
//! Parsed once here and passed down; no other crate reads files or the environment. Environment
//! access goes through [`EnvSource`] so tests never touch the process environment. Unknown keys
//! (a typo in a file or in a `SEGIT_SECTION__KEY` variable) are errors that name their source.
//! `SEGIT_*` variables without `__` are not settings (e.g. test harness variables) and are ignored.

use std::fmt;
use std::path::{Path, PathBuf};

use figment::providers::{Format, Toml};
use figment::value::{Dict, Map, Value};
use figment::{Figment, Metadata, Profile, Provider};
use segit_query::Crs;
use serde::{Deserialize, Serialize};

/// Largest demo scale (50: about 250,000 parcels, 850,000 units).
pub const MAX_DEMO_SCALE: f64 = 50.0;

/// Checks a demo scale (from `demo.scale` or `--scale`); the error names the range.
pub fn check_demo_scale(scale: f64) -> Result<(), String> {
    if scale > 0.0 && scale <= MAX_DEMO_SCALE {
        Ok(())
    } else {
        Err(format!("{scale} must be in (0, {MAX_DEMO_SCALE}]"))
    }
}

/// The settings file compiled into the binary: the embedded demo on a GeoPackage file.
pub const DEFAULT_TOML: &str = include_str!("../../../config/default.toml");

/// All settings.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Settings {
    /// HTTP server
    pub server: ServerSettings,
    /// feature store
    pub store: StoreSettings,
    /// service metadata
    pub service: ServiceSettings,
    /// OGC API Features paging
    pub features: FeatureSettings,
    /// demo municipality
    pub demo: DemoSettings,
    /// supply ingest
    pub ingest: IngestSettings,
    /// correlation engine
    pub correlate: CorrelateSettings,
    /// logging
    pub log: LogSettings,
}

/// `[server]`
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct ServerSettings {
    /// listen address
    pub bind: String,
    /// TCP port (0: any free port)
    pub port: u16,
    /// public base URL (empty: derived from the bound address)
    pub public_url: String,
    /// worker threads (0: one per core)
    pub workers: usize,
}

/// Which backend holds the data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StoreKind {
    /// GeoPackage file (embedded default)
    Gpkg,
    /// PostgreSQL + PostGIS
    Postgis,
}

/// `[store]`
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct StoreSettings {
    /// backend
    pub kind: StoreKind,
    /// GeoPackage file
    pub path: PathBuf,
    /// PostgreSQL URL (a secret: may hold a password)
    pub url: Secret,
    /// PostgreSQL schema
    pub schema: String,
}

/// `[service]`
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct ServiceSettings {
    /// title of the landing page
    pub title: String,
    /// description of the landing page
    pub description: String,
}

/// `[features]`
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct FeatureSettings {
    /// default page size
    pub default_limit: u64,
    /// maximum page size
    pub max_limit: u64,
}

/// `[demo]`
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct DemoSettings {
    /// generator seed
    pub seed: u64,
    /// size factor
    pub scale: f64,
    /// storage CRS of the demo data
    pub storage_crs: String,
    /// where `segit demo` writes the demo supply before ingesting it
    pub supply_dir: PathBuf,
}

/// `[ingest]`
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct IngestSettings {
    /// storage CRS of the ingested data
    pub storage_crs: String,
    /// CRS of CXF maps without `crs.txt` (empty: `crs.txt` required)
    pub cxf_crs: String,
    /// where the diagnostics of the last ingest are written (JSON Lines)
    pub diagnostics_file: PathBuf,
}

/// `[correlate]`
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct CorrelateSettings {
    /// as-of date YYYY-MM-DD (empty: today)
    pub as_of: String,
    /// the catalogue's JSON parameters (empty: the reference defaults)
    pub params_file: PathBuf,
    /// key of the subjects' pseudonyms (HMAC); a secret
    pub pseudonym_key: SecretKey,
}

/// A key that is never printed: it serializes and formats as `***` (empty stays empty).
#[derive(Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct SecretKey(String);

impl SecretKey {
    /// The key, for the code that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    fn redacted(&self) -> &'static str {
        if self.0.is_empty() { "" } else { "***" }
    }
}

impl Serialize for SecretKey {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.redacted())
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.redacted())
    }
}

/// `[log]`
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct LogSettings {
    /// tracing filter directive
    pub filter: String,
}

/// A string that is never printed in full (connection URLs with passwords); it serializes
/// redacted too, so printing the settings never leaks it.
#[derive(Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(String);

impl Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&redact_url(&self.0))
    }
}

impl Secret {
    /// The secret value, for the code that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&redact_url(&self.0))
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&redact_url(&self.0))
    }
}

/// `postgres://user:pw@host/db` → `postgres://user:***@host/db`.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((userinfo, host)) = rest.rsplit_once('@') else {
        return url.to_owned();
    };
    match userinfo.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}

/// Where environment variables come from.
pub trait EnvSource {
    /// All variables, as (name, value).
    fn vars(&self) -> Vec<(String, String)>;
}

/// The process environment.
pub struct ProcessEnv;

impl EnvSource for ProcessEnv {
    fn vars(&self) -> Vec<(String, String)> {
        std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
            .collect()
    }
}

/// A fixed set of variables (tests).
#[cfg(test)]
pub struct StaticEnv(pub Vec<(String, String)>);

#[cfg(test)]
impl EnvSource for StaticEnv {
    fn vars(&self) -> Vec<(String, String)> {
        self.0.clone()
    }
}

/// Figment provider for `SEGIT_SECTION__KEY` variables.
struct SegitEnv(Vec<(String, String)>);

impl Provider for SegitEnv {
    fn metadata(&self) -> Metadata {
        Metadata::named("environment variable").interpolater(|_: &Profile, keys: &[&str]| {
            format!("SEGIT_{}", keys.join("__").to_ascii_uppercase())
        })
    }

    fn data(&self) -> Result<Map<Profile, Dict>, figment::Error> {
        let mut root = Dict::new();
        for (name, raw) in &self.0 {
            let Some(rest) = name.strip_prefix("SEGIT_") else {
                continue;
            };
            if !rest.contains("__") {
                continue;
            }
            let keys: Vec<String> = rest.split("__").map(str::to_ascii_lowercase).collect();
            let value: Value = raw
                .parse()
                .unwrap_or_else(|never: std::convert::Infallible| match never {});
            insert_path(&mut root, &keys, value);
        }
        Ok(Profile::Default.collect(root))
    }
}

fn insert_path(dict: &mut Dict, keys: &[String], value: Value) {
    match keys {
        [] => {}
        [last] => {
            dict.insert(last.clone(), value);
        }
        [first, rest @ ..] => {
            let entry = dict
                .entry(first.clone())
                .or_insert_with(|| Value::from(Dict::new()));
            if let Value::Dict(_, inner) = entry {
                insert_path(inner, rest, value);
            } else {
                let mut inner = Dict::new();
                insert_path(&mut inner, rest, value);
                *entry = Value::from(inner);
            }
        }
    }
}

/// A settings problem, naming the key and where it came from.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    /// the settings file named on the command line does not exist
    #[error("settings file {0} does not exist")]
    MissingFile(PathBuf),
    /// a value could not be read or has the wrong type
    #[error("{0}")]
    Invalid(String),
    /// keys that segit does not know
    #[error("unknown setting(s): {}", .0.join("; "))]
    UnknownKeys(Vec<String>),
}

impl Settings {
    /// Loads the embedded defaults, then `file` (if any), then the environment.
    pub fn load(file: Option<&Path>, env: &dyn EnvSource) -> Result<Self, SettingsError> {
        let mut figment = Figment::from(Toml::string(DEFAULT_TOML));
        if let Some(path) = file {
            if !path.is_file() {
                return Err(SettingsError::MissingFile(path.to_path_buf()));
            }
            figment = figment.merge(Toml::file(path));
        }
        figment = figment.merge(SegitEnv(env.vars()));
        let unknown = unknown_keys(&figment)?;
        if !unknown.is_empty() {
            return Err(SettingsError::UnknownKeys(unknown));
        }
        let settings: Settings = figment
            .extract()
            .map_err(|e| SettingsError::Invalid(describe(&e)))?;
        settings.validate()?;
        Ok(settings)
    }

    /// Checks values that types alone do not constrain.
    fn validate(&self) -> Result<(), SettingsError> {
        let invalid = |m: String| Err(SettingsError::Invalid(m));
        if self.features.default_limit == 0 || self.features.max_limit == 0 {
            return invalid(
                "features.default_limit and features.max_limit must be at least 1".into(),
            );
        }
        if self.features.default_limit > self.features.max_limit {
            return invalid(format!(
                "features.default_limit ({}) exceeds features.max_limit ({})",
                self.features.default_limit, self.features.max_limit
            ));
        }
        let url = &self.server.public_url;
        if !(url.is_empty() || url.starts_with("http://") || url.starts_with("https://")) {
            return invalid(format!(
                "server.public_url '{}' must start with http:// or https://",
                self.server.public_url
            ));
        }
        if let Err(e) = Crs::parse(&self.demo.storage_crs) {
            return invalid(format!("demo.storage_crs: {e}"));
        }
        if let Err(e) = Crs::parse(&self.ingest.storage_crs) {
            return invalid(format!("ingest.storage_crs: {e}"));
        }
        if !self.ingest.cxf_crs.is_empty()
            && let Err(e) = Crs::parse(&self.ingest.cxf_crs)
        {
            return invalid(format!("ingest.cxf_crs: {e}"));
        }
        if !self.correlate.as_of.is_empty()
            && chrono::NaiveDate::parse_from_str(&self.correlate.as_of, "%Y-%m-%d").is_err()
        {
            return invalid(format!(
                "correlate.as_of '{}' is not a date YYYY-MM-DD",
                self.correlate.as_of
            ));
        }
        if let Err(e) = check_demo_scale(self.demo.scale) {
            return invalid(format!("demo.scale {e}"));
        }
        if self.store.kind == StoreKind::Postgis && self.store.url.expose().is_empty() {
            return invalid("store.url is required when store.kind = \"postgis\"".into());
        }
        if self.store.kind == StoreKind::Postgis && !is_identifier(&self.store.schema) {
            return invalid(format!(
                "store.schema '{}' must be lower-case letters, digits and '_'",
                self.store.schema
            ));
        }
        Ok(())
    }

    /// The public base URL given the address actually bound, without a trailing slash.
    pub fn public_url(&self, bound: std::net::SocketAddr) -> String {
        if self.server.public_url.is_empty() {
            format!("http://{bound}")
        } else {
            self.server.public_url.trim_end_matches('/').to_owned()
        }
    }
}

fn is_identifier(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && !s.as_bytes()[0].is_ascii_digit()
}

fn describe(e: &figment::Error) -> String {
    e.clone()
        .into_iter()
        .map(|err| {
            let key = err.path.join(".");
            let source = err
                .metadata
                .as_ref()
                .map(|m| {
                    let name = m.interpolate(&err.profile.clone().unwrap_or_default(), &err.path);
                    match &m.source {
                        Some(src) => format!(" ({name} in {src})"),
                        None => format!(" ({name})"),
                    }
                })
                .unwrap_or_default();
            format!("setting '{key}'{source}: {}", err.kind)
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Keys present in the merged settings that the `Settings` struct does not have.
fn unknown_keys(figment: &Figment) -> Result<Vec<String>, SettingsError> {
    let template: Figment = Figment::from(Toml::string(DEFAULT_TOML));
    let known: Dict = template
        .extract::<Dict>()
        .map_err(|e| SettingsError::Invalid(format!("built-in defaults: {e}")))?;
    let merged: Dict = figment
        .extract::<Dict>()
        .map_err(|e| SettingsError::Invalid(describe(&e)))?;
    let mut out = Vec::new();
    collect_unknown(figment, &merged, &known, "", &mut out);
    Ok(out)
}

fn collect_unknown(
    figment: &Figment,
    merged: &Dict,
    known: &Dict,
    prefix: &str,
    out: &mut Vec<String>,
) {
    for (key, value) in merged {
        let path = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match known.get(key) {
            None => {
                let source = figment
                    .find_metadata(&path)
                    .map(|m| {
                        let keys: Vec<&str> = path.split('.').collect();
                        let name = m.interpolate(&Profile::Default, &keys);
                        match &m.source {
                            Some(src) => format!(" (from {src})"),
                            None => format!(" (from {name})"),
                        }
                    })
                    .unwrap_or_default();
                out.push(format!("'{path}'{source}"));
            }
            Some(Value::Dict(_, known_inner)) => {
                if let Value::Dict(_, inner) = value {
                    collect_unknown(figment, inner, known_inner, &path, out);
                }
            }
            Some(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &[(&str, &str)]) -> StaticEnv {
        StaticEnv(
            vars.iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn defaults_are_the_embedded_gpkg_demo() {
        let s = Settings::load(None, &env(&[])).unwrap();
        assert_eq!(s.store.kind, StoreKind::Gpkg);
        assert_eq!(s.server.port, 8080);
        assert_eq!(s.server.bind, "127.0.0.1");
    }

    #[test]
    fn environment_overrides_with_double_underscore_nesting() {
        let s = Settings::load(
            None,
            &env(&[
                ("SEGIT_SERVER__PORT", "9000"),
                ("SEGIT_STORE__PATH", "/tmp/x.gpkg"),
                ("SEGIT_TEST_PG_URL", "postgres://ignored"),
            ]),
        )
        .unwrap();
        assert_eq!(s.server.port, 9000);
        assert_eq!(s.store.path, PathBuf::from("/tmp/x.gpkg"));
    }

    #[test]
    fn unknown_environment_key_is_reported_with_its_variable() {
        let err = Settings::load(None, &env(&[("SEGIT_SERVER__PROT", "1")])).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("server.prot"), "{msg}");
        assert!(msg.contains("SEGIT_SERVER__PROT"), "{msg}");
    }

    #[test]
    fn unknown_file_key_is_reported_with_its_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.toml");
        std::fs::write(&path, "[store]\npaht = \"a\"\n[nonsense]\nx = 1\n").unwrap();
        let msg = Settings::load(Some(&path), &env(&[]))
            .unwrap_err()
            .to_string();
        assert!(msg.contains("store.paht"), "{msg}");
        assert!(msg.contains("nonsense"), "{msg}");
        assert!(msg.contains("x.toml"), "{msg}");
    }

    #[test]
    fn wrong_types_and_values_name_the_setting() {
        let msg = Settings::load(None, &env(&[("SEGIT_SERVER__PORT", "eighty")]))
            .unwrap_err()
            .to_string();
        assert!(msg.contains("server.port"), "{msg}");
        let msg = Settings::load(None, &env(&[("SEGIT_STORE__KIND", "oracle")]))
            .unwrap_err()
            .to_string();
        assert!(msg.contains("store.kind"), "{msg}");
        let msg = Settings::load(None, &env(&[("SEGIT_DEMO__STORAGE_CRS", "EPSG:2154")]))
            .unwrap_err()
            .to_string();
        assert!(msg.contains("demo.storage_crs"), "{msg}");
        let msg = Settings::load(None, &env(&[("SEGIT_STORE__KIND", "postgis")]))
            .unwrap_err()
            .to_string();
        assert!(msg.contains("store.url"), "{msg}");
    }

    #[test]
    fn missing_settings_file_is_named() {
        let msg = Settings::load(Some(Path::new("/nonexistent/segit.toml")), &env(&[]))
            .unwrap_err()
            .to_string();
        assert!(msg.contains("/nonexistent/segit.toml"), "{msg}");
    }

    #[test]
    fn secrets_are_redacted() {
        assert_eq!(
            redact_url("postgres://u:pw@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(redact_url("postgres://u@h/db"), "postgres://u@h/db");
        let s = Secret("postgres://u:pw@h/db".into());
        assert!(!format!("{s:?} {s}").contains("pw"));
        let k = SecretKey("office key".into());
        assert_eq!(format!("{k:?}"), "***");
        assert_eq!(serde_json::to_string(&k).unwrap(), "\"***\"");
        assert_eq!(format!("{:?}", SecretKey::default()), "");
    }
}
