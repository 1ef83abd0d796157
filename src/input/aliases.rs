//! A company's own header aliases per ledger column (SPEC 2): read from
//! the scheme's `[columns]` table (see `scheme::columns`), used when header
//! rows are matched.

use std::collections::HashMap;

use crate::input::columns::Kind;

/// Extra header texts per column, from the scheme's `[columns]` table.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ColumnAliases {
    /// (kind or every kind, column key) → header keys (normalised).
    map: HashMap<(Option<Kind>, String), Vec<String>>,
}

impl ColumnAliases {
    /// Add another scheme's aliases after these (an alias already here is
    /// not repeated).
    pub fn extend(&mut self, other: &ColumnAliases) {
        for (key, names) in &other.map {
            let mine = self.map.entry(key.clone()).or_default();
            for n in names {
                if !mine.contains(n) {
                    mine.push(n.clone());
                }
            }
        }
    }

    /// Aliases (normalised header keys) for a column of a kind.
    pub fn for_column(&self, kind: Kind, key: &str) -> impl Iterator<Item = &str> {
        let own = self.map.get(&(Some(kind), key.to_string()));
        let any = self.map.get(&(None, key.to_string()));
        own.into_iter().chain(any).flatten().map(String::as_str)
    }

    /// The aliases as one text, the same whatever order they were added in
    /// (what a kept parse of a ledger depends on).
    pub fn fingerprint(&self) -> String {
        let mut entries: Vec<_> = self.map.iter().collect();
        entries.sort();
        format!("{entries:?}")
    }

    /// Add normalised header keys for a column of one kind (`None`: every
    /// kind with that column).
    pub fn add(
        &mut self,
        kind: Option<Kind>,
        key: &str,
        headers: impl IntoIterator<Item = String>,
    ) {
        self.map
            .entry((kind, key.to_string()))
            .or_default()
            .extend(headers);
    }
}
