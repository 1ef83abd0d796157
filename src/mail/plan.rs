//! Who gets what: one line per assessed rep of the period's manifest, with
//! the recipient, the Cc, the workbook (read and checked against the
//! manifest's hash) and what happens — send, already sent, or skipped and
//! why. Nothing is guessed: a rep without a usable email or whose workbook
//! changed since the manifest was written is skipped and reported.

use std::path::Path;

use lettre::message::Mailbox;

use super::log::Log;
use crate::output::manifest::{Manifest, RepEntry};
use crate::Lang;

/// Why a rep gets no message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Skip {
    /// The roster has no email.
    NoEmail,
    /// The email cannot be used as an address (as written).
    BadEmail(String),
    /// The workbook named in the manifest is not there.
    MissingFile,
    /// `--encrypt`, and the rep has no file password: never sent in the
    /// clear.
    NoPassword,
    /// The workbook's bytes no longer match the manifest's hash, and the
    /// change is not (only) HR's review: why.
    Changed(String),
}

impl Skip {
    pub fn describe(&self, lang: Lang) -> String {
        match self {
            Skip::NoEmail => lang.pick("人员表中没有邮箱", "no email in the roster").into(),
            Skip::NoPassword => lang
                .pick(
                    "要求加密，但人员表中没有此人的文件密码（或身份证号），不以明文发送",
                    "encryption asked for, but the roster has no file password (or ID number) for this rep: not sent in the clear",
                )
                .into(),
            Skip::BadEmail(e) => format!(
                "{} {e}",
                lang.pick("邮箱无法识别：", "email not usable:")
            ),
            Skip::MissingFile => lang
                .pick("考核表文件不存在", "the workbook is missing")
                .into(),
            Skip::Changed(why) if why.is_empty() => lang
                .pick(
                    "考核表与 manifest.json 的哈希不一致，且没有审阅可改的单元格变化（生成后被改动过？用 kaohe run --force 重新生成）",
                    "the workbook does not match its hash in manifest.json and no cell HR may edit changed (changed since the run? regenerate it with kaohe run --force)",
                )
                .into(),
            Skip::Changed(why) => format!(
                "{}{why}",
                lang.pick(
                    "考核表生成后被改动，且不只是审阅可改的单元格：",
                    "the workbook changed since the run, beyond the cells HR may edit: "
                )
            ),
        }
    }
}

/// What happens to one rep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Send,
    /// The log has an accepted message with this very workbook.
    AlreadySent {
        at: String,
        message_id: String,
    },
    Skip(Skip),
}

/// A note that does not stop the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    /// `--cc-supervisor`, but the supervisor has no email (or none usable).
    NoSupervisorEmail,
}

impl Note {
    pub fn describe(&self, lang: Lang) -> &'static str {
        match self {
            Note::NoSupervisorEmail => lang.pick(
                "上级没有可用邮箱，不抄送",
                "no usable supervisor email: no Cc",
            ),
        }
    }
}

/// One assessed rep of the period.
#[derive(Debug, Clone)]
pub struct Item {
    pub rep: RepEntry,
    pub to: Option<Mailbox>,
    pub cc: Option<Mailbox>,
    /// The workbook's bytes, as checked against the manifest's hash.
    pub bytes: Vec<u8>,
    pub action: Action,
    pub notes: Vec<Note>,
    /// HR edited the workbook's editable cells (manual scores, 评语) since
    /// the run: it is sent as reviewed, and logged with its own hash.
    pub reviewed: bool,
    /// `--encrypt`: the rep's file password.
    pub password: Option<super::encrypt::Password>,
}

/// Options that shape the plan.
#[derive(Debug, Clone, Default)]
pub struct Options<'a> {
    pub cc_supervisor: bool,
    pub resend: bool,
    /// Only these rep ids (empty: every rep).
    pub only: &'a [String],
    /// Language of the reasons.
    pub lang: Lang,
    /// `--encrypt`: the file passwords by rep id (`None`: no encryption).
    pub passwords: Option<&'a std::collections::HashMap<String, super::encrypt::Password>>,
}

