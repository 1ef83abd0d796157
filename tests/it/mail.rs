//! `kaohe mail` end to end: a period folder written by `kaohe run` on tiny
//! ledgers, mailed to a real SMTP server on loopback (`smtp_server.rs`),
//! whose received messages are parsed back (mail-parser) and compared with
//! the workbooks on disk; `.eml` files parsed back the same way.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;

use mail_parser::{MessageParser, MimeHeaders};

use crate::common::*;
use crate::smtp_server::{tls_config, Behaviour, SmtpServer, Tls};

const PASSWORD: &str = "Zq7-secret-Pw!42";
const FROM: &str = "人力资源部 <hr@example.com>";

/// The reps of the tiny company: id, name, email, supervisor (as written).
const REPS: [(&str, &str, &str, &str); 4] = [
    ("S001", "张伟明", "zhangweiming@example.com", ""),
    ("S002", "李娜", "lina@example.com", "S001"),
    // Supervisor written by name: looked up in the roster all the same.
    ("S003", "欧阳娜娜", "ouyangnana@example.com", "张伟明"),
    ("S004", "王五", "", "S001"),
];

const SCHEME: &str = r#"
name = "测试方案"
version = "1"
[[profiles]]
name = "商务专员-B2B"
roles = ["商务专员-B2B"]
indicators = [{ code = "followups", weight = 100, pass = 1, excellent = 3 }]
"#;

/// The reps of `REPS`, S001 owning the one customer and contract; rep
/// number i (from 0) follows the customer up i + 1 times.
fn ledgers(dir: &Path) {
    let mut book = Ledgers::new();
    for (id, name, email, sup) in REPS {
        book.rep(id, name, "商务专员-B2B", "2025-01-10")
            .with("邮箱", if email.is_empty() { E } else { S(email) })
            .with("直属领导", if sup.is_empty() { E } else { S(sup) });
    }
    book.customer("KH001", "甲公司", "S001", "2026-03-02")
        .payment("HT001", "KH001", "S001", "2026-03-10", 1000.0, "2026-03-20");
    for (i, (id, ..)) in REPS.iter().enumerate() {
        for _ in 0..=i {
            book.followup("2026-03-02", id, "KH001", "电话");
        }
    }
    book.write(&dir.join("2026-03/台账.xlsx"));
}

/// A period folder written once by `kaohe run` for all tests; each test
/// works on its own copy.
fn fixture() -> &'static Path {
    static DIR: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &DIR.get_or_init(|| {
        let tmp = tempfile::Builder::new()
            .prefix("mail-fixture")
            .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
            .unwrap();
        let l = tmp.path().join("ledgers");
        ledgers(&l);
        let scheme = tmp.path().join("scheme.toml");
        std::fs::write(&scheme, SCHEME).unwrap();
        kaohe_ok(&[
            "run",
            l.to_str().unwrap(),
            "--period",
            "2026-03",
            "--scheme",
            scheme.to_str().unwrap(),
            "--out",
            tmp.path().join("out").to_str().unwrap(),
        ]);
        let dir = tmp.path().join("out/2026-03");
        (tmp, dir)
    })
    .1
}

/// A fresh copy of the fixture's period folder.
fn period_copy(tmp: &Path) -> PathBuf {
    let dir = tmp.join("2026-03");
    std::fs::create_dir_all(&dir).unwrap();
    for (rel, bytes) in files(fixture()) {
        std::fs::write(dir.join(rel), bytes).unwrap();
    }
    dir
}

