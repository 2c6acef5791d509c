//! Two pieces of work side by side, for the big passes of every layer (reading and writing a
//! file's halves, numbering three versions' ids, rolling up both sides of an attribution).
//!
//! Deterministic by construction: the caller splits the work into fixed parts and puts their
//! results together in a fixed order, never in the order threads end, so a result has the
//! same bits on one core or two. A thread that cannot be started is not an error: its work
//! then runs on the calling thread.

use std::num::NonZero;
use std::sync::OnceLock;

/// Whether the machine has a second core to run work on (asked once).
pub(crate) fn two_cores() -> bool {
    static CORES: OnceLock<usize> = OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, NonZero::get)) > 1
}

/// Runs `a` on another thread while `b` runs on this one (both here, one after the other,
/// if no thread can be started). A panic in `a` goes on here.
pub(crate) fn in_parallel<A: Send, B>(
    a: impl FnOnce() -> A + Send,
    b: impl FnOnce() -> B,
) -> (A, B) {
    let slot = std::sync::Mutex::new(Some(a));
    let run_a = || {
        let f = slot.lock().ok().and_then(|mut f| f.take());
        f.map(|f| f())
    };
    std::thread::scope(|scope| {
        let handle = std::thread::Builder::new().spawn_scoped(scope, run_a);
        let b = b();
        let a = match handle {
            Ok(handle) => match handle.join() {
                Ok(a) => a,
                Err(panic) => std::panic::resume_unwind(panic),
            },
            Err(_) => None,
        };
        // Not started on the other thread: run here.
        let a = match a {
            Some(a) => Some(a),
            None => run_a(),
        };
        match a {
            Some(a) => (a, b),
            None => unreachable!("`a` runs exactly once"),
        }
    })
}

/// `(a(), b())`: side by side when `parallel` (`b` on the other thread), else one after the
/// other here.
pub(crate) fn join<A, B: Send>(
    parallel: bool,
    a: impl FnOnce() -> A,
    b: impl FnOnce() -> B + Send,
) -> (A, B) {
    if parallel {
        let (b, a) = in_parallel(b, a);
        (a, b)
    } else {
        let a = a();
        (a, b())
    }
}

#[cfg(test)]
mod tests {
    use super::{in_parallel, join};

    #[test]
    fn both_run_and_come_back_in_their_places() {
        assert_eq!(in_parallel(|| 1, || "here"), (1, "here"));
        for parallel in [false, true] {
            let (a, b) = join(parallel, || vec![1, 2], || String::from("there"));
            assert_eq!((a, b.as_str()), (vec![1, 2], "there"));
        }
    }

    #[test]
    #[should_panic(expected = "on the other thread")]
    fn a_panic_on_the_other_thread_goes_on_to_the_caller() {
        in_parallel(|| panic!("on the other thread"), || ());
    }
}
