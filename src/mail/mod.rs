//! `kaohe mail OUT/<period>` (SPEC 9): one message per assessed rep of the
//! period's `manifest.json`, to the rep's roster email (optionally Cc the
//! supervisor), with the rep's own workbook attached — written as `.eml`
//! files for review (`--eml-dir`) or sent over SMTP (`--smtp`).
//!
//! Safety rules (each has a test in `tests/it/mail.rs`):
//! - a rep without a usable email, or whose workbook no longer matches the
//!   manifest's hash, is reported and skipped — never guessed;
//! - `mail-log.csv` ([`log`]) records every message the server accepted, and
//!   only those; a re-run sends only what is not in it with the workbook's
//!   current hash (`--resend` forces);
//! - a refused recipient or a dropped connection costs only that message;
//!   the run ends with the list of reps not reached and exit code 4;
//! - the SMTP password comes from an environment variable and is never
//!   printed, logged or written ([`smtp`]);
//! - once any message of the period has been accepted, the period is marked
//!   issued ([`crate::store::issued`]): results a rep holds never change silently;
//! - sending holds the output folder's lock (the one `kaohe run` takes), so
//!   two mailings never run at once and no run rewrites the workbooks
//!   while they are being sent.

pub mod encrypt;
pub mod log;
pub mod message;
pub mod plan;
pub mod smtp;

use std::path::{Path, PathBuf};

use lettre::message::Mailbox;
use lettre::Transport as _;

use crate::output::manifest::Manifest;
use crate::scheme::mail::{check_from, MailTemplate, Values};
use crate::Lang;
use plan::{Action, Item};

pub use crate::exit::EXIT_NOT_DELIVERED;

/// The arguments of `kaohe mail`.
#[derive(clap::Args, Debug, Clone)]
pub struct MailArgs {
    /// The period folder written by `kaohe run` (e.g. out/2026-03).
    pub period_dir: PathBuf,
    /// Write one .eml file per rep into this folder (for review, or to send
    /// with any mail client).
    #[arg(long, conflicts_with = "smtp", required_unless_present_any = ["smtp", "dry_run"])]
    pub eml_dir: Option<PathBuf>,
    /// Send over SMTP: smtps://user@host:465 (TLS), smtp://user@host:587
    /// (STARTTLS), smtp://localhost:25?tls=none (local relay). The password
    /// comes from the environment variable KAOHE_SMTP_PASSWORD.
    #[arg(long)]
    pub smtp: Option<String>,
    /// The sender, e.g. "人力资源部 <hr@example.com>" (default: the scheme's
    /// [mail] from).
    #[arg(long)]
    pub from: Option<String>,
    /// Cc each message to the rep's supervisor (上级 in the roster).
    #[arg(long)]
    pub cc_supervisor: bool,
    /// Subject and body template file: first line the subject, then the body;
    /// placeholders {name} {rep_id} {period} {total} {grade}.
    #[arg(long)]
    pub template: Option<PathBuf>,
    /// Scheme file whose [mail] table gives the sender and template
    /// (default: the scheme named in manifest.json, when it is there).
    #[arg(long)]
    pub scheme: Option<PathBuf>,
    /// The environment variable holding the SMTP password.
    #[arg(long, default_value = smtp::PASSWORD_ENV)]
    pub password_env: String,
    /// An extra trusted CA certificate (PEM) for the SMTP server's TLS.
    #[arg(long)]
    pub smtp_ca: Option<PathBuf>,
    /// Only print who would get what; send and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Send again to reps already in mail-log.csv with the same workbook.
    #[arg(long)]
    pub resend: bool,
    /// Only this rep (工号); may be repeated.
    #[arg(long = "rep", value_name = "REP_ID")]
    pub reps: Vec<String>,
    #[arg(long, value_enum, default_value_t = Lang::Zh)]
    pub lang: Lang,
    /// Encrypt each attachment with the rep's own file password (the
    /// roster's 文件密码, or the scheme's [mail] password rule); a rep
    /// without one is skipped. Also `encrypt = true` in the scheme's [mail].
    #[arg(long)]
    pub encrypt: bool,
    /// The ledger folder whose roster holds the passwords (default: the
    /// one the period was computed from, as its manifest records).
    #[arg(long)]
    pub ledgers: Option<PathBuf>,
}

