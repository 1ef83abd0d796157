//! One integration test binary (modules per area).

mod cli;
mod common;
mod formats;
mod reading;
mod templates;
