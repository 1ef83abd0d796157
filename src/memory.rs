//! How the allocator gives memory back. The `kaohe` binary (and the
//! benchmark, which runs the same code) allocate with mimalloc; this sets
//! its one option a run depends on.

// mimalloc's C API, from the allocator's crate (named here so that every
// binary links it, whatever its global allocator).
extern crate mimalloc;

unsafe extern "C" {
    fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
}

/// `mi_option_purge_delay` in mimalloc's `mi_option_e` (v2 and v3 alike).
const MI_OPTION_PURGE_DELAY: std::ffi::c_int = 15;

/// mimalloc's default purge delay, in milliseconds.
const DEFAULT_PURGE_DELAY: std::ffi::c_long = 10;

/// Whether freed memory goes back to the system at once (`true`) or after
/// mimalloc's default 10 ms. At once while the ledgers are read and moved,
/// sheet by sheet, into the dataset: with the delay the freed sheets were
/// still held while the dataset's tables filled (a large month's peak
/// 200–300 MiB higher). Not while workbooks are written: each workbook's
/// buffers would go back and be faulted in again for the next (a year
/// run's CPU 15–20 % higher). docs/performance.md, fourth round. Harmless
/// under another allocator.
///
/// Call while no other thread allocates (before the run starts its
/// threads, or between stages when they are idle).
pub fn release_promptly(at_once: bool) {
    let delay = if at_once { 0 } else { DEFAULT_PURGE_DELAY };
    // SAFETY: a plain integer option of the allocator, set while no other
    // thread is allocating.
    unsafe { mi_option_set(MI_OPTION_PURGE_DELAY, delay) };
}
