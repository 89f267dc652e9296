//! The subcommands.

use std::process::ExitCode;
use std::sync::Arc;

use actix_web::{App, HttpServer, middleware};
use anyhow::Context;
use segit_store::FeatureStore;

use crate::cli::Command;
use crate::settings::{Settings, StoreKind, check_demo_scale};
use crate::stores::{self, Create};

/// Runs one subcommand to completion: those that serve on the actix system, the batch ones
/// (ingest, correlate, migrate, check-config) on a multi-threaded runtime, so that the tasks a
/// store spawns (the PostGIS COPY of the next rows) run on a core beside the pipeline.
pub fn run(command: Command, settings: Settings) -> anyhow::Result<ExitCode> {
    let serves = matches!(command, Command::Serve | Command::Demo { .. });
    let work = execute(command, settings);
    if serves {
        return actix_web::rt::System::new().block_on(work);
    }
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the runtime")?
        .block_on(work)
}

/// The subcommand's work.
async fn execute(command: Command, settings: Settings) -> anyhow::Result<ExitCode> {
    match command {
        Command::Serve => {
            let store = stores::open(&settings.store, Create::Never).await?;
            serve(&settings, store).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Demo {
            seed,
            scale,
            no_serve,
            direct,
        } => {
            let params = demo_params(&settings, seed, scale)?;
            if direct {
                let store = stores::open(&settings.store, Create::IfMissing).await?;
                load_demo_direct(store.as_ref(), &params).await?;
                // the directly published layers are not the ingest's collections the
                // engine reads
                tracing::info!("--direct: no correlation (it reads the ingested collections)");
            } else {
                let tax_year = load_demo_supply(&settings, &params).await?;
                correlate_demo(&settings, tax_year).await?;
            }
            if !no_serve {
                let store = stores::open(&settings.store, Create::Never).await?;
                serve(&settings, store).await?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Ingest {
            dir,
            kind,
            cxf_crs,
            supply_date,
            diagnostics,
        } => {
            let args = crate::ingest::IngestArgs {
                dir,
                kind,
                cxf_crs,
                supply_date,
                diagnostics,
            };
            crate::ingest::run(&settings, args).await
        }
        Command::Correlate {
            rules,
            as_of,
            params,
        } => {
            let args = crate::correlate::CorrelateArgs {
                rules,
                as_of,
                params,
            };
            crate::correlate::run(&settings, args).await
        }
        Command::Migrate => migrate(&settings).await,
        Command::CheckConfig => check_config(&settings).await,
    }
}

fn demo_params(
    settings: &Settings,
    seed: Option<u64>,
    scale: Option<f64>,
) -> anyhow::Result<segit_demo::DemoParams> {
    let params = segit_demo::DemoParams {
        seed: seed.unwrap_or(settings.demo.seed),
        scale: scale.unwrap_or(settings.demo.scale),
    };
    check_demo_scale(params.scale).map_err(|e| anyhow::anyhow!("--scale {e}"))?;
    Ok(params)
}

/// The demo through the real path: the generated municipality is written as a supply directory
/// (CXF, INSPIRE GML, FAB/TER/SOG/TIT, registers, with some malformed records) and ingested.
async fn load_demo_supply(
    settings: &Settings,
    params: &segit_demo::DemoParams,
) -> anyhow::Result<i32> {
    let dir = settings.demo.supply_dir.clone();
    if dir.exists() {
        anyhow::ensure!(
            dir.join("truth.json").is_file(),
            "demo.supply_dir {} exists and is not a demo supply (no truth.json): not replacing it",
            dir.display()
        );
        std::fs::remove_dir_all(&dir)
            .with_context(|| format!("removing the old demo supply {}", dir.display()))?;
    }
    tracing::info!(seed = params.seed, scale = params.scale, supply = %dir.display(), "writing the demo supply");
    let municipality = segit_demo::generate(params);
    segit_demo::supply::write_supply(
        &municipality,
        &dir,
        &segit_demo::supply::SupplyOptions::default(),
    )
    .with_context(|| {
        format!(
            "writing the demo supply into demo.supply_dir {}",
            dir.display()
        )
    })?;
    let mut ingest_settings = settings.clone();
    ingest_settings
        .ingest
        .storage_crs
        .clone_from(&settings.demo.storage_crs);
    let args = crate::ingest::IngestArgs {
        dir,
        kind: None,
        cxf_crs: None,
        supply_date: None,
        diagnostics: None,
    };
    // exit code 10 (records rejected) is expected: the demo supply plants malformed records
    crate::ingest::run(&ingest_settings, args).await?;
    Ok(municipality.tax_year)
}

/// The correlation of the demo at the end of its tax year (the date its planted cases are true
/// for), so that the anomaly layers are served next to the cadastral ones.
async fn correlate_demo(settings: &Settings, tax_year: i32) -> anyhow::Result<()> {
    let as_of = chrono::NaiveDate::from_ymd_opt(tax_year, 12, 31)
        .with_context(|| format!("demo tax year {tax_year}"))?;
    let params = crate::correlate::params(settings, None)?;
    let store = stores::open(&settings.store, Create::Never).await?;
    let options = segit_correlate::RunOptions {
        as_of,
        only: Vec::new(),
    };
    let outcome = crate::correlate::correlate(store.as_ref(), settings, &params, &options)
        .await
        .context("correlating the demo")?;
    for line in outcome.report().lines() {
        tracing::info!("correlate: {line}");
    }
    Ok(())
}

/// The generated layers published directly, without supply files (fast; benchmarks).
async fn load_demo_direct(
    store: &dyn FeatureStore,
    params: &segit_demo::DemoParams,
) -> anyhow::Result<()> {
    tracing::info!(
        seed = params.seed,
        scale = params.scale,
        "generating the demo municipality"
    );
    let municipality = segit_demo::generate(params);
    let summary = segit_demo::write_to(store, &municipality)
        .await
        .context("writing the demo municipality into the store")?;
    for (collection, count) in &summary.counts {
        tracing::info!(collection = %collection, features = count, "demo layer loaded");
    }
    Ok(())
}

async fn serve(settings: &Settings, store: Arc<dyn FeatureStore>) -> anyhow::Result<()> {
    let listener =
        std::net::TcpListener::bind((settings.server.bind.as_str(), settings.server.port))
            .with_context(|| {
                format!(
                    "cannot listen on server.bind = {}, server.port = {}",
                    settings.server.bind, settings.server.port
                )
            })?;
    let bound = listener.local_addr()?;
    let public_url = settings.public_url(bound);
    // the catalog is read by every request: keep it for a second (ingests through this process
    // refresh it at once; other processes' within the second)
    let store: Arc<dyn FeatureStore> = Arc::new(segit_store::CatalogCache::new(
        store,
        std::time::Duration::from_secs(1),
    ));
    let state = segit_ogc::AppState {
        store,
        config: segit_ogc::ServiceConfig {
            public_url: public_url.clone(),
            title: settings.service.title.clone(),
            description: settings.service.description.clone(),
            default_limit: settings.features.default_limit,
            max_limit: settings.features.max_limit,
        },
    };
    let workers = match settings.server.workers {
        0 => std::thread::available_parallelism().map_or(2, std::num::NonZero::get),
        n => n,
    };
    eprintln!("segit: listening on http://{bound} (public URL {public_url})");
    HttpServer::new(move || {
        App::new()
            .wrap(middleware::Logger::new("%a \"%r\" %s %b %Dms"))
            .configure(segit_ogc::configure(state.clone()))
    })
    .workers(workers)
    .listen(listener)?
    .run()
    .await
    .context("HTTP server failed")
}

async fn migrate(settings: &Settings) -> anyhow::Result<ExitCode> {
    if settings.store.kind != StoreKind::Postgis {
        eprintln!(
            "segit: store.kind is \"gpkg\": the GeoPackage file needs no migrations (it is created by `segit demo`)"
        );
        return Ok(ExitCode::SUCCESS);
    }
    let applied = segit_store_postgis::migrate(settings.store.url.expose(), &settings.store.schema)
        .await
        .with_context(|| format!("store.url = {}", settings.store.url))?;
    if applied.is_empty() {
        eprintln!("segit: schema '{}' is up to date", settings.store.schema);
    }
    for name in applied {
        eprintln!("segit: applied migration {name}");
    }
    Ok(ExitCode::SUCCESS)
}

async fn check_config(settings: &Settings) -> anyhow::Result<ExitCode> {
    let json = serde_json::to_string_pretty(settings)?;
    eprintln!("segit: settings are valid; effective values:\n{json}");
    match stores::open(&settings.store, Create::Never).await {
        Ok(_) => {
            eprintln!("segit: the store opens correctly");
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("segit: the store cannot be opened: {e:#}");
            Ok(ExitCode::from(3))
        }
    }
}
