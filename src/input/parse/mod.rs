//! Cell parsers: pure functions from one cell to one typed value, with the
//! strict/lenient split kept visible (a cell either parses or says why not).

pub mod cell;
pub mod date;
pub mod money;
pub mod words;
