//! Answers stream: serving 100 000 features (about 60 MB of properties) must not hold them all.
//!
//! The rows are generated inside PostgreSQL so that this process never owned them; the peak
//! resident memory is reset (`/proc/self/clear_refs`) before the query and read afterwards.
//! This file holds a single test so nothing else allocates in the process meanwhile.

mod common;

use async_trait::async_trait;
use common::TestSchema;
use segit_query::{
    Collection, Crs, Feature, FeatureQuery, FeatureSink, GeometryType, Identity, Property,
    PropertyType, QueryStats, SinkError,
};
use segit_store::FeatureStore;
use segit_store_postgis::quote_ident;

const FEATURES: u64 = 100_000;
const TEXT_BYTES: usize = 600;

/// Counts features and drops them, as an encoder writing to a socket does.
#[derive(Default)]
struct Counting {
    features: u64,
    bytes: usize,
}

#[async_trait]
impl FeatureSink for Counting {
    async fn begin(&mut self, _: &Collection) -> Result<(), SinkError> {
        Ok(())
    }
    async fn feature(&mut self, f: Feature) -> Result<(), SinkError> {
        self.features += 1;
        self.bytes += f
            .properties
            .iter()
            .map(|(_, v)| v.to_string().len())
            .sum::<usize>();
        Ok(())
    }
    async fn end(&mut self, _: QueryStats) -> Result<(), SinkError> {
        Ok(())
    }
}

fn kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or_else(|| panic!("no {field} in /proc/self/status"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_thousand_features_stream_in_bounded_memory() {
    let t = TestSchema::new().await;
    let collection = Collection {
        id: "big".into(),
        title: "Big".into(),
        description: String::new(),
        keywords: vec![],
        geometry_type: GeometryType::Point,
        storage_crs: Crs::Epsg(7791),
        properties: vec![
            Property::new("n", PropertyType::Integer, "N"),
            Property::new("txt", PropertyType::Text, "Text"),
        ],
        temporal: None,
        extent: None,
    };
    let mut ingest = t.store.begin_ingest().await.expect("begin");
    ingest.create_collection(&collection).await.expect("create");
    ingest.commit().await.expect("commit");
    let (client, conn) = tokio_postgres::connect(&common::pg_url(), tokio_postgres::NoTls)
        .await
        .expect("connect");
    tokio::spawn(conn);
    let table = format!("{}.{}", quote_ident(&t.name), quote_ident("big"));
    client
        .execute(
            &format!(
                "INSERT INTO {table} (id, geom, n, txt) \
                 SELECT 'f' || lpad(i::text, 6, '0'), \
                        ST_SetSRID(ST_MakePoint(500000 + i % 1000, 5000000 + i / 1000), 7791), \
                        i, repeat(chr((97 + i % 26)::integer), $1::integer) \
                 FROM generate_series(1, $2::bigint) AS i"
            ),
            &[
                &i32::try_from(TEXT_BYTES).expect("small"),
                &i64::try_from(FEATURES).expect("small"),
            ],
        )
        .await
        .expect("generate rows");

    let q = FeatureQuery::new("big", Identity::System);
    // warm up: pool connection, prepared statement, transformer tables
    let mut warm = FeatureQuery::new("big", Identity::System);
    warm.limit = Some(10);
    t.store
        .query(&warm, &mut Counting::default())
        .await
        .expect("warm-up");

    std::fs::write("/proc/self/clear_refs", "5").expect("reset peak RSS");
    let before = kib("VmHWM:");
    let mut sink = Counting::default();
    let stats = t.store.query(&q, &mut sink).await.expect("query");
    let peak = kib("VmHWM:");

    assert_eq!(sink.features, FEATURES);
    assert_eq!(stats.number_returned, FEATURES);
    assert_eq!(stats.number_matched, FEATURES);
    let payload_kib = (sink.bytes / 1024) as u64;
    assert!(
        payload_kib > 55_000,
        "the answer should be large ({payload_kib} KiB)"
    );
    let growth = peak.saturating_sub(before);
    eprintln!("streamed {payload_kib} KiB of properties, peak memory grew by {growth} KiB");
    assert!(
        growth < payload_kib / 4,
        "peak memory grew by {growth} KiB while streaming {payload_kib} KiB of properties"
    );
}
