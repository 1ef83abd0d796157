//! One integration test binary (modules per area).

mod batch;
mod cli;
mod common;
mod demo;
mod formats;
mod mail;
mod reading;
mod run;
mod samples;
mod scale;
mod schemes;
mod smtp_server;
mod summary;
mod templates;
mod workbooks;