/// Print to standard output, ignoring a closed pipe.
fn say(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|_| out.flush());
}

/// Print a line to standard error.
fn warn(text: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}

/// Where the messages go.
enum Route {
    DryRun,
    Eml(PathBuf),
    Smtp {
        server: smtp::Server,
        transport: Box<lettre::SmtpTransport>,
        secret: Option<smtp::Secret>,
    },
}

/// Everything checked before any message is built.
struct Job {
    period_dir: PathBuf,
    manifest: Manifest,
    template: MailTemplate,
    template_source: String,
    from: Option<Mailbox>,
    route: Route,
    lang: Lang,
    /// `--encrypt`: each rep's password (a rep missing here has none), and
    /// the hint for the body.
    encryption: Option<Encryption>,
}

/// The passwords of an encrypted mailing, by rep id, and how they are
/// formed (said in the body when the scheme gives it).
struct Encryption {
    passwords: std::collections::HashMap<String, encrypt::Password>,
    hint: Option<String>,
}

/// Each rep's file password from the roster of the ledger folder, by the
/// scheme's rule.
fn passwords(
    ledger_dir: &Path,
    scheme: Option<&crate::scheme::Scheme>,
    rule: &crate::scheme::mail::PasswordRule,
) -> anyhow::Result<std::collections::HashMap<String, encrypt::Password>> {
    let aliases = scheme.map(|s| s.columns.clone()).unwrap_or_default();
    let ds = crate::input::dataset::load(ledger_dir, &aliases)?;
    Ok(ds
        .reps
        .iter()
        .filter_map(|r| {
            let pw = match rule {
                crate::scheme::mail::PasswordRule::FilePassword => r
                    .file_password
                    .as_ref()
                    .map(|s| s.expose().trim().to_string()),
                crate::scheme::mail::PasswordRule::IdNumberLast(n) => {
                    r.id_number.as_ref().and_then(|s| {
                        let chars: Vec<char> = s.expose().trim().chars().collect();
                        (chars.len() >= *n).then(|| chars[chars.len() - n..].iter().collect())
                    })
                }
            }?;
            (!pw.is_empty()).then(|| (r.rep_id.clone(), encrypt::Password::new(pw)))
        })
        .collect())
}

/// Run `kaohe mail`; returns the exit code (0 done, 2 usage or
/// configuration, 3 unreadable period folder, 4 some rep not reached).
pub fn run(args: &MailArgs) -> i32 {
    let lang = args.lang;
    let job = match prepare(args) {
        Ok(j) => j,
        Err((code, message)) => {
            warn(&format!("kaohe: {message}"));
            return code;
        }
    };
    // Sending writes the log and may mark the period issued: one kaohe at a
    // time per output folder (the lock `kaohe run` takes), so two mailings
    // never send twice and no run rewrites the workbooks meanwhile.
    let _lock = if matches!(job.route, Route::Smtp { .. }) {
        let out = job
            .period_dir
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        match crate::store::lock(out, lang) {
            Ok(Ok(f)) => Some(f),
            Ok(Err(busy)) => {
                warn(&format!("kaohe: {busy}"));
                return crate::exit::EXIT_USAGE;
            }
            Err(e) => {
                warn(&format!("kaohe: {e:#}"));
                return crate::exit::EXIT_UNREADABLE;
            }
        }
    } else {
        None
    };
    let log = match log::Log::read(&job.period_dir) {
        Ok(l) => l,
        Err(e) => {
            warn(&format!("kaohe: {e:#}"));
            return crate::exit::EXIT_UNREADABLE;
        }
    };
    let opts = plan::Options {
        cc_supervisor: args.cc_supervisor,
        resend: args.resend,
        only: &args.reps,
        lang,
        passwords: job.encryption.as_ref().map(|e| &e.passwords),
    };
    if let Some(unknown) = args.reps.iter().find(|id| {
        !job.manifest
            .reps
            .iter()
            .any(|r| r.rep_id.eq_ignore_ascii_case(id) && !r.file.is_empty())
    }) {
        warn(&format!(
            "kaohe: --rep {unknown}: {}",
            lang.pick(
                "本期间没有该工号的考核表",
                "no workbook of this rep id in the period"
            )
        ));
        return crate::exit::EXIT_USAGE;
    }
    let items = plan::plan(&job.period_dir, &job.manifest, &log, &opts);
    say(&header(&job, &items));
    match &job.route {
        Route::DryRun => dry_run(&job, &items),
        Route::Eml(dir) => write_emls(&job, &items, dir),
        Route::Smtp {
            server,
            transport,
            secret,
        } => send_all(&job, items, log, server, transport, secret.as_ref()),
    }
}

