//! Output workbooks and files (SPEC 8). Only this module and `read` touch
//! the file system; everything is written atomically (temporary file in the
//! same folder, then renamed).

pub mod manifest;
pub mod names;
pub mod summary;
