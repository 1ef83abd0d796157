// mimalloc rather than the system allocator: less memory held across the
// many threads of a run, and faster allocation of the millions of small
// values a ledger folder parses into (docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

// mimalloc's C API (linked in by the allocator's crate): `mi_option_set`.
unsafe extern "C" {
    fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
}

/// `mi_option_purge_delay` in mimalloc's `mi_option_e` (v2 and v3 alike).
const MI_OPTION_PURGE_DELAY: std::ffi::c_int = 15;

fn main() {
    // Freed memory goes back to the system at once rather than 10 ms
    // later: a run moves each ledger's parsed rows, sheet by sheet, into
    // the dataset, and with the delay the freed sheets were still held
    // while the dataset's tables filled (a large month's peak 200-300 MiB
    // higher; docs/performance.md, fourth round).
    // SAFETY: called before any other thread exists; the option is a plain
    // integer setting.
    unsafe { mi_option_set(MI_OPTION_PURGE_DELAY, 0) };
    std::process::exit(kaohe::cli::main());
}