/// An exit code and the message to print.
type Failure = (i32, String);

fn prepare(args: &MailArgs) -> Result<Job, Failure> {
    let lang = args.lang;
    // A message written `中文 / English`, in the user's language.
    let usage = |bilingual: String| {
        (
            crate::exit::EXIT_USAGE,
            lang.pick_in(&bilingual).to_string(),
        )
    };
    let dir = &args.period_dir;
    if let Some(parent) = draft_of_issued(dir) {
        return Err(usage(format!(
            "{} 是已发放期间的草稿；若要发出新结果，请先用 kaohe run --reissue 替换 {} 的结果 / is the draft of an issued period; to send new results, replace those of {} with kaohe run --reissue first",
            dir.display(),
            parent.display(),
            parent.display()
        )));
    }
    let manifest_path = dir.join("manifest.json");
    if !manifest_path.is_file() {
        // A wrong folder is a usage error, as for `kaohe issue`.
        return Err(usage(format!(
            "{} 不是 kaohe run 的期间输出文件夹（没有 manifest.json），请给出如 out/2026-03 的文件夹 / is not a period folder written by kaohe run (no manifest.json); give one such as out/2026-03",
            dir.display()
        )));
    }
    let manifest: Manifest = std::fs::read(&manifest_path)
        .map_err(|e| format!("{}：{e} / {e}", manifest_path.display()))
        .and_then(|b| {
            serde_json::from_slice(&b).map_err(|e| {
                format!(
                    "{}：无法解析（{e}） / cannot be parsed ({e})",
                    manifest_path.display()
                )
            })
        })
        .map_err(|m| (crate::exit::EXIT_UNREADABLE, lang.pick_in(&m).to_string()))?;

    // The scheme's [mail] table: --scheme, else the run's scheme when it is
    // still where the manifest says.
    let scheme_path = args.scheme.clone().or_else(|| {
        Some(PathBuf::from(&manifest.scheme_file))
            .filter(|p| !p.as_os_str().is_empty() && p.is_file())
    });
    if scheme_path.is_none() && !manifest.scheme_file.is_empty() {
        eprintln!(
            "kaohe: {}",
            match lang {
                Lang::Zh => format!(
                    "警告：找不到本期使用的考核方案 {}（已移动或删除？）；不用其中的 [mail] 设置，改用内置模板。可用 --scheme 指定",
                    manifest.scheme_file
                ),
                Lang::En => format!(
                    "warning: the period's scheme {} is gone (moved or deleted?); its [mail] settings are not used, the built-in template is. Give --scheme",
                    manifest.scheme_file
                ),
            }
        );
    }
    let scheme = match &scheme_path {
        Some(p) => Some(
            crate::scheme::Scheme::load(p)
                .map_err(|e| (crate::exit::EXIT_USAGE, e.message_in(lang)))?,
        ),
        None => None,
    };
    let settings = scheme.as_ref().map(|s| s.mail.clone()).unwrap_or_default();

    let (template, template_source) = if let Some(path) = &args.template {
        let text = std::fs::read_to_string(path).map_err(|e| {
            usage(format!(
                "--template {}：无法读取（{e}） / cannot be read ({e})",
                path.display()
            ))
        })?;
        let t = MailTemplate::parse_file(&text).map_err(|e| {
            (
                crate::exit::EXIT_USAGE,
                format!("{}: {}", path.display(), lang.pick_in(&e)),
            )
        })?;
        (t, path.display().to_string())
    } else if let Some(t) = settings.template.clone() {
        let p = scheme_path.as_deref().unwrap_or(Path::new(""));
        (t, format!("{} [mail]", p.display()))
    } else {
        (
            MailTemplate::builtin(lang),
            lang.pick("内置模板", "built-in template").to_string(),
        )
    };

    let from_text = args.from.clone().or(settings.from);
    let from = match &from_text {
        Some(f) => {
            check_from(f).map_err(usage)?;
            Some(
                f.trim()
                    .parse::<Mailbox>()
                    .map_err(|e| usage(e.to_string()))?,
            )
        }
        None => None,
    };
    if from.is_none() && !args.dry_run {
        return Err(usage(
            "需要发件人：请用 --from \"人力资源部 <hr@example.com>\"，或在考核方案的 [mail] 中写 from / a sender is needed: give --from \"HR <hr@example.com>\", or from in the scheme's [mail] table".into(),
        ));
    }

    // The SMTP settings are checked even for a dry run, which then tells
    // whether the real run would start.
    let smtp = match &args.smtp {
        Some(url) => {
            let server = smtp::Server::parse(url).map_err(|e| usage(e.to_string()))?;
            let secret = match &server.user {
                Some(_) => Some(smtp::Secret::from_env(&args.password_env).ok_or_else(|| {
                    usage(format!(
                        "SMTP 密码应放在环境变量 {0} 中（未设置或为空） / the SMTP password must be in the environment variable {0} (unset or empty)",
                        args.password_env
                    ))
                })?),
                None => None,
            };
            let transport = server
                .transport(secret.as_ref(), args.smtp_ca.as_deref())
                .map_err(usage)?;
            Some((server, transport, secret))
        }
        None => None,
    };
    let route = match (args.dry_run, &args.eml_dir, smtp) {
        (true, ..) => Route::DryRun,
        (false, Some(dir), _) => Route::Eml(dir.clone()),
        (false, None, Some((server, transport, secret))) => Route::Smtp {
            server,
            transport: Box::new(transport),
            secret,
        },
        (false, None, None) => return Err(usage(
            "请给出 --eml-dir 或 --smtp（或 --dry-run） / give --eml-dir or --smtp (or --dry-run)"
                .into(),
        )),
    };

    // Encrypted attachments: each rep's password from the roster of the
    // ledgers the period was computed from.
    let encryption = if args.encrypt || settings.encrypt {
        let ledgers = args.ledgers.clone().or_else(|| {
            Some(PathBuf::from(&manifest.ledger_dir))
                .filter(|p| !p.as_os_str().is_empty() && p.is_dir())
        });
        let Some(ledgers) = ledgers else {
            return Err(usage(
                "加密发送需要人员表中的密码：请用 --ledgers 指定台账文件夹 / encrypted mail needs the passwords in the roster: give the ledger folder with --ledgers".into(),
            ));
        };
        let passwords = passwords(&ledgers, scheme.as_ref(), &settings.password)
            .map_err(|e| (crate::exit::EXIT_UNREADABLE, format!("{e:#}")))?;
        Some(Encryption {
            passwords,
            hint: settings.password_hint.clone(),
        })
    } else {
        None
    };
    Ok(Job {
        period_dir: dir.clone(),
        manifest,
        template,
        template_source,
        from,
        route,
        lang,
        encryption,
    })
}