fn text(o: &Output) -> String {
    format!(
        "stdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[derive(serde::Deserialize)]
struct Manifest {
    reps: Vec<RepEntry>,
}

#[derive(serde::Deserialize, Clone)]
struct RepEntry {
    rep_id: String,
    email: String,
    supervisor_email: String,
    file: String,
    sha256: String,
}

/// The manifest's reps by id.
fn manifest(dir: &Path) -> BTreeMap<String, RepEntry> {
    let m: Manifest =
        serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    m.reps.into_iter().map(|r| (r.rep_id.clone(), r)).collect()
}

/// The send log's rows (BOM and header dropped), split into fields.
fn log_rows(dir: &Path) -> Vec<Vec<String>> {
    let Ok(bytes) = std::fs::read(dir.join("mail-log.csv")) else {
        return Vec::new();
    };
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 with BOM");
    csv::Reader::from_reader(&bytes[3..])
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

fn smtp_url(server: &SmtpServer) -> String {
    format!("smtp://hr@127.0.0.1:{}?tls=none", server.port)
}

fn login() -> Behaviour {
    Behaviour {
        login: Some(("hr".into(), PASSWORD.into())),
        ..Behaviour::default()
    }
}

/// Check one received message against the manifest and the workbook on
/// disk: envelope and To are the rep's, the one attachment is the rep's
/// workbook byte for byte, named right in both headers; returns the rep id.
fn check_received(dir: &Path, raw: &[u8], rcpt: &[String], cc: Option<&str>) -> String {
    let m = MessageParser::default().parse(raw).expect("a MIME message");
    let to = m
        .to()
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .unwrap();
    let reps = manifest(dir);
    let rep = reps.values().find(|r| r.email == to).expect("To is a rep");
    let mut want_rcpt = vec![rep.email.clone()];
    if let Some(cc) = cc {
        want_rcpt.push(cc.to_string());
        let got = m.cc().and_then(|a| a.first()).and_then(|a| a.address());
        assert_eq!(got, Some(cc), "Cc header");
    } else {
        assert!(m.cc().is_none());
    }
    assert_eq!(rcpt, want_rcpt.as_slice(), "envelope of {}", rep.rep_id);
    assert_eq!(m.attachment_count(), 1);
    let a = m.attachment(0).unwrap();
    assert_eq!(
        a.contents(),
        std::fs::read(dir.join(&rep.file)).unwrap().as_slice(),
        "{}: the attachment is the workbook, byte for byte",
        rep.rep_id
    );
    assert_eq!(a.attachment_name(), Some(rep.file.as_str()));
    let ct = a.content_type().unwrap();
    assert_eq!(
        (ct.ctype(), ct.subtype()),
        (
            "application",
            Some("vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        )
    );
    assert_eq!(
        ct.attribute("name"),
        Some(rep.file.as_str()),
        "RFC 2047 name="
    );
    assert_eq!(
        a.content_disposition().unwrap().attribute("filename"),
        Some(rep.file.as_str()),
        "RFC 2231 filename*"
    );
    let name = rep.file.split('_').nth(1).unwrap();
    assert_eq!(
        m.subject(),
        Some(format!("2026-03 绩效考核表 - {name}").as_str())
    );
    rep.rep_id.clone()
}

#[test]
fn smtp_delivers_each_rep_their_own_workbook_once() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = period_copy(tmp.path());
    let d = dir.to_str().unwrap();
    let server = SmtpServer::start(login());
    let url = smtp_url(&server);
    let env = [("KAOHE_SMTP_PASSWORD", PASSWORD)];
    let args = ["mail", d, "--smtp", &url, "--from", FROM, "--cc-supervisor"];

    let o = kaohe_env(&args, &env);
    // S004 has no email: reported, skipped, and the exit code says so.
    assert_eq!(o.status.code(), Some(4), "{}", text(&o));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("S004 王五") && stderr.contains("没有邮箱"),
        "{stderr}"
    );
    let got = server.received();
    assert_eq!(got.len(), 3, "{}", text(&o));
    let reps = manifest(&dir);
    let lead = reps["S001"].email.as_str();
    assert_eq!(reps["S002"].supervisor_email, lead, "by rep id");
    assert_eq!(reps["S003"].supervisor_email, lead, "by name");
    let mut ids = Vec::new();
    for r in &got {
        assert_eq!(r.mail_from, "hr@example.com");
        assert_eq!(r.user.as_deref(), Some("hr"), "logged in");
        let to_lead = r.rcpt_to[0] == lead;
        ids.push(check_received(
            &dir,
            &r.data,
            &r.rcpt_to,
            (!to_lead).then_some(lead),
        ));
    }
    assert_eq!(ids, ["S001", "S002", "S003"], "each rep once, in order");
    assert!(server
        .auth_attempts()
        .iter()
        .all(|(u, p, ok)| u == "hr" && p == PASSWORD && *ok));

    // The send log: one row per accepted message, with the Message-ID the
    // server received and the workbook's hash.
    let rows = log_rows(&dir);
    assert_eq!(rows.len(), 3);
    for (row, r) in rows.iter().zip(&got) {
        let rep = &reps[&row[1]];
        assert_eq!(row[3], rep.email);
        assert_eq!(row[5], rep.file);
        assert_eq!(row[6], rep.sha256);
        let m = MessageParser::default().parse(&r.data).unwrap();
        assert_eq!(row[7], format!("<{}>", m.message_id().unwrap()));
        assert!(row[9].starts_with("250 "), "{row:?}");
    }
    let issued: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("issued.json")).unwrap()).unwrap();
    assert_eq!(issued["how"], "mail");

    // The password is nowhere: not in the output, the folder, the messages.
    let mut seen = vec![o.stdout.clone(), o.stderr.clone()];
    seen.extend(files(&dir).into_values());
    seen.extend(got.iter().map(|r| r.data.clone()));
    for bytes in &seen {
        assert!(
            !String::from_utf8_lossy(bytes).contains(PASSWORD),
            "password leaked"
        );
    }

    assert_eq!(server.connections(), 4, "one check, then one per message");

    // A second run sends nothing, and does not even connect.
    let o2 = kaohe_env(&args, &env);
    assert_eq!(server.received().len(), 3, "{}", text(&o2));
    assert_eq!(server.connections(), 4);
    assert!(
        String::from_utf8_lossy(&o2.stdout).contains("发送过"),
        "{}",
        text(&o2)
    );
    assert_eq!(log_rows(&dir).len(), 3);

    // --resend for one rep sends exactly that one again.
    let mut one = args.to_vec();
    one.extend(["--resend", "--rep", "S002"]);
    let o3 = kaohe_env(&one, &env);
    assert_eq!(o3.status.code(), Some(0), "{}", text(&o3));
    let got = server.received();
    assert_eq!(got.len(), 4);
    assert_eq!(got[3].rcpt_to[0], "lina@example.com");
    assert_eq!(log_rows(&dir).len(), 4);

    // A reissued workbook (new bytes, new hash in the manifest) counts as
    // not sent: only that rep is mailed again.
    let s003 = dir.join(&reps["S003"].file);
    let mut bytes = std::fs::read(&s003).unwrap();
    bytes.extend_from_slice(b"reissued");
    std::fs::write(&s003, &bytes).unwrap();
    let old = reps["S003"].sha256.clone();
    let new = kaohe::input::read::sha256_hex(&bytes);
    let json = std::fs::read_to_string(dir.join("manifest.json")).unwrap();
    std::fs::write(dir.join("manifest.json"), json.replace(&old, &new)).unwrap();
    let o4 = kaohe_env(&args, &env);
    let got = server.received();
    assert_eq!(got.len(), 5, "{}", text(&o4));
    assert_eq!(got[4].rcpt_to[0], "ouyangnana@example.com");
    let m = MessageParser::default().parse(&got[4].data).unwrap();
    assert_eq!(m.attachment(0).unwrap().contents(), bytes.as_slice());
}

#[test]
fn a_refused_recipient_or_dropped_connection_costs_only_that_message() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = period_copy(tmp.path());
    let d = dir.to_str().unwrap();
    // S002 is refused (550); the connection drops while S003 is named.
    let server = SmtpServer::start(Behaviour {
        refuse: vec!["lina@example.com".into()],
        drop_on: vec!["ouyangnana@example.com".into()],
        ..login()
    });
    let url = smtp_url(&server);
    let env = [("KAOHE_SMTP_PASSWORD", PASSWORD)];
    let args = ["mail", d, "--smtp", &url, "--from", FROM, "--lang", "en"];
    let o = kaohe_env(&args, &env);
    assert_eq!(o.status.code(), Some(4), "{}", text(&o));
    let got = server.received();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].rcpt_to, ["zhangweiming@example.com"]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    let listed: Vec<&str> = stderr.lines().filter(|l| l.starts_with("  S")).collect();
    assert_eq!(listed.len(), 3, "{stderr}");
    assert!(listed[0].starts_with("  S004 王五: skipped"), "{stderr}");
    assert!(
        listed[1].starts_with("  S002 李娜: ") && listed[1].contains("550"),
        "{stderr}"
    );
    assert!(listed[2].starts_with("  S003 欧阳娜娜: "), "{stderr}");
    assert!(!stderr.contains(PASSWORD) && !String::from_utf8_lossy(&o.stdout).contains(PASSWORD));
    // Only what the server accepted is logged.
    let rows = log_rows(&dir);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0][1], "S001");
    assert!(
        dir.join("issued.json").is_file(),
        "S001 holds the results now"
    );

    // With the server fixed, a re-run sends exactly the two not reached.
    let fixed = SmtpServer::start(login());
    let url = smtp_url(&fixed);
    let args = ["mail", d, "--smtp", &url, "--from", FROM];
    let o2 = kaohe_env(&args, &env);
    assert_eq!(
        o2.status.code(),
        Some(4),
        "S004 still has no email: {}",
        text(&o2)
    );
    let again: Vec<String> = fixed
        .received()
        .iter()
        .map(|r| r.rcpt_to[0].clone())
        .collect();
    assert_eq!(again, ["lina@example.com", "ouyangnana@example.com"]);
    assert_eq!(log_rows(&dir).len(), 3);
}

