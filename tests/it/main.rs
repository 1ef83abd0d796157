//! One integration test binary (modules per area).

mod common;
mod formats;
mod reading;
mod templates;
