//! When the engine's big passes take a second thread: reading 100k inputs, rolling up both
//! sides of an attribution, sorting its report (the running is [`crate::threads`]).

pub(crate) use crate::threads::join;

/// The fewest metrics a pass over which is worth a second thread (starting one costs tens
/// of microseconds).
const PARALLEL_METRICS: usize = 16_384;

/// Whether a pass over `metrics` metrics is split over two threads: it is big enough and the
/// machine has a second core.
pub(crate) fn parallel(metrics: usize) -> bool {
    metrics >= PARALLEL_METRICS && crate::threads::two_cores()
}
