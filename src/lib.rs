//! kaohe (考核): turns a sales team's Excel ledgers into KPI assessments.
//!
//! Data flows one way:
//! `read` (files → raw cells with positions) → `validate` (raw rows → typed
//! rows | data issues) → `dataset` (typed, de-duplicated, cross-checked)
//! → compute → score → write. Only `read` and the writers touch the file
//! system.

pub mod batch;
pub mod calendar;
pub mod changes;
pub mod check;
pub mod cli;
pub mod columns;
pub mod compute;
pub mod dataset;
pub mod demo;
pub mod digest;
pub mod issued;
pub mod issues;
pub mod mail;
pub mod model;
pub mod parse;
pub mod period;
pub mod progress;
pub mod read;
pub mod relevance;
pub mod results;
pub mod run;
pub mod scheme;
pub mod score;
pub mod templates;
pub mod timing;
pub mod validate;
pub mod watch;
pub mod write;
pub mod xlsx_util;

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