#[test]
fn a_changed_workbook_or_missing_email_is_reported_and_skipped() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = period_copy(tmp.path());
    let d = dir.to_str().unwrap();
    let reps = manifest(&dir);
    // S002's workbook edited after the run: its hash no longer matches.
    let path = dir.join(&reps["S002"].file);
    let mut bytes = std::fs::read(&path).unwrap();
    bytes.push(b' ');
    std::fs::write(&path, bytes).unwrap();
    // S003's email made unusable in the manifest: never guessed.
    let json = std::fs::read_to_string(dir.join("manifest.json")).unwrap();
    std::fs::write(
        dir.join("manifest.json"),
        json.replace("ouyangnana@example.com", "ouyangnana at example"),
    )
    .unwrap();
    let server = SmtpServer::start(Behaviour::default());
    let url = format!("smtp://127.0.0.1:{}?tls=none", server.port);
    let o = kaohe(&["mail", d, "--smtp", &url, "--from", FROM]);
    assert_eq!(o.status.code(), Some(4), "{}", text(&o));
    let got = server.received();
    assert_eq!(got.len(), 1, "{}", text(&o));
    assert_eq!(got[0].rcpt_to, ["zhangweiming@example.com"]);
    assert_eq!(got[0].user, None, "no login without a user in the URL");
    let stderr = String::from_utf8_lossy(&o.stderr);
    for want in [
        "S002 李娜",
        "哈希不一致",
        "S003 欧阳娜娜",
        "ouyangnana at example",
        "S004 王五",
    ] {
        assert!(stderr.contains(want), "{want}: {stderr}");
    }
}

