//! [`GeoJsonSink`]: writes a GeoJSON FeatureCollection as the store feeds it.
//!
//! `begin` writes the header, each `feature` appends one Feature, `end` writes
//! `numberReturned`, `numberMatched`, `timeStamp` and the paging links (which depend on the
//! counts, known only then). Bytes are handed to a [`ChunkOutput`] whenever the buffer reaches
//! the chunk size, so memory stays bounded whatever the number of features.

use async_trait::async_trait;
use bytes::Bytes;
use segit_query::{Collection, Feature, FeatureSink, QueryStats, SinkError};
use tokio::sync::{mpsc, oneshot};

use crate::common::links::Link;
use crate::encode::json::{write_feature, write_links, write_str};

/// Default size of the chunks handed to the output.
pub const CHUNK_SIZE: usize = 32 * 1024;

/// Where encoded chunks go.
#[async_trait]
pub trait ChunkOutput: Send {
    /// Takes one chunk; fails with [`SinkError::Closed`] when nobody reads any more.
    async fn send(&mut self, chunk: Bytes) -> Result<(), SinkError>;
}

/// The server's output: a bounded channel whose receiver is the response body.
#[async_trait]
impl ChunkOutput for mpsc::Sender<Result<Bytes, std::io::Error>> {
    async fn send(&mut self, chunk: Bytes) -> Result<(), SinkError> {
        mpsc::Sender::send(self, Ok(chunk))
            .await
            .map_err(|_| SinkError::Closed)
    }
}

/// An in-memory output (tests, benchmarks).
#[async_trait]
impl ChunkOutput for Vec<Bytes> {
    async fn send(&mut self, chunk: Bytes) -> Result<(), SinkError> {
        self.push(chunk);
        Ok(())
    }
}

/// Computes the collection's links from the final counts (`self`, `next`, `prev`, ...).
pub type TrailerLinks = Box<dyn FnOnce(&QueryStats) -> Vec<Link> + Send>;

/// A streaming GeoJSON FeatureCollection encoder.
pub struct GeoJsonSink<O: ChunkOutput> {
    out: O,
    buf: Vec<u8>,
    chunk_size: usize,
    swap_axes: bool,
    first: bool,
    links: Option<TrailerLinks>,
    on_begin: Option<oneshot::Sender<()>>,
    begun: bool,
    chunks_sent: u64,
}

impl<O: ChunkOutput> GeoJsonSink<O> {
    /// A sink writing to `out`; `swap_axes` writes coordinates north/east (latitude first).
    pub fn new(out: O, swap_axes: bool, links: TrailerLinks) -> Self {
        Self {
            out,
            buf: Vec::with_capacity(CHUNK_SIZE + 4096),
            chunk_size: CHUNK_SIZE,
            swap_axes,
            first: true,
            links: Some(links),
            on_begin: None,
            begun: false,
            chunks_sent: 0,
        }
    }

    /// Signals `tx` when the store calls `begin` (the answer is known to start).
    #[must_use]
    pub fn notify_begin(mut self, tx: oneshot::Sender<()>) -> Self {
        self.on_begin = Some(tx);
        self
    }

    /// Sets the size at which buffered bytes are handed to the output.
    #[must_use]
    pub fn chunk_size(mut self, size: usize) -> Self {
        self.chunk_size = size.max(1);
        self
    }

    /// Whether `begin` was called.
    pub fn begun(&self) -> bool {
        self.begun
    }

    /// Number of chunks handed to the output so far.
    pub fn chunks_sent(&self) -> u64 {
        self.chunks_sent
    }

    /// The output, once encoding is over.
    pub fn into_output(self) -> O {
        self.out
    }

    async fn flush(&mut self) -> Result<(), SinkError> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(
            &mut self.buf,
            Vec::with_capacity(self.chunk_size + 4096),
        ));
        self.chunks_sent += 1;
        self.out.send(chunk).await
    }
}

#[async_trait]
impl<O: ChunkOutput> FeatureSink for GeoJsonSink<O> {
    async fn begin(&mut self, _collection: &Collection) -> Result<(), SinkError> {
        self.buf
            .extend_from_slice(br#"{"type":"FeatureCollection","features":["#);
        self.begun = true;
        if let Some(tx) = self.on_begin.take() {
            // the receiver may have given up (client gone); the channel then tells us
            let _ = tx.send(());
        }
        Ok(())
    }

    async fn feature(&mut self, feature: Feature) -> Result<(), SinkError> {
        if !self.first {
            self.buf.push(b',');
        }
        self.first = false;
        write_feature(&mut self.buf, &feature, self.swap_axes, None);
        if self.buf.len() >= self.chunk_size {
            self.flush().await?;
        }
        Ok(())
    }

    async fn end(&mut self, stats: QueryStats) -> Result<(), SinkError> {
        let b = &mut self.buf;
        b.extend_from_slice(br#"],"numberReturned":"#);
        b.extend_from_slice(stats.number_returned.to_string().as_bytes());
        b.extend_from_slice(br#","numberMatched":"#);
        b.extend_from_slice(stats.number_matched.to_string().as_bytes());
        b.extend_from_slice(br#","timeStamp":"#);
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        write_str(b, &now);
        b.extend_from_slice(br#","links":"#);
        let links = self.links.take().map(|f| f(&stats)).unwrap_or_default();
        write_links(b, &links);
        b.push(b'}');
        self.flush().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo_types::{Geometry, point};
    use segit_query::{Crs, GeometryType, Value};

    fn collection() -> Collection {
        Collection {
            id: "c".into(),
            title: "C".into(),
            description: String::new(),
            keywords: vec![],
            geometry_type: GeometryType::Point,
            storage_crs: Crs::Crs84,
            properties: vec![],
            temporal: None,
            extent: None,
        }
    }

    #[tokio::test]
    async fn writes_a_feature_collection_in_chunks() {
        let links: TrailerLinks = Box::new(|s| {
            vec![Link::new(
                format!("http://h/items?n={}", s.number_matched),
                "self",
                "application/geo+json",
                "this page",
            )]
        });
        let mut sink = GeoJsonSink::new(Vec::new(), false, links).chunk_size(256);
        sink.begin(&collection()).await.unwrap();
        for i in 0..100 {
            let f = Feature {
                id: i.to_string(),
                geometry: Some(Geometry::Point(point! { x: f64::from(i), y: 1.5 })),
                properties: vec![("v".into(), Value::Int(i64::from(i)))],
            };
            sink.feature(f).await.unwrap();
        }
        sink.end(QueryStats {
            number_matched: 250,
            number_returned: 100,
        })
        .await
        .unwrap();
        assert!(sink.chunks_sent() > 10);
        let chunks = sink.into_output();
        let body: Vec<u8> = chunks.iter().flat_map(|c| c.iter().copied()).collect();
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v["features"].as_array().unwrap().len(), 100);
        assert_eq!(v["numberMatched"], 250);
        assert_eq!(v["numberReturned"], 100);
        assert_eq!(v["links"][0]["href"], "http://h/items?n=250");
        assert_eq!(v["features"][99]["properties"]["v"], 99);
    }
}
