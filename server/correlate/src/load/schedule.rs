//! Reading a bounded number of collections at a time.
//!
//! Each collection is a [`Job`]: its read starts once the jobs it depends on are done, at most
//! `in_flight` reads run at once, and never two of the biggest collections together (their
//! memory is what the load's peak is made of). Among the jobs that may start, a big one starts
//! first (when reads run together), else the first in loading order. Every job fills its own
//! output, so the records of a collection are in the store's order whatever the interleaving;
//! the report lists the collections in loading order. The reads are polled together on the
//! caller's task: the store decodes their rows on its own threads while their features are
//! converted here, between the polls, where the progress is also reported.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::Poll;

use segit_query::Catalog;

use super::{CollectionLoad, LoadError, Progress};

/// Features between two progress reports of a collection being read.
const PROGRESS_STEP: u64 = 10_000;

/// The read of one collection: what it loaded (`None` when the catalog lacks it).
pub(super) type Read<'a> =
    Pin<Box<dyn Future<Output = Result<Option<CollectionLoad>, LoadError>> + 'a>>;

/// One collection to read.
pub(super) struct Job<'a> {
    /// the collection
    pub name: &'static str,
    /// one of the biggest collections: never read beside another one
    pub big: bool,
    /// the collections that must be read first
    pub after: &'static [&'static str],
    /// makes the read once the collections `after` are read; it counts the features it has
    /// read so far in the counter it is given
    pub start: Box<dyn FnOnce(Arc<AtomicU64>) -> Read<'a> + 'a>,
}

impl<'a> Job<'a> {
    pub(super) fn new(
        name: &'static str,
        start: impl FnOnce(Arc<AtomicU64>) -> Read<'a> + 'a,
    ) -> Self {
        Self {
            name,
            big: false,
            after: &[],
            start: Box::new(start),
        }
    }

    /// One of the biggest collections.
    pub(super) fn big(mut self) -> Self {
        self.big = true;
        self
    }

    /// Read once `after` are read.
    pub(super) fn after(mut self, after: &'static [&'static str]) -> Self {
        self.after = after;
        self
    }
}

/// A read under way.
struct Running<'a> {
    job: usize,
    read: Read<'a>,
    seen: Arc<AtomicU64>,
    reported: u64,
}

/// Runs `jobs` (in loading order), at most `in_flight` at a time; the loads of the collections
/// found, in loading order.
///
/// # Errors
/// The first [`LoadError`] of a read; the other reads under way are dropped.
pub(super) async fn run(
    jobs: Vec<Job<'_>>,
    catalog: &Catalog,
    in_flight: usize,
    progress: &mut dyn FnMut(&str, Progress),
) -> Result<Vec<CollectionLoad>, LoadError> {
    let names: Vec<&'static str> = jobs.iter().map(|j| j.name).collect();
    let big: Vec<bool> = jobs.iter().map(|j| j.big).collect();
    let mut after: Vec<Vec<usize>> = Vec::with_capacity(jobs.len());
    for j in &jobs {
        let mut needs = Vec::with_capacity(j.after.len());
        for a in j.after {
            let Some(i) = names.iter().position(|n| n == a) else {
                return Err(never_read(j.name, a));
            };
            needs.push(i);
        }
        after.push(needs);
    }
    let mut waiting: Vec<Option<_>> = jobs.into_iter().map(|j| Some(j.start)).collect();
    let mut done = vec![false; names.len()];
    let mut loads: Vec<Option<CollectionLoad>> = vec![None; names.len()];
    let mut running: Vec<Running> = Vec::new();
    loop {
        while running.len() < in_flight.max(1) {
            let ready = |i: &usize| {
                waiting[*i].is_some()
                    && after[*i].iter().all(|&a| done[a])
                    && !(big[*i] && running.iter().any(|r| big[r.job]))
            };
            // a big collection first when reads run together: the longest reads start early,
            // and a big vector is assembled while less of the snapshot is held (one at a time,
            // the loading order)
            let next = (0..names.len())
                .filter(|i| in_flight > 1 && big[*i])
                .find(ready)
                .or_else(|| (0..names.len()).find(ready));
            let Some(i) = next else { break };
            let Some(start) = waiting[i].take() else {
                break;
            };
            if catalog.get(names[i]).is_some() {
                progress(names[i], Progress::Started);
            }
            let seen = Arc::new(AtomicU64::new(0));
            running.push(Running {
                job: i,
                read: start(Arc::clone(&seen)),
                seen,
                reported: 0,
            });
        }
        if running.is_empty() {
            break;
        }
        // polls every read under way until one ends, reporting the features read meanwhile
        let (at, result) = std::future::poll_fn(|cx| {
            let mut ended = None;
            for (at, r) in running.iter_mut().enumerate() {
                if let Poll::Ready(result) = r.read.as_mut().poll(cx) {
                    ended = Some((at, result));
                    break;
                }
                let n = r.seen.load(Ordering::Relaxed);
                if n >= r.reported + PROGRESS_STEP {
                    progress(names[r.job], Progress::Reading(n));
                    r.reported = n;
                }
            }
            ended.map_or(Poll::Pending, Poll::Ready)
        })
        .await;
        let ended = running.remove(at);
        if let Some(load) = result? {
            progress(names[ended.job], Progress::Read(load.read));
            loads[ended.job] = Some(load);
        }
        done[ended.job] = true;
    }
    // a job still waiting waits for one that never ends (its dependencies form a cycle)
    if let Some(i) = waiting.iter().position(Option::is_some) {
        let blocker = after[i]
            .iter()
            .find(|&&a| !done[a])
            .map_or("", |&a| names[a]);
        return Err(never_read(names[i], blocker));
    }
    Ok(loads.into_iter().flatten().collect())
}

/// The error of a collection that waits for `needed`, which is never read.
fn never_read(collection: &str, needed: &str) -> LoadError {
    LoadError::Query {
        collection: collection.to_owned(),
        reason: format!("waits for {needed:?}, which is never read"),
    }
}

#[cfg(test)]
mod tests {
    use std::pin::pin;
    use std::task::{Context, Waker};

    use super::*;

    fn job(name: &'static str, after: &'static [&'static str]) -> Job<'static> {
        Job::new(name, |_| Box::pin(async { Ok(None) })).after(after)
    }

    fn run_now(jobs: Vec<Job<'static>>) -> Result<Vec<CollectionLoad>, LoadError> {
        let catalog = Catalog::default();
        let mut progress = |_: &str, _: Progress| {};
        let mut f = pin!(run(jobs, &catalog, 2, &mut progress));
        match f.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
            Poll::Ready(r) => r,
            Poll::Pending => panic!("jobs that never wait left the run pending"),
        }
    }

    #[test]
    fn jobs_that_can_never_start_are_an_error_not_skipped() {
        assert!(run_now(vec![job("a", &[]), job("b", &["a"])]).is_ok());
        let cycle = run_now(vec![job("a", &["b"]), job("b", &["a"])]).unwrap_err();
        assert!(cycle.to_string().contains("never read"), "{cycle}");
        let unknown = run_now(vec![job("a", &["z"])]).unwrap_err();
        assert!(unknown.to_string().contains("\"z\""), "{unknown}");
    }
}