/// The issued period whose draft folder (`OUT/<period>/draft`) `dir` is.
fn draft_of_issued(dir: &Path) -> Option<PathBuf> {
    let dir = dir.canonicalize().ok()?;
    let parent = dir.parent()?;
    (dir.file_name()? == crate::store::issued::DRAFT_DIR
        && crate::store::issued::read(parent).is_some())
    .then(|| parent.to_path_buf())
}

/// The lines above the plan: period, counts, template, sender, route.
fn header(job: &Job, items: &[Item]) -> String {
    let lang = job.lang;
    let not_assessed = job
        .manifest
        .reps
        .iter()
        .filter(|r| r.file.is_empty())
        .count();
    let route = match &job.route {
        Route::DryRun => lang
            .pick(
                "试运行：不发送、不写文件",
                "dry run: nothing is sent or written",
            )
            .to_string(),
        Route::Eml(d) => format!(
            "{} {}",
            lang.pick("写入 .eml 文件到", "writing .eml files to"),
            d.display()
        ),
        Route::Smtp { server, .. } => format!(
            "{} {}{}",
            lang.pick("通过 SMTP 发送：", "sending over SMTP:"),
            server.address(),
            server
                .user
                .as_deref()
                .map(|u| format!(" ({} {u})", lang.pick("用户", "user")))
                .unwrap_or_default()
        ),
    };
    let from = job
        .from
        .as_ref()
        .map(|m| m.to_string_unencoded())
        .unwrap_or_else(|| lang.pick("（未指定）", "(not given)").to_string());
    match lang {
        Lang::Zh => format!(
            "期间 {}：{} 人有考核表{}\n发件人 {from}；模板：{}\n{route}\n",
            job.manifest.period,
            items.len(),
            if not_assessed > 0 {
                format!("（{not_assessed} 人未考核）")
            } else {
                String::new()
            },
            job.template_source
        ),
        Lang::En => format!(
            "period {}: {} reps with a workbook{}\nfrom {from}; template: {}\n{route}\n",
            job.manifest.period,
            items.len(),
            if not_assessed > 0 {
                format!(" ({not_assessed} not assessed)")
            } else {
                String::new()
            },
            job.template_source
        ),
    }
}

