//! One integration test binary (modules per area).

mod cli;
mod common;
mod demo;
mod formats;
mod hardening;
mod properties;
mod reading;
mod run;
mod samples;
mod security;
mod schemes;
mod summary;
mod templates;
mod workbooks;
