//! The output folder as a store (SPEC 8, 10): period folders, their
//! manifests, issued marks, the lock, the previous result kept while a
//! period is rewritten, temporary files, and atomic writes. The only module
//! that touches `OUT/`.

pub mod issued;