trait MailboxText {
    fn to_string_unencoded(&self) -> String;
}

impl MailboxText for Mailbox {
    /// `人力资源部 <hr@example.com>` as written, not RFC 2047 encoded.
    fn to_string_unencoded(&self) -> String {
        match &self.name {
            Some(n) if !n.is_empty() => format!("{n} <{}>", self.email),
            _ => self.email.to_string(),
        }
    }
}

/// `S001 张伟明 → zhangweiming@example.com (抄送 lead@example.com) S001_张伟明_2026-03.xlsx`
fn who(item: &Item, lang: Lang) -> String {
    let mut s = format!("{} {}", item.rep.rep_id, item.rep.name);
    if let Some(to) = &item.to {
        s.push_str(&format!(" → {}", to.email));
    }
    if let Some(cc) = &item.cc {
        s.push_str(&format!(" ({} {})", lang.pick("抄送", "cc"), cc.email));
    }
    s.push_str(&format!("  {}", item.rep.file));
    s
}

fn notes(item: &Item, lang: Lang) -> String {
    item.notes
        .iter()
        .map(|n| format!("；{}", n.describe(lang)))
        .collect()
}

fn action_text(item: &Item, lang: Lang) -> String {
    match &item.action {
        Action::Send => {
            let mut t = lang.pick("将发送", "will send").to_string();
            if item.reviewed {
                t.push_str(lang.pick("（已审阅）", " (reviewed)"));
            }
            if item.password.is_some() {
                t.push_str(lang.pick("（加密，有密码）", " (encrypted: password available)"));
            }
            t
        }
        Action::AlreadySent { at, .. } => match lang {
            Lang::Zh => format!("已于 {at} 发送过，不再发送（--resend 可重发）"),
            Lang::En => format!("already sent at {at}; not sent again (--resend to force)"),
        },
        Action::Skip(why) => format!("{}{}", lang.pick("跳过：", "skipped: "), why.describe(lang)),
    }
}

