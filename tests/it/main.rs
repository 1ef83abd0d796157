//! One integration test binary (modules per area).

mod apply;
mod architecture;
mod batch;
mod cli;
mod common;
mod demo;
mod encrypt;
mod form;
mod formats;
mod hardening;
mod mail;
mod newcomer;
mod newcomer_content;
mod properties;
mod reading;
mod review;
mod run;
mod runtime;
mod samples;
mod scale;
mod schemes;
mod security;
mod smtp_server;
mod summary;
mod templates;
mod workbooks;
