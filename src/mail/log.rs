//! The send log `mail-log.csv` of a period folder: one row per message the
//! SMTP server accepted — time, rep, recipients, the workbook and its
//! SHA-256, the Message-ID and the server's reply. UTF-8 with BOM, like
//! `results.csv`, so Excel opens it right.
//!
//! A rep counts as already mailed when the log has a row for them whose
//! hash equals the workbook's current hash; a reissued workbook (new hash)
//! counts as not sent.
//!
//! The log is rewritten after each accepted message: the whole file goes
//! to a temporary file in the same folder, which is flushed to disk
//! (fsync) and renamed over the log. An interruption leaves the log with
//! or without that row, never a torn one; only a message accepted in the
//! instant before an interruption can be missing from it (and be sent
//! again by a re-run). Nothing is written for a message the server did not
//! accept. Rows are read by position, so the header's language does not
//! matter.

use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::Lang;

/// The log's file name inside a period folder.
pub const FILE: &str = "mail-log.csv";

const HEADERS_ZH: [&str; 10] = [
    "发送时间",
    "工号",
    "姓名",
    "收件人",
    "抄送",
    "附件",
    "附件SHA-256",
    "Message-ID",
    "SMTP服务器",
    "服务器回复",
];
const HEADERS_EN: [&str; 10] = [
    "sent_at",
    "rep_id",
    "name",
    "to",
    "cc",
    "file",
    "sha256",
    "message_id",
    "smtp_server",
    "server_reply",
];

/// One accepted message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Local time with offset, `2026-04-01 09:30:12 +08:00`.
    pub at: String,
    pub rep_id: String,
    pub name: String,
    pub to: String,
    /// Empty without Cc.
    pub cc: String,
    /// The workbook, relative to the period folder.
    pub file: String,
    pub sha256: String,
    pub message_id: String,
    /// `host:port`.
    pub server: String,
    /// The server's reply to the message (`250 2.0.0 Ok: queued as …`).
    pub reply: String,
}

impl Entry {
    fn record(&self) -> [&str; 10] {
        [
            &self.at,
            &self.rep_id,
            &self.name,
            &self.to,
            &self.cc,
            &self.file,
            &self.sha256,
            &self.message_id,
            &self.server,
            &self.reply,
        ]
    }
}

/// The send log of one period folder, as read and as appended to.
#[derive(Debug)]
pub struct Log {
    path: PathBuf,
    /// The file's bytes (BOM and header included); empty when there is no log yet.
    bytes: Vec<u8>,
    pub entries: Vec<Entry>,
}

impl Log {
    /// Read the log of `period_dir` (empty when there is none). A log that
    /// exists but cannot be read is an error: never treat it as empty,
    /// which would send everything again.
    pub fn read(period_dir: &Path) -> anyhow::Result<Log> {
        let path = period_dir.join(FILE);
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => {
                return Err(e)
                    .with_context(|| format!("{}: 无法读取 / cannot read", path.display()))
            }
        };
        let entries = parse(&bytes).with_context(|| {
            format!(
                "{}: 发送记录无法解析（请勿用其他编码另存） / the send log cannot be parsed (it must stay UTF-8 CSV)",
                path.display()
            )
        })?;
        Ok(Log {
            path,
            bytes,
            entries,
        })
    }

    /// The latest entry of a rep whose workbook hash is `sha256`.
    pub fn sent(&self, rep_id: &str, sha256: &str) -> Option<&Entry> {
        self.entries
            .iter()
            .rev()
            .find(|e| e.rep_id == rep_id && e.sha256 == sha256)
    }

    /// Append one accepted message and write the log durably (temporary
    /// file, fsync, rename). The header is written in `lang` when the log
    /// is new.
    pub fn append(&mut self, entry: Entry, lang: Lang) -> anyhow::Result<()> {
        let mut bytes = self.bytes.clone();
        if bytes.is_empty() {
            bytes.extend_from_slice(b"\xEF\xBB\xBF");
            bytes.extend(csv_line(&match lang {
                Lang::Zh => HEADERS_ZH,
                Lang::En => HEADERS_EN,
            })?);
        } else if !bytes.ends_with(b"\n") {
            bytes.push(b'\n');
        }
        bytes.extend(csv_line(&entry.record())?);
        crate::store::fs::write_durable(&self.path, &bytes)?;
        self.bytes = bytes;
        self.entries.push(entry);
        Ok(())
    }
}

fn csv_line(fields: &[&str]) -> anyhow::Result<Vec<u8>> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    w.write_record(fields)?;
    w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))
}

/// The entries of a log's bytes (the first record is the header).
fn parse(bytes: &[u8]) -> anyhow::Result<Vec<Entry>> {
    let text = std::str::from_utf8(bytes).context("not UTF-8")?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut r = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    for (i, rec) in r.records().enumerate() {
        let rec = rec?;
        if rec.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        anyhow::ensure!(
            rec.len() >= 8,
            "row {} has {} fields, expected 10",
            i + 2,
            rec.len()
        );
        let f = |k: usize| rec.get(k).unwrap_or("").to_string();
        out.push(Entry {
            at: f(0),
            rep_id: f(1),
            name: f(2),
            to: f(3),
            cc: f(4),
            file: f(5),
            sha256: f(6),
            message_id: f(7),
            server: f(8),
            reply: f(9),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(rep: &str, sha: &str) -> Entry {
        Entry {
            at: "2026-04-01 09:30:12 +08:00".into(),
            rep_id: rep.into(),
            name: "张伟明".into(),
            to: "zhangweiming@example.com".into(),
            cc: String::new(),
            file: format!("{rep}_张伟明_2026-03.xlsx"),
            sha256: sha.into(),
            message_id: "<a@example.com>".into(),
            server: "127.0.0.1:25".into(),
            reply: "250 2.0.0 Ok, \"queued\"".into(),
        }
    }

    #[test]
    fn appended_entries_read_back_with_bom_and_header() {
        let dir = tempfile::tempdir().unwrap();
        let mut log = Log::read(dir.path()).unwrap();
        assert!(log.entries.is_empty());
        log.append(entry("S001", "aa"), Lang::Zh).unwrap();
        log.append(entry("S002", "bb"), Lang::En).unwrap();
        let bytes = std::fs::read(dir.path().join(FILE)).unwrap();
        assert!(
            bytes.starts_with(b"\xEF\xBB\xBF\xE5\x8F\x91"),
            "BOM, then 发送时间"
        );
        let back = Log::read(dir.path()).unwrap();
        assert_eq!(back.entries, vec![entry("S001", "aa"), entry("S002", "bb")]);
        assert!(back.sent("S001", "aa").is_some());
        assert!(back.sent("S001", "bb").is_none(), "another workbook");
        assert!(back.sent("S003", "aa").is_none());
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .filter(|n| n != FILE)
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }

    #[test]
    fn an_unreadable_log_is_an_error_not_an_empty_log() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FILE), b"\xB7\xA2\xCB\xCD,\xCA\xB1\n").unwrap();
        assert!(Log::read(dir.path()).is_err(), "GBK");
        std::fs::write(dir.path().join(FILE), "h\nS001,only\n").unwrap();
        assert!(Log::read(dir.path()).is_err(), "short row");
    }
}
