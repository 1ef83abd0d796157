// mimalloc rather than the system allocator: less memory held across the
// many threads of a run, and faster allocation of the millions of small
// values a ledger folder parses into (docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    kaohe::memory::release_promptly(true);
    std::process::exit(kaohe::cli::main());
}
