//! Work spread over the machine's cores, with results in input order.
//!
//! Results are handed over in input order, so output built from them does not depend on
//! scheduling, and as soon as they are ready, so a command that prints them holds only what
//! is not printed yet: memory stays flat however large the tree.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;

/// How many consecutive items a worker takes at a time. Small enough that a slow item does
/// not hold many finished ones back, large enough that handing over costs little.
const BATCH: usize = 8;

/// The number of worker threads to use: one per available core.
pub fn available_threads() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// `work` applied to every item of `items` on `threads` threads, each result passed to
/// `sink` in input order. Items are taken one at a time, so `items` may be a lazy walk of a
/// tree. The first error `sink` returns stops the work (items already taken finish) and is
/// returned.
pub fn for_each_ordered<T: Send, R: Send, E>(
    items: impl Iterator<Item = T> + Send,
    threads: usize,
    work: impl Fn(T) -> R + Sync,
    mut sink: impl FnMut(R) -> Result<(), E>,
) -> Result<(), E> {
    if threads <= 1 {
        return items.map(work).try_for_each(sink);
    }
    let items = Mutex::new(items.enumerate());
    let stop = AtomicBool::new(false);
    // Workers hand results over in batches of consecutive items: one wake-up of the sink's
    // thread per batch rather than per item (per file, for the lint: tens of thousands).
    let (sender, receiver) = mpsc::sync_channel::<(usize, Vec<R>)>(threads * 4);
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                let sender = sender.clone();
                let (items, stop, work) = (&items, &stop, &work);
                scope.spawn(move || {
                    while !stop.load(Ordering::Relaxed) {
                        let batch: Vec<(usize, T)> = match items.lock() {
                            Ok(mut items) => items.by_ref().take(BATCH).collect(),
                            Err(_) => break,
                        };
                        let Some(&(first, _)) = batch.first() else {
                            break;
                        };
                        let results = batch.into_iter().map(|(_, item)| work(item)).collect();
                        if sender.send((first, results)).is_err() {
                            break;
                        }
                    }
                })
            })
            .collect();
        drop(sender);
        let mut outcome = Ok(());
        let mut waiting = BTreeMap::new();
        let mut next_index = 0;
        for (first, results) in &receiver {
            waiting.insert(first, results);
            while let Some(results) = waiting.remove(&next_index) {
                next_index += results.len();
                for result in results {
                    if outcome.is_ok() {
                        outcome = sink(result);
                        if outcome.is_err() {
                            stop.store(true, Ordering::Relaxed);
                        }
                    }
                }
            }
        }
        for worker in workers {
            if let Err(panic) = worker.join() {
                std::panic::resume_unwind(panic);
            }
        }
        outcome
    })
}

/// `map` applied to every item on all available cores; the output keeps the input order.
pub fn parallel_map<T: Sync, R: Send>(items: &[T], map: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let mut results = Vec::with_capacity(items.len());
    let threads = available_threads().min(items.len());
    let collected: Result<(), std::convert::Infallible> =
        for_each_ordered(items.iter(), threads, map, |result| {
            results.push(result);
            Ok(())
        });
    match collected {
        Ok(()) => results,
        Err(never) => match never {},
    }
}

#[cfg(test)]
mod tests {
    use super::{for_each_ordered, parallel_map};

    #[test]
    fn keeps_input_order() {
        let items: Vec<u64> = (0..1000).collect();
        assert_eq!(
            parallel_map(&items, |n| n * 2),
            items.iter().map(|n| n * 2).collect::<Vec<_>>()
        );
        assert!(parallel_map(&[] as &[u8], |n| *n).is_empty());
    }

    #[test]
    fn streams_in_order_and_stops_at_the_first_sink_error() {
        let mut seen = Vec::new();
        let outcome = for_each_ordered(
            0..10_000u32,
            4,
            |n| n + 1,
            |n| {
                if n == 500 {
                    return Err(n);
                }
                seen.push(n);
                Ok(())
            },
        );
        assert_eq!(outcome, Err(500));
        assert_eq!(seen, (1..500).collect::<Vec<_>>());
    }
}
