//! Work spread over the machine's cores, with results in input order.
//!
//! Results are handed over in input order, so output built from them does not depend on
//! scheduling, and as soon as they are ready, so a command that prints them holds only what
//! is not printed yet: memory stays flat however large the tree.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Condvar, Mutex};

/// The most consecutive items a worker takes at a time. Batches start at one item and grow
/// to this as work goes on, so a small input still spreads over every core while a large
/// one costs one hand-over per batch rather than per item.
const MAX_BATCH: usize = 8;

/// How far past the next result to hand on a worker may run ahead, in items. Results that
/// wait for a slow earlier item are held in memory; this bounds how many.
const WINDOW_PER_THREAD: usize = 64;

/// The number of worker threads to use: one per available core.
pub fn available_threads() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// What workers share: the items not taken yet, how many were taken, and how many results
/// the sink has had.
struct Queue<I> {
    items: I,
    taken: usize,
    handed_on: usize,
}

/// `work` applied to every item of `items` on `threads` threads, each result passed to
/// `sink` in input order. Items are taken a few at a time, so `items` may be a lazy walk of
/// a tree, and at most a window of results waits in memory for an earlier one. The first
/// error `sink` returns stops the work (items already taken finish) and is returned.
pub fn for_each_ordered<T: Send, R: Send, E>(
    items: impl Iterator<Item = T> + Send,
    threads: usize,
    work: impl Fn(T) -> R + Sync,
    mut sink: impl FnMut(R) -> Result<(), E>,
) -> Result<(), E> {
    if threads <= 1 {
        return items.map(work).try_for_each(sink);
    }
    let window = threads * WINDOW_PER_THREAD;
    let queue = Mutex::new(Queue {
        items,
        taken: 0,
        handed_on: 0,
    });
    let room = Condvar::new();
    let stop = AtomicBool::new(false);
    std::thread::scope(|scope| {
        // Inside the scope, so that if the sink panics the receiver is dropped first and
        // workers blocked on a full channel are released instead of waited for.
        let (sender, receiver) = mpsc::sync_channel::<(usize, Vec<R>)>(threads * 4);
        for _ in 0..threads {
            let sender = sender.clone();
            let (queue, room, stop, work) = (&queue, &room, &stop, &work);
            scope.spawn(move || {
                loop {
                    let batch: Vec<(usize, T)> = {
                        let Ok(mut queue) = queue.lock() else { break };
                        while !stop.load(Ordering::Relaxed)
                            && queue.taken >= queue.handed_on + window
                        {
                            queue = match room.wait(queue) {
                                Ok(queue) => queue,
                                Err(_) => return,
                            };
                        }
                        if stop.load(Ordering::Relaxed) {
                            break;
                        }
                        let size = (1 + queue.taken / (threads * 16)).min(MAX_BATCH);
                        let first = queue.taken;
                        let batch: Vec<T> = queue.items.by_ref().take(size).collect();
                        queue.taken += batch.len();
                        (first..).zip(batch).collect()
                    };
                    let Some(&(first, _)) = batch.first() else {
                        break;
                    };
                    let results = batch.into_iter().map(|(_, item)| work(item)).collect();
                    if sender.send((first, results)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(sender);
        // However this loop ends (done, a sink error, a panic in the sink), workers waiting
        // for room in the window are told to stop; without it a panicking sink would leave
        // them waiting forever, and the scope waiting for them.
        let _stop_workers = StopOnDrop {
            queue: &queue,
            room: &room,
            stop: &stop,
        };
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
                if let Ok(mut queue) = queue.lock() {
                    queue.handed_on = next_index;
                }
                room.notify_all();
            }
        }
        outcome
    })
}

/// Tells the workers of [`for_each_ordered`] to stop when dropped. The flag is set while
/// holding the queue's lock, so that a worker between its check and its wait cannot miss
/// the wake-up.
struct StopOnDrop<'a, I> {
    queue: &'a Mutex<Queue<I>>,
    room: &'a Condvar,
    stop: &'a AtomicBool,
}

impl<I> Drop for StopOnDrop<'_, I> {
    fn drop(&mut self) {
        let guard = self.queue.lock();
        self.stop.store(true, Ordering::Relaxed);
        drop(guard);
        self.room.notify_all();
    }
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
    use std::sync::atomic::Ordering;

    use super::{MAX_BATCH, WINDOW_PER_THREAD, for_each_ordered, parallel_map};

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
    fn a_slow_first_item_holds_back_only_a_window_of_results() {
        let waiting = std::sync::atomic::AtomicUsize::new(0);
        let most = std::sync::atomic::AtomicUsize::new(0);
        let handed_on = std::sync::atomic::AtomicUsize::new(0);
        let outcome: Result<(), ()> = for_each_ordered(
            0..5_000u32,
            2,
            |n| {
                if n == 0 {
                    std::thread::sleep(std::time::Duration::from_millis(200));
                }
                let ahead =
                    waiting.fetch_add(1, Ordering::SeqCst) + 1 - handed_on.load(Ordering::SeqCst);
                most.fetch_max(ahead, Ordering::SeqCst);
                n
            },
            |_| {
                handed_on.fetch_add(1, Ordering::SeqCst);
                Ok(())
            },
        );
        assert_eq!(outcome, Ok(()));
        // The window (2 threads x 64) plus what was in flight when it filled.
        assert!(most.load(Ordering::SeqCst) <= 2 * WINDOW_PER_THREAD + 2 * MAX_BATCH);
    }

    #[test]
    fn a_small_input_is_spread_over_the_threads() {
        let threads_seen = std::sync::Mutex::new(std::collections::HashSet::new());
        let outcome: Result<(), ()> = for_each_ordered(
            0..4u32,
            2,
            |_| {
                std::thread::sleep(std::time::Duration::from_millis(50));
                if let Ok(mut seen) = threads_seen.lock() {
                    seen.insert(std::thread::current().id());
                }
            },
            |()| Ok(()),
        );
        assert_eq!(outcome, Ok(()));
        assert_eq!(threads_seen.lock().map(|seen| seen.len()).unwrap_or(0), 2);
    }

    /// Runs `body` on its own thread and fails if it does not finish in time, so that a
    /// hang fails the test instead of blocking the suite.
    fn within_seconds(seconds: u64, body: impl FnOnce() + Send + 'static) {
        let (done, finished) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            body();
            let _ = done.send(());
        });
        assert!(
            finished
                .recv_timeout(std::time::Duration::from_secs(seconds))
                .is_ok(),
            "did not finish within {seconds} s"
        );
    }

    #[test]
    fn a_panicking_sink_does_not_hang() {
        // Regression: workers waiting for room in the window were never woken when the
        // sink panicked, and the scope waited for them forever (seen once in a few runs).
        within_seconds(60, || {
            for round in 0..200 {
                let caught = std::panic::catch_unwind(|| {
                    let _: Result<(), ()> = for_each_ordered(
                        0..100_000u32,
                        2,
                        |n| n,
                        |n| {
                            assert!(n < 10 + round, "sink failed at {n}");
                            Ok(())
                        },
                    );
                });
                assert!(caught.is_err());
            }
        });
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