fn skipped(items: &[Item]) -> Vec<&Item> {
    items
        .iter()
        .filter(|i| matches!(i.action, Action::Skip(_)))
        .collect()
}

/// The list of reps not reached (stderr) and the exit code.
fn finish(lang: Lang, failures: &[(String, String)]) -> i32 {
    if failures.is_empty() {
        return crate::exit::EXIT_OK;
    }
    let mut s = format!(
        "{} ({}):\n",
        lang.pick("以下人员未收到考核表", "not reached"),
        failures.len()
    );
    for (who, why) in failures {
        s.push_str(&format!("  {who}: {why}\n"));
    }
    warn(s.trim_end());
    EXIT_NOT_DELIVERED
}

fn skip_failures(items: &[Item], lang: Lang) -> Vec<(String, String)> {
    skipped(items)
        .into_iter()
        .map(|i| {
            (
                format!("{} {}", i.rep.rep_id, i.rep.name),
                action_text(i, lang),
            )
        })
        .collect()
}

fn dry_run(job: &Job, items: &[Item]) -> i32 {
    let lang = job.lang;
    let mut s = String::new();
    for i in items {
        s.push_str(&format!(
            "  {}: {}{}\n",
            who(i, lang),
            action_text(i, lang),
            notes(i, lang)
        ));
    }
    let send = items.iter().filter(|i| i.action == Action::Send).count();
    let sent = items
        .iter()
        .filter(|i| matches!(i.action, Action::AlreadySent { .. }))
        .count();
    let skip = skipped(items).len();
    s.push_str(&match lang {
        Lang::Zh => format!("将发送 {send}，已发送过 {sent}，跳过 {skip}\n"),
        Lang::En => format!("would send {send}, already sent {sent}, skipped {skip}\n"),
    });
    say(&s);
    // The dry run checks what the real run checks: without a sender it
    // could not start.
    if job.from.is_none() && send > 0 {
        eprintln!(
            "kaohe: {}",
            lang.pick(
                "实际发送前需要发件人：请用 --from \"人力资源部 <hr@example.com>\"，或在考核方案的 [mail] 中写 from",
                "the real run needs a sender: give --from \"HR <hr@example.com>\", or from in the scheme's [mail] table"
            )
        );
        return crate::exit::EXIT_USAGE;
    }
    finish(lang, &skip_failures(items, lang))
}

/// The template's values for a rep.
fn values<'a>(job: &'a Job, item: &'a Item) -> Values<'a> {
    Values {
        name: &item.rep.name,
        rep_id: &item.rep.rep_id,
        period: &job.manifest.period,
        total: item.rep.total.as_deref(),
        grade: item.rep.grade.as_deref(),
    }
}

/// A Message-ID unique to this message: time, a counter, the workbook's hash.
fn message_id(from: &Mailbox, sha256: &str, n: usize) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    format!(
        "<kaohe.{}.{:06}.{n}.{}@{}>",
        now.as_secs(),
        now.subsec_micros(),
        sha256.get(..16).unwrap_or(sha256),
        from.email.domain()
    )
}

