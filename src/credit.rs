//! Credit for hand-offs between threads (issue 11): a producer takes one before
//! handing a batch on and the batch gives it back when dropped, so at most N batches
//! are on their way at once and a slow consumer holds the producer back instead of
//! letting the batches pile up in memory. Producers are blocking threads (the
//! transcript's decoder): they wait on a condition variable, never in an async task.

use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// How long a producer waits before handing on anyway: a consumer that stopped
/// taking batches in (a viewer quitting, a writer that failed) must not hang it.
const WAIT: Duration = Duration::from_secs(5);

#[derive(Debug, Default)]
pub struct Credit {
    free: Mutex<usize>,
    given_back: Condvar,
}

impl Credit {
    pub fn new(n: usize) -> Arc<Credit> {
        Arc::new(Credit {
            free: Mutex::new(n),
            given_back: Condvar::new(),
        })
    }

    /// Waits until a batch may go (at most [`WAIT`]), and takes the credit for it.
    pub fn take(self: &Arc<Self>) -> Held {
        let deadline = Instant::now() + WAIT;
        let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
        while *free == 0 {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            free = match self.given_back.wait_timeout(free, left) {
                Ok((f, _)) => f,
                Err(e) => e.into_inner().0,
            };
        }
        *free = free.saturating_sub(1);
        Held(Arc::clone(self))
    }

    /// Credit left now.
    pub fn free(&self) -> usize {
        *self.free.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// One batch's credit: given back when dropped.
#[derive(Debug)]
pub struct Held(Arc<Credit>);

impl Drop for Held {
    fn drop(&mut self) {
        let mut free = self.0.free.lock().unwrap_or_else(|e| e.into_inner());
        *free += 1;
        self.0.given_back.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_producer_waits_for_credit_given_back() {
        let credit = Credit::new(2);
        let a = credit.take();
        let _b = credit.take();
        assert_eq!(credit.free(), 0);
        let waiting = {
            let credit = Arc::clone(&credit);
            std::thread::spawn(move || {
                let t0 = Instant::now();
                let _c = credit.take();
                t0.elapsed()
            })
        };
        std::thread::sleep(Duration::from_millis(200));
        drop(a);
        let waited = waiting.join().expect("producer");
        assert!(waited >= Duration::from_millis(150), "{waited:?}");
        assert!(waited < WAIT, "{waited:?}");
        assert_eq!(credit.free(), 1, "the third gave its credit back");
    }
}
