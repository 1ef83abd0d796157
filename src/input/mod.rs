//! Input: the ledger folder read into one validated dataset (SPEC 2, 3).
//!
//! `read` (files → raw cells with positions) → `parse` (cell text → typed
//! values) → `validate` (raw rows → typed rows | data issues) → `dataset`
//! (typed, de-duplicated, cross-checked). `columns` and `aliases` say which
//! headers mean what; `model` and `issues` are the records and problems the
//! stages hand on; `relevance` says which periods an issue bears on.
//! Reads the ledger folder; never writes anything.

pub mod aliases;
pub mod cache;
pub mod calendar;
pub mod columns;
pub mod dataset;
pub mod issues;
pub mod model;
pub mod parse;
pub mod read;
pub mod relevance;
pub mod validate;