/// The message of a rep and its Message-ID.
fn build_message(job: &Job, item: &Item, n: usize) -> Result<(lettre::Message, String), String> {
    let from = job.from.as_ref().expect("a sender outside --dry-run");
    let to = item.to.clone().expect("a recipient for a message");
    let v = values(job, item);
    let id = message_id(from, &item.rep.sha256, n);
    // Only what leaves is encrypted: the folder keeps the plain workbook.
    let bytes = match (&job.encryption, &item.password) {
        (Some(_), Some(pw)) => encrypt::encrypt_xlsx(&item.bytes, pw).map_err(|e| e.to_string())?,
        (Some(_), None) => return Err("no password".into()),
        (None, _) => item.bytes.clone(),
    };
    let mut body = job.template.body.render(&v);
    if let Some(hint) = job.encryption.as_ref().and_then(|e| e.hint.as_deref()) {
        body.push_str(&format!("\n\n{hint}\n"));
    }
    message::build(&message::Draft {
        from,
        to,
        cc: item.cc.clone(),
        subject: job.template.subject.render(&v),
        body,
        file_name: &item.rep.file,
        bytes: &bytes,
        message_id: id.clone(),
    })
    .map(|m| (m, id))
    .map_err(|e| e.to_string())
}

fn write_emls(job: &Job, items: &[Item], dir: &Path) -> i32 {
    let lang = job.lang;
    let mut written = 0;
    let mut failures = skip_failures(items, lang);
    for (n, i) in items.iter().enumerate() {
        if let Action::Skip(_) = i.action {
            say(&format!("  {}: {}\n", who(i, lang), action_text(i, lang)));
            continue;
        }
        let stem = i
            .rep
            .file
            .rsplit_once('.')
            .map_or(i.rep.file.as_str(), |(s, _)| s);
        let path = dir.join(format!("{stem}.eml"));
        let result = build_message(job, i, n).and_then(|(m, _)| {
            crate::store::fs::write_atomic(&path, &m.formatted()).map_err(|e| format!("{e:#}"))
        });
        match result {
            Ok(()) => {
                written += 1;
                say(&format!(
                    "  {}: {}{}\n",
                    who(i, lang),
                    path.display(),
                    notes(i, lang)
                ));
            }
            Err(e) => failures.push((format!("{} {}", i.rep.rep_id, i.rep.name), e)),
        }
    }
    say(&match lang {
        Lang::Zh => format!("已写入 {written} 封邮件（.eml），未发送\n"),
        Lang::En => format!("{written} messages written (.eml); nothing sent\n"),
    });
    finish(lang, &failures)
}

