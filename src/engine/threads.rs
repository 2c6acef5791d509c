//! A second thread for the engine's big passes: reading 100k inputs, rolling up both sides of
//! an attribution.
//!
//! Deterministic: work is split into fixed parts whose results are put together in a fixed
//! order, never in the order threads end, so a result has the same bits on one thread or
//! two. Small work stays on the calling thread (starting one costs tens of microseconds).

use std::num::NonZero;
use std::sync::OnceLock;

/// The fewest metrics a pass over which is worth a second thread.
const PARALLEL_METRICS: usize = 16_384;

/// Whether a pass over `metrics` metrics is split over two threads: it is big enough and the
/// machine has a second core.
pub(crate) fn parallel(metrics: usize) -> bool {
    static CORES: OnceLock<usize> = OnceLock::new();
    let cores = *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, NonZero::get));
    metrics >= PARALLEL_METRICS && cores > 1
}

/// `(a(), b())`, with `b` on a second thread when `parallel` (a panic in it goes on here).
pub(crate) fn join<A, B: Send>(
    parallel: bool,
    a: impl FnOnce() -> A,
    b: impl FnOnce() -> B + Send,
) -> (A, B) {
    if !parallel {
        let a = a();
        return (a, b());
    }
    std::thread::scope(|scope| {
        let b = scope.spawn(b);
        let a = a();
        let b = b
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (a, b)
    })
}
