//! kaohe (考核): turns a sales team's Excel ledgers into KPI assessments.
//!
//! The folders are the stages, and every import points down this list
//! (`tests/it/architecture.rs` fails on one that points up; see
//! docs/architecture.md):
//!
//! 1. foundation — `period`, `text`, `timing`, `memory`, `progress`, `exit`,
//!    [`Lang`];
//! 2. [`input`] — the ledger folder read into one validated dataset;
//! 3. [`scheme`] — the assessment scheme and the indicator catalogue;
//! 4. [`compute`] — indicators, scores, assessments of reps × periods;
//! 5. [`output`] — every writer's content: workbooks, summary, results.csv,
//!    change sheet, issue sheet, manifest format, content digest (bytes and
//!    workbooks, never files);
//! 6. [`store`] — the output folder: the only module that touches `OUT/`;
//! 7. [`mail`], [`demo`], [`templates`] — delivery and generators;
//! 8. [`cli`] — one file per command on top.

pub mod cli;
pub mod compute;
pub mod demo;
pub mod exit;
pub mod input;
pub mod mail;
pub mod memory;
pub mod output;
pub mod period;
pub mod progress;
pub mod scheme;
pub mod store;
pub mod templates;
pub mod text;
pub mod timing;

/// Language of user-facing text (workbooks, messages). Chinese by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    /// One language of a message written `中文 / English`.
    pub fn pick_in(self, bilingual: &str) -> &str {
        match bilingual.split_once(" / ") {
            Some((zh, en)) => self.pick(zh, en),
            None => bilingual,
        }
    }

    /// `zh` or `en`.
    pub fn code(self) -> &'static str {
        self.pick("zh", "en")
    }

    /// Pick the text for this language.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}
