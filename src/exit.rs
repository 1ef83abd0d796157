//! Exit codes (SPEC 9) and console output shared by every command: the one
//! place the command layer and delivery take them from.

/// Done.
pub const EXIT_OK: i32 = 0;
/// Data issues under `--strict`.
pub const EXIT_DATA_ISSUES: i32 = 1;
/// Usage or configuration errors.
pub const EXIT_USAGE: i32 = 2;
/// Unreadable input.
pub const EXIT_UNREADABLE: i32 = 3;
/// `kaohe mail`: some rep was not reached.
pub const EXIT_NOT_DELIVERED: i32 = 4;
/// The output could not be written (a full disk, no permission).
pub const EXIT_NOT_WRITTEN: i32 = 5;

/// Print to standard output; a closed pipe (`kaohe check … | head`) is not
/// an error worth a panic, so write failures are ignored.
pub fn say(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|_| out.flush());
}
