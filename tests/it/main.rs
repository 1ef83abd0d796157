//! One integration test binary (modules per area).

mod common;
mod reading;
mod templates;