#[test]
fn dry_run_prints_who_gets_what_and_touches_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = period_copy(tmp.path());
    let before = files(&dir);
    let o = kaohe(&[
        "mail",
        dir.to_str().unwrap(),
        "--dry-run",
        "--cc-supervisor",
        "--from",
        FROM,
    ]);
    assert_eq!(
        o.status.code(),
        Some(4),
        "S004 would be skipped: {}",
        text(&o)
    );
    let stdout = String::from_utf8_lossy(&o.stdout);
    let lines: Vec<&str> = stdout.lines().filter(|l| l.starts_with("  S")).collect();
    assert_eq!(lines.len(), 4, "{stdout}");
    assert!(
        lines[0].contains("S001 张伟明 → zhangweiming@example.com") && lines[0].contains("不抄送")
    );
    assert!(
        lines[1].contains("lina@example.com (抄送 zhangweiming@example.com)")
            && lines[1].contains("将发送")
    );
    assert!(lines[2].contains("S003_欧阳娜娜_2026-03.xlsx"));
    assert!(lines[3].contains("跳过"));
    assert!(stdout.contains("将发送 3，已发送过 0，跳过 1"), "{stdout}");
    assert_eq!(files(&dir), before, "nothing written");
}

#[test]
fn eml_files_decode_to_the_chinese_file_name_and_subject() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = period_copy(tmp.path());
    let emls = tmp.path().join("eml");
    let o = kaohe(&[
        "mail",
        dir.to_str().unwrap(),
        "--eml-dir",
        emls.to_str().unwrap(),
        "--from",
        FROM,
        "--cc-supervisor",
    ]);
    assert_eq!(o.status.code(), Some(4), "{}", text(&o));
    let written = files(&emls);
    let names: Vec<String> = written.keys().map(|p| p.display().to_string()).collect();
    assert_eq!(
        names,
        [
            "S001_张伟明_2026-03.eml",
            "S002_李娜_2026-03.eml",
            "S003_欧阳娜娜_2026-03.eml"
        ]
    );
    let raw = &written[Path::new("S003_欧阳娜娜_2026-03.eml")];
    assert!(raw.is_ascii(), "every header and part is encoded");
    let text = String::from_utf8_lossy(raw);
    let unfolded = text.replace("\r\n ", " ");
    // Both file-name headers, and an RFC 2047 subject.
    assert!(unfolded.contains("name=\"=?utf-8?B?"), "{text}");
    assert!(unfolded.contains("filename*"), "{text}");
    assert!(unfolded.contains("Subject: 2026-03 =?utf-8?"), "{text}");
    assert!(unfolded.contains("From: =?utf-8?b?"), "{text}");
    let rcpt = [
        "ouyangnana@example.com".to_string(),
        "zhangweiming@example.com".into(),
    ];
    let id = check_received(&dir, raw, &rcpt, Some("zhangweiming@example.com"));
    assert_eq!(id, "S003");
    let m = MessageParser::default().parse(raw.as_slice()).unwrap();
    let from = m.from().and_then(|a| a.first()).unwrap();
    assert_eq!(from.name(), Some("人力资源部"));
    let body = m.body_text(0).unwrap();
    assert!(body.starts_with("欧阳娜娜，您好"), "{body}");
    assert!(body.contains("总分") && body.contains("等级"), "{body}");
    assert!(
        !dir.join("mail-log.csv").exists(),
        ".eml files are not sending"
    );
    assert!(!dir.join("issued.json").exists());
}

