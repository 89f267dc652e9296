//! Reading a file on a thread of its own: [`ReadAhead`] runs a reader's iterator on a reading
//! thread and hands its items over in batches, so the next records are parsed while the
//! pipeline links and builds the ones before them.
//!
//! The items come out in the reader's order, exactly as the reader yields them. At most
//! [`BATCHES`] batches of [`BATCH`] items wait between the two threads, so memory stays
//! bounded whatever the size of the file. Dropping a [`ReadAhead`] before its end stops the
//! reading thread (its next hand-over fails) and waits for it; a reader that panics has its
//! panic raised again on the thread that reads from the [`ReadAhead`], as if it had run there.

use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

/// Items handed over at once.
const BATCH: usize = 1024;

/// Batches that may wait between the reading thread and the pipeline.
const BATCHES: usize = 4;

/// An iterator whose items are produced by a reader on a reading thread.
pub struct ReadAhead<T: Send + 'static> {
    batches: Option<Receiver<Vec<T>>>,
    current: std::vec::IntoIter<T>,
    thread: Option<JoinHandle<()>>,
    /// the reader itself when no thread could be started: it is read on the calling thread
    inline: Option<Box<dyn Iterator<Item = T> + Send>>,
}

impl<T: Send + 'static> ReadAhead<T> {
    /// Starts reading `items` on a thread named `name`. When the system refuses a thread, the
    /// items are read on the calling thread instead (same items, same order).
    pub fn new<I>(items: I, name: &str) -> Self
    where
        I: Iterator<Item = T> + Send + 'static,
    {
        let (tx, rx) = sync_channel(BATCHES);
        // the reader stays reachable from here until the thread has taken it
        let cell = Arc::new(Mutex::new(Some(items)));
        let for_thread = Arc::clone(&cell);
        let spawned = std::thread::Builder::new()
            .name(name.to_owned())
            .spawn(move || {
                let taken = for_thread.lock().ok().and_then(|mut c| c.take());
                drop(for_thread);
                if let Some(items) = taken {
                    produce(items, &tx);
                }
            });
        if let Ok(thread) = spawned {
            return Self {
                batches: Some(rx),
                current: Vec::new().into_iter(),
                thread: Some(thread),
                inline: None,
            };
        }
        let items = cell.lock().ok().and_then(|mut c| c.take());
        Self {
            batches: None,
            current: Vec::new().into_iter(),
            thread: None,
            inline: items.map(|i| Box::new(i) as Box<dyn Iterator<Item = T> + Send>),
        }
    }

    /// Waits for the reading thread; raises its panic here if it panicked.
    fn join(&mut self) {
        if let Some(thread) = self.thread.take()
            && let Err(panic) = thread.join()
        {
            std::panic::resume_unwind(panic);
        }
    }
}

/// Sends the items of `items` in batches until they end or nobody receives.
fn produce<T, I: Iterator<Item = T>>(items: I, tx: &SyncSender<Vec<T>>) {
    let mut batch = Vec::with_capacity(BATCH);
    for item in items {
        batch.push(item);
        if batch.len() == BATCH {
            let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
            if tx.send(full).is_err() {
                return;
            }
        }
    }
    if !batch.is_empty() {
        let _ = tx.send(batch);
    }
}

impl<T: Send + 'static> Iterator for ReadAhead<T> {
    type Item = T;

    fn next(&mut self) -> Option<T> {
        if let Some(items) = self.inline.as_mut() {
            return items.next();
        }
        loop {
            if let Some(item) = self.current.next() {
                return Some(item);
            }
            let received = self.batches.as_ref().map(Receiver::recv);
            if let Some(Ok(batch)) = received {
                self.current = batch.into_iter();
            } else {
                // the reading thread ended: all its items were received
                self.batches = None;
                self.join();
                return None;
            }
        }
    }
}

impl<T: Send + 'static> Drop for ReadAhead<T> {
    fn drop(&mut self) {
        // closing the channel first makes the reading thread's next hand-over fail
        self.batches = None;
        if let Some(thread) = self.thread.take() {
            // a panic of the reader is not raised again while dropping
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn yields_every_item_in_order() {
        for n in [0, 1, BATCH - 1, BATCH, BATCH + 1, 10 * BATCH + 7] {
            let got: Vec<usize> = ReadAhead::new(0..n, "test-read").collect();
            assert_eq!(got, (0..n).collect::<Vec<_>>(), "n = {n}");
        }
    }

    #[test]
    fn stops_reading_when_dropped_early() {
        let produced = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&produced);
        let items = (0..1_000_000usize).inspect(move |_| {
            counter.fetch_add(1, Ordering::Relaxed);
        });
        let mut ahead = ReadAhead::new(items, "test-read");
        assert_eq!(ahead.next(), Some(0));
        drop(ahead);
        // the reader stopped within the batches the channel holds, plus the one being filled
        // and the one being sent
        let n = produced.load(Ordering::Relaxed);
        assert!(n <= (BATCHES + 3) * BATCH, "read {n} items after the drop");
    }

    #[test]
    fn a_panicking_reader_panics_the_pipeline() {
        let items = (0..3 * BATCH).inspect(|&i| assert!(i != 2 * BATCH + 5, "bad reader"));
        let result = std::panic::catch_unwind(|| ReadAhead::new(items, "test-read").count());
        assert!(result.is_err());
    }
}