/// A roster email as a mailbox named after the rep.
fn mailbox(name: &str, email: &str) -> Result<Mailbox, ()> {
    let email = email.trim();
    let address = email
        .parse::<lettre::Address>()
        .or_else(|_| email.parse::<Mailbox>().map(|m| m.email))
        .map_err(|_| ())?;
    Ok(Mailbox::new(Some(name.trim().to_string()), address))
}

/// The plan of a period folder: every rep of the manifest with a workbook
/// (in rep id order). Reps not assessed (no workbook) are left out.
pub fn plan(period_dir: &Path, manifest: &Manifest, log: &Log, opts: &Options) -> Vec<Item> {
    manifest
        .reps
        .iter()
        .filter(|r| !r.file.is_empty())
        .filter(|r| {
            opts.only.is_empty() || opts.only.iter().any(|o| o.eq_ignore_ascii_case(&r.rep_id))
        })
        .map(|r| item(period_dir, r, log, opts))
        .collect()
}

fn item(period_dir: &Path, r: &RepEntry, log: &Log, opts: &Options) -> Item {
    let mut out = Item {
        rep: r.clone(),
        to: None,
        cc: None,
        bytes: Vec::new(),
        action: Action::Send,
        notes: Vec::new(),
        reviewed: false,
        password: None,
    };
    let skip = |mut out: Item, why: Skip| {
        out.action = Action::Skip(why);
        out
    };
    if r.email.trim().is_empty() {
        return skip(out, Skip::NoEmail);
    }
    match mailbox(&r.name, &r.email) {
        Ok(m) => out.to = Some(m),
        Err(()) => return skip(out, Skip::BadEmail(r.email.clone())),
    }
    if let Some(passwords) = opts.passwords {
        match passwords.get(&r.rep_id) {
            Some(p) => out.password = Some(p.clone()),
            None => return skip(out, Skip::NoPassword),
        }
    }
    // The file name comes from the manifest: it must name a file directly
    // inside the period folder.
    let safe = Path::new(&r.file)
        .file_name()
        .is_some_and(|n| n == std::ffi::OsStr::new(&r.file));
    let bytes = match std::fs::read(period_dir.join(&r.file)) {
        Ok(b) if safe => b,
        _ => return skip(out, Skip::MissingFile),
    };
    let actual = crate::input::read::sha256_hex(&bytes);
    if r.sha256.is_empty() || actual != r.sha256 {
        // Edited since the run: sent when only the cells HR may edit changed
        // (the rep id, period and every computed cell as written).
        let Some(layout) = &r.layout else {
            return skip(out, Skip::Changed(String::new()));
        };
        let seen = crate::store::review::inspect(&bytes, layout, opts.lang);
        if let Some(why) = seen.refused {
            return skip(out, Skip::Changed(why));
        }
        if !seen.fixed_changed.is_empty() {
            return skip(out, Skip::Changed(seen.fixed_changed.join("；")));
        }
        // Bytes changed but no cell HR may edit did: nothing explains the
        // change, so it is not sent.
        if seen.edits.is_empty() {
            return skip(out, Skip::Changed(String::new()));
        }
        out.reviewed = true;
        out.rep.sha256 = actual;
    }
    out.bytes = bytes;
    if opts.cc_supervisor {
        match mailbox("", &r.supervisor_email) {
            Ok(m) if !r.supervisor_email.trim().is_empty() => {
                let to = out.to.as_ref().map(|t| &t.email);
                if to != Some(&m.email) {
                    out.cc = Some(Mailbox::new(None, m.email));
                }
            }
            _ => out.notes.push(Note::NoSupervisorEmail),
        }
    }
    if !opts.resend {
        if let Some(e) = log.sent(&r.rep_id, &out.rep.sha256) {
            out.action = Action::AlreadySent {
                at: e.at.clone(),
                message_id: e.message_id.clone(),
            };
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roster_emails() {
        let ok = |name: &str, email: &str| mailbox(name, email).map(|m| m.to_string());
        assert_eq!(
            ok("张三", " zhangsan@example.com "),
            Ok("张三 <zhangsan@example.com>".to_string())
        );
        assert_eq!(
            ok("Li", "Li Si <lisi@example.com>"),
            Ok("Li <lisi@example.com>".to_string())
        );
        for bad in ["zhangsan", "a@b.com; c@d.com", "张三@", "a b@example.com"] {
            assert!(mailbox("x", bad).is_err(), "{bad}");
        }
    }
}