#[test]
fn templates_from_a_file_or_the_scheme() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = period_copy(tmp.path());
    let d = dir.to_str().unwrap();
    // A template file: subject line, body with every placeholder.
    let template = tmp.path().join("模板.txt");
    std::fs::write(
        &template,
        "主题：【{期间}】{name}（{rep_id}）的考核结果\n\n{姓名}：总分 {total}，等级 {grade}。\n",
    )
    .unwrap();
    let emls = tmp.path().join("a");
    let o = kaohe(&[
        "mail",
        d,
        "--eml-dir",
        emls.to_str().unwrap(),
        "--from",
        "hr@example.com",
        "--template",
        template.to_str().unwrap(),
        "--rep",
        "S002",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let raw = std::fs::read(emls.join("S002_李娜_2026-03.eml")).unwrap();
    let m = MessageParser::default().parse(raw.as_slice()).unwrap();
    assert_eq!(m.subject(), Some("【2026-03】李娜（S002）的考核结果"));
    let body = m.body_text(0).unwrap().to_string();
    let m2: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    let entry = m2["reps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rep_id"] == "S002")
        .unwrap();
    let want = format!(
        "李娜：总分 {}，等级 {}。",
        entry["total"].as_str().unwrap(),
        entry["grade"].as_str().unwrap()
    );
    assert!(body.starts_with(&want), "{body} / {want}");
    assert_eq!(emls.read_dir().unwrap().count(), 1, "--rep: only S002");

    // The scheme's [mail] table gives the sender and template.
    let scheme = tmp.path().join("方案.toml");
    std::fs::write(
        &scheme,
        format!(
            "{SCHEME}\n[mail]\nfrom = \"销售部 <sales@example.com>\"\nsubject = \"{{name}} 的 {{period}} 考核表\"\nbody = \"请查收。\"\n"
        ),
    )
    .unwrap();
    let emls = tmp.path().join("b");
    let o = kaohe(&[
        "mail",
        d,
        "--eml-dir",
        emls.to_str().unwrap(),
        "--scheme",
        scheme.to_str().unwrap(),
        "--rep",
        "S001",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let raw = std::fs::read(emls.join("S001_张伟明_2026-03.eml")).unwrap();
    let m = MessageParser::default().parse(raw.as_slice()).unwrap();
    assert_eq!(m.subject(), Some("张伟明 的 2026-03 考核表"));
    assert_eq!(
        m.from().and_then(|a| a.first()).and_then(|a| a.address()),
        Some("sales@example.com")
    );

    // A misspelt placeholder is a configuration error before anything is written.
    std::fs::write(&template, "{nmae}\n\nx\n").unwrap();
    let emls = tmp.path().join("c");
    let o = kaohe(&[
        "mail",
        d,
        "--eml-dir",
        emls.to_str().unwrap(),
        "--from",
        "hr@example.com",
        "--template",
        template.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains("{nmae}"));
    assert!(!emls.exists());
}

#[test]
fn starttls_and_implicit_tls_with_the_company_ca() {
    let certs = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/smtp-tls");
    let ca = certs.join("ca.pem");
    let cfg = tls_config(&certs);
    let env = [("KAOHE_SMTP_PASSWORD", PASSWORD)];
    for (tls, scheme) in [
        (Tls::Upgrade(cfg.clone()), "smtp"),
        (Tls::Implicit(cfg.clone()), "smtps"),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let dir = period_copy(tmp.path());
        let d = dir.to_str().unwrap();
        let server = SmtpServer::start(Behaviour { tls, ..login() });
        let url = format!("{scheme}://hr@127.0.0.1:{}", server.port);
        // The test CA is not in the system's store: refused, nothing logged.
        let o = kaohe_env(
            &["mail", d, "--smtp", &url, "--from", FROM, "--rep", "S001"],
            &env,
        );
        assert_eq!(o.status.code(), Some(4), "{scheme}: {}", text(&o));
        assert!(server.received().is_empty());
        assert!(log_rows(&dir).is_empty());
        assert!(!dir.join("issued.json").exists());
        // Trusting the company's CA: delivered over TLS, logged in.
        let o = kaohe_env(
            &[
                "mail",
                d,
                "--smtp",
                &url,
                "--from",
                FROM,
                "--rep",
                "S001",
                "--smtp-ca",
                ca.to_str().unwrap(),
            ],
            &env,
        );
        assert_eq!(o.status.code(), Some(0), "{scheme}: {}", text(&o));
        let got = server.received();
        assert_eq!(got.len(), 1, "{scheme}");
        assert!(got[0].tls, "{scheme}");
        assert_eq!(got[0].user.as_deref(), Some("hr"));
        check_received(&dir, &got[0].data, &got[0].rcpt_to, None);
        assert_eq!(log_rows(&dir).len(), 1);
    }
}

#[test]
fn usage_errors_never_show_the_password() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = period_copy(tmp.path());
    let d = dir.to_str().unwrap();
    let env = [("KAOHE_SMTP_PASSWORD", PASSWORD)];
    let in_url = format!("smtps://hr:{PASSWORD}@mail.example.com");
    type Case<'a> = (Vec<&'a str>, &'a [(&'a str, &'a str)], i32, &'a str);
    let cases: Vec<Case> = vec![
        // A password in the URL is refused, without repeating it.
        (
            vec!["--smtp", &in_url, "--from", FROM],
            &env,
            2,
            "KAOHE_SMTP_PASSWORD",
        ),
        // A user but no password in the environment.
        (
            vec!["--smtp", "smtps://hr@mail.example.com", "--from", FROM],
            &[],
            2,
            "KAOHE_SMTP_PASSWORD",
        ),
        (
            vec![
                "--smtp",
                "smtps://hr@mail.example.com",
                "--from",
                FROM,
                "--password-env",
                "MY_PW",
            ],
            &env,
            2,
            "MY_PW",
        ),
        // No sender.
        (
            vec!["--smtp", "smtps://hr@mail.example.com"],
            &env,
            2,
            "--from",
        ),
        (
            vec!["--eml-dir", "x", "--from", "not an address"],
            &[],
            2,
            "not an address",
        ),
        // Neither --eml-dir nor --smtp.
        (vec!["--from", FROM], &[], 2, "--eml-dir"),
        // A dry run checks the SMTP settings too.
        (
            vec!["--dry-run", "--smtp", "smtps://hr@mail.example.com"],
            &[],
            2,
            "KAOHE_SMTP_PASSWORD",
        ),
        (vec!["--dry-run", "--rep", "S999"], &[], 2, "S999"),
        // Credentials in clear text to another machine.
        (
            vec![
                "--smtp",
                "smtp://hr@mail.example.com:25?tls=none",
                "--from",
                FROM,
            ],
            &env,
            2,
            "tls=none",
        ),
    ];
    for (extra, env, code, want) in cases {
        let mut args = vec!["mail", d];
        args.extend(&extra);
        let o = kaohe_env(&args, env);
        assert_eq!(o.status.code(), Some(code), "{extra:?}: {}", text(&o));
        let t = text(&o);
        assert!(t.contains(want), "{extra:?}: {t}");
        assert!(!t.contains(PASSWORD), "{extra:?}: {t}");
    }
    // The draft of an issued period is not mailed.
    let draft = dir.join("draft");
    std::fs::create_dir(&draft).unwrap();
    for (rel, bytes) in files(fixture()) {
        std::fs::write(draft.join(rel), bytes).unwrap();
    }
    let dr = draft.to_str().unwrap();
    assert_eq!(
        kaohe(&["mail", dr, "--dry-run", "--from", FROM])
            .status
            .code(),
        Some(4),
        "not issued yet"
    );
    std::fs::write(dir.join("issued.json"), "{}").unwrap();
    let o = kaohe(&["mail", dr, "--dry-run"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("--reissue"), "{}", text(&o));
    std::fs::remove_dir_all(&draft).unwrap();
    std::fs::remove_file(dir.join("issued.json")).unwrap();
    // Not a period folder: a usage error (as for `kaohe issue`).
    let o = kaohe(&["mail", tmp.path().to_str().unwrap(), "--dry-run"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    // An unreachable server: every rep reported, nothing logged.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("smtp://hr@127.0.0.1:{port}?tls=none");
    let o = kaohe_env(&["mail", d, "--smtp", &url, "--from", FROM], &env);
    assert_eq!(o.status.code(), Some(4), "{}", text(&o));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("S001") && stderr.contains("S003"),
        "{stderr}"
    );
    assert!(!stderr.contains(PASSWORD));
    assert!(log_rows(&dir).is_empty());
    // While another kaohe holds the output folder, nothing is sent.
    let server = SmtpServer::start(login());
    let url = smtp_url(&server);
    {
        let _held = kaohe::store::lock(tmp.path(), kaohe::Lang::Zh)
            .unwrap()
            .unwrap();
        let o = kaohe_env(&["mail", d, "--smtp", &url, "--from", FROM], &env);
        assert_eq!(o.status.code(), Some(2), "{}", text(&o));
        assert!(text(&o).contains("另一个 kaohe"), "{}", text(&o));
        assert_eq!(server.connections(), 0);
    }
    // A wrong password: refused by the server, reported once, not echoed.
    let server = SmtpServer::start(login());
    let url = smtp_url(&server);
    let o = kaohe_env(
        &["mail", d, "--smtp", &url, "--from", FROM],
        &[("KAOHE_SMTP_PASSWORD", "wrong-Pw-123")],
    );
    assert_eq!(o.status.code(), Some(4), "{}", text(&o));
    assert!(server.received().is_empty());
    let t = text(&o);
    assert!(t.contains("535") && !t.contains("wrong-Pw-123"), "{t}");
    assert_eq!(
        server.auth_attempts().len(),
        1,
        "one check, not one try per rep"
    );
}