fn send_all(
    job: &Job,
    items: Vec<Item>,
    mut log: log::Log,
    server: &smtp::Server,
    transport: &lettre::SmtpTransport,
    secret: Option<&smtp::Secret>,
) -> i32 {
    let lang = job.lang;
    let mut failures = skip_failures(&items, lang);
    let to_send: Vec<&Item> = items.iter().filter(|i| i.action == Action::Send).collect();
    for i in items.iter().filter(|i| i.action != Action::Send) {
        say(&format!("  {}: {}\n", who(i, lang), action_text(i, lang)));
    }
    let mut accepted = 0;
    // One check first, so a wrong host or password is one message, not one per rep.
    let reachable = if to_send.is_empty() {
        Ok(())
    } else {
        match transport.test_connection() {
            Ok(true) => Ok(()),
            Ok(false) => Err(lang
                .pick("服务器无响应", "the server does not answer")
                .to_string()),
            Err(e) => Err(smtp::redact(secret, &e.to_string())),
        }
    };
    match reachable {
        Err(e) => {
            warn(&format!(
                "kaohe: {} {}: {e}",
                lang.pick(
                    "无法连接或登录 SMTP 服务器",
                    "cannot connect or log in to the SMTP server"
                ),
                server.address()
            ));
            for i in &to_send {
                failures.push((
                    format!("{} {}", i.rep.rep_id, i.rep.name),
                    lang.pick(
                        "未发送（无法连接服务器）",
                        "not sent (server not reachable)",
                    )
                    .into(),
                ));
            }
        }
        Ok(()) => {
            for (n, i) in to_send.iter().enumerate() {
                let name = format!("{} {}", i.rep.rep_id, i.rep.name);
                let (message, id) = match build_message(job, i, n) {
                    Ok(m) => m,
                    Err(e) => {
                        failures.push((name, e));
                        continue;
                    }
                };
                match transport.send(&message) {
                    Ok(reply) => {
                        let entry = log::Entry {
                            at: chrono::Local::now()
                                .format("%Y-%m-%d %H:%M:%S %:z")
                                .to_string(),
                            rep_id: i.rep.rep_id.clone(),
                            name: i.rep.name.clone(),
                            to: i
                                .to
                                .as_ref()
                                .map(|t| t.email.to_string())
                                .unwrap_or_default(),
                            cc: i
                                .cc
                                .as_ref()
                                .map(|c| c.email.to_string())
                                .unwrap_or_default(),
                            file: i.rep.file.clone(),
                            sha256: i.rep.sha256.clone(),
                            message_id: id,
                            server: server.address(),
                            reply: smtp::redact(
                                secret,
                                &format!(
                                    "{} {}",
                                    reply.code(),
                                    reply.message().collect::<Vec<_>>().join(" ")
                                ),
                            ),
                        };
                        if let Err(e) = log.append(entry, lang) {
                            // Stop: a message the log does not know of would be sent again.
                            warn(&format!(
                                "kaohe: {name}: {} {e:#}",
                                lang.pick(
                                    "邮件已被服务器接收，但无法写入发送记录；已停止发送：",
                                    "the message was accepted but the send log cannot be written; stopped:"
                                )
                            ));
                            failures.push((
                                name,
                                lang.pick(
                                    "已送达，但未写入发送记录（重新运行会再发一次）",
                                    "delivered, but not in the send log (a re-run sends it again)",
                                )
                                .into(),
                            ));
                            for rest in &to_send[n + 1..] {
                                failures.push((
                                    format!("{} {}", rest.rep.rep_id, rest.rep.name),
                                    lang.pick("未发送（已停止）", "not sent (stopped)").into(),
                                ));
                            }
                            break;
                        }
                        accepted += 1;
                        say(&format!(
                            "  {}: {}{}\n",
                            who(i, lang),
                            lang.pick("已发送", "sent"),
                            notes(i, lang)
                        ));
                    }
                    Err(e) => {
                        let why = smtp::redact(secret, &e.to_string());
                        say(&format!(
                            "  {}: {} {why}\n",
                            who(i, lang),
                            lang.pick("发送失败：", "failed:")
                        ));
                        failures.push((name, why));
                    }
                }
            }
        }
    }
    // Results have left the building once any workbook of the period was
    // accepted: mark the period issued (once).
    let out_there = job
        .manifest
        .reps
        .iter()
        .any(|r| !r.sha256.is_empty() && log.sent(&r.rep_id, &r.sha256).is_some())
        // A workbook HR reviewed is logged with its own hash.
        || items
            .iter()
            .any(|i| i.reviewed && log.sent(&i.rep.rep_id, &i.rep.sha256).is_some());
    if out_there && crate::store::issued::read(&job.period_dir).is_none() {
        match crate::store::issued::mark(&job.period_dir, "mail") {
            Ok(_) => say(lang.pick(
                "本期间已标记为已发放（issued.json）：重新计算需 --reissue\n",
                "period marked issued (issued.json): recomputing it needs --reissue\n",
            )),
            Err(e) => warn(&format!("kaohe: {e:#}")),
        }
    }
    let already = items
        .iter()
        .filter(|i| matches!(i.action, Action::AlreadySent { .. }))
        .count();
    let failed = failures.len();
    say(&match lang {
        Lang::Zh => format!("已发送 {accepted}，此前已发送 {already}，未送达 {failed}\n"),
        Lang::En => format!("sent {accepted}, sent before {already}, not reached {failed}\n"),
    });
    finish(lang, &failures)
}
