//! Bonus figures never travel in the clear: password-encrypted attachments
//! (`kaohe mail --encrypt`) and encrypted ledgers read with their password.

use std::path::{Path, PathBuf};
use std::process::Output;

use calamine::{Data, Reader, Xlsx};

use crate::common::*;
use crate::smtp_server::{Behaviour, SmtpServer};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn kaohe_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_kaohe"));
    c.current_dir(root()).args(args);
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Every rep's password under the samples' rule: the last six characters
/// of the roster's 身份证号.
fn sample_passwords() -> Vec<(String, String)> {
    let ds =
        kaohe::input::dataset::load(&root().join("samples/ledgers"), &Default::default()).unwrap();
    ds.reps
        .iter()
        .map(|r| {
            let id = r.id_number.as_ref().expect("the samples have ID numbers");
            let chars: Vec<char> = id.expose().chars().collect();
            (r.rep_id.clone(), chars[chars.len() - 6..].iter().collect())
        })
        .collect()
}

/// The one attachment of a raw message.
fn attachment(raw: &[u8]) -> Vec<u8> {
    let m = mail_parser::MessageParser::default().parse(raw).unwrap();
    assert_eq!(m.attachment_count(), 1);
    m.attachment(0).unwrap().contents().to_vec()
}

/// `B2` of a workbook's 考核表 (the rep id).
fn rep_id_of(xlsx: Vec<u8>) -> Result<String, String> {
    let mut wb = Xlsx::new(std::io::Cursor::new(xlsx)).map_err(|e| e.to_string())?;
    let range = wb.worksheet_range("考核表").map_err(|e| e.to_string())?;
    match range.get_value((1, 1)) {
        Some(Data::String(s)) => Ok(s.clone()),
        other => Err(format!("{other:?}")),
    }
}

#[test]
fn each_rep_gets_a_workbook_only_their_own_password_opens() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let o = kaohe_env(
        &[
            "run",
            "samples/ledgers",
            "--period",
            "2026-03",
            "--out",
            out.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let period = out.join("2026-03");
    // The dry run says per rep that a password is available.
    let o = kaohe_env(
        &[
            "mail",
            period.to_str().unwrap(),
            "--dry-run",
            "--encrypt",
            "--from",
            "HR <hr@example.com>",
        ],
        &[],
    );
    assert!(
        text(&o).contains(
            "S002 陈颖 → chenying@example.com  S002_陈颖_2026-03.xlsx: 将发送（加密，有密码）"
        ),
        "{}",
        text(&o)
    );
    let server = SmtpServer::start(Behaviour::default());
    let url = format!("smtp://127.0.0.1:{}?tls=none", server.port);
    let emls = tmp.path().join("eml");
    for route in [
        vec!["--smtp", url.as_str()],
        vec!["--eml-dir", emls.to_str().unwrap()],
    ] {
        let mut args = vec![
            "mail",
            period.to_str().unwrap(),
            "--encrypt",
            "--from",
            "HR <hr@example.com>",
        ];
        args.extend(route);
        let o = kaohe_env(&args, &[]);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    }
    let passwords = sample_passwords();
    let pw = |id: &str| passwords.iter().find(|(r, _)| r == id).unwrap().1.clone();
    let got = server.received();
    assert_eq!(got.len(), 24);
    let plain = std::fs::read(period.join("S002_陈颖_2026-03.xlsx")).unwrap();
    let mut checked = 0;
    for r in &got {
        let sealed = attachment(&r.data);
        assert!(
            sealed.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]),
            "an encrypted package"
        );
        let m = mail_parser::MessageParser::default()
            .parse(&r.data)
            .unwrap();
        let body = m.body_text(0).unwrap();
        assert!(
            body.contains("附件已加密，打开密码为您的身份证号后六位。"),
            "{body}"
        );
        if r.rcpt_to[0] == "chenying@example.com" {
            // S002's password opens it: it is S002's workbook, byte for byte.
            let opened = office_crypto::decrypt_from_bytes(sealed.clone(), &pw("S002")).unwrap();
            assert!(opened == plain);
            assert_eq!(rep_id_of(opened), Ok("S002".to_string()));
            // Another rep's password does not.
            let wrong = office_crypto::decrypt_from_bytes(sealed, &pw("S001")).unwrap_or_default();
            assert!(rep_id_of(wrong).is_err());
            checked += 1;
        }
    }
    assert_eq!(checked, 1);
    // The output folder keeps the plain workbook; the .eml is encrypted too.
    assert!(plain.starts_with(b"PK"));
    let eml = std::fs::read(emls.join("S002_陈颖_2026-03.eml")).unwrap();
    let opened = office_crypto::decrypt_from_bytes(attachment(&eml), &pw("S002")).unwrap();
    assert_eq!(rep_id_of(opened), Ok("S002".to_string()));
    // No password anywhere a person or a program reads text: the outputs
    // other than workbooks (results.csv, manifest.json, mail-log.csv, the
    // summary's cells), and every message's headers and body, sent or
    // written. (The attachments are encrypted bytes, random each time: a
    // six-digit run may turn up there by chance and says nothing.)
    let text_of = |raw: &[u8]| -> Vec<u8> {
        let m = mail_parser::MessageParser::default().parse(raw).unwrap();
        let mut t: Vec<u8> = m.raw_message()[..m.root_part().raw_body_offset() as usize].to_vec();
        t.extend(m.body_text(0).unwrap_or_default().as_bytes());
        t
    };
    // The mail log records each sent attachment's SHA-256: hex digits of
    // encrypted, random bytes, where a six-digit run turns up by chance
    // (about once in 500 runs); those digests are left out of the search.
    let without_digests = |b: Vec<u8>| -> Vec<u8> {
        let mut out = Vec::with_capacity(b.len());
        let mut run = Vec::new();
        for &c in b.iter().chain([b'\n'].iter()) {
            if c.is_ascii_hexdigit() {
                run.push(c);
                continue;
            }
            // A run of 64 hex digits is a digest: left out, the rest kept.
            if run.len() != 64 {
                out.extend_from_slice(&run);
            }
            run.clear();
            out.push(c);
        }
        out
    };
    let mut haystacks: Vec<(String, Vec<u8>)> = files(&out)
        .into_iter()
        .filter(|(p, _)| p.extension().is_some_and(|e| e != "xlsx"))
        .map(|(p, b)| {
            let name = p.display().to_string();
            if name.ends_with("mail-log.csv") {
                (name, without_digests(b))
            } else {
                (name, b)
            }
        })
        .collect();
    haystacks.extend(
        files(&emls)
            .into_iter()
            .map(|(p, b)| (p.display().to_string(), text_of(&b))),
    );
    haystacks.extend(got.iter().map(|r| ("smtp".to_string(), text_of(&r.data))));
    assert!(haystacks.iter().any(|(n, _)| n.ends_with("mail-log.csv")));
    for (rep, p) in &passwords {
        for (name, bytes) in &haystacks {
            assert!(
                !bytes.windows(p.len()).any(|w| w == p.as_bytes()),
                "{rep}'s password appears in {name}"
            );
        }
    }
}

#[test]
fn a_rep_without_a_password_is_skipped_never_sent_in_the_clear() {
    let tmp = tempfile::tempdir().unwrap();
    let ledgers = tmp.path().join("ledgers");
    // S001 has a file password; S002 none.
    Ledgers::new()
        .rep("S001", "张三", "商务专员-B2B", "2025-01-01")
        .with("邮箱", S("zhangsan@example.com"))
        .with("文件密码", S("Zq-7731"))
        .rep("S002", "李四", "商务专员-B2B", "2025-01-01")
        .with("邮箱", S("lisi@example.com"))
        .customer("KH1", "甲", "S001", "2025-12-01")
        .followup("2026-03-02", "S001", "KH1", "")
        .followup("2026-03-03", "S002", "KH1", "")
        .keep("回款", &[])
        .write(&ledgers.join("2026-03/台账_2026-03.xlsx"));
    std::fs::write(
        tmp.path().join("考核方案.toml"),
        "name = \"t\"\nversion = \"1\"\n[[profiles]]\nname = \"B2B\"\nroles = [\"商务专员-B2B\"]\nindicators = [{ code = \"followups\", weight = 100, pass = 1, excellent = 2 }]\n[mail]\nfrom = \"HR <hr@example.com>\"\nencrypt = true\n",
    )
    .unwrap();
    let out = tmp.path().join("out");
    let o = kaohe_env(
        &[
            "run",
            ledgers.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let emls = tmp.path().join("eml");
    // `encrypt = true` in the scheme: no flag needed.
    let o = kaohe_env(
        &[
            "mail",
            out.join("2026-03").to_str().unwrap(),
            "--eml-dir",
            emls.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(4), "{}", text(&o));
    assert!(
        text(&o).contains(
            "S002 李四: 跳过：要求加密，但人员表中没有此人的文件密码（或身份证号），不以明文发送"
        ),
        "{}",
        text(&o)
    );
    let written: Vec<String> = files(&emls)
        .keys()
        .map(|p| p.display().to_string())
        .collect();
    assert_eq!(written, ["S001_张三_2026-03.eml"]);
    let eml = std::fs::read(emls.join("S001_张三_2026-03.eml")).unwrap();
    let opened = office_crypto::decrypt_from_bytes(attachment(&eml), "Zq-7731").unwrap();
    assert!(opened.starts_with(b"PK"));
    // The password is in no output, message or line printed.
    let mut all: Vec<u8> = o.stdout.clone();
    all.extend(&o.stderr);
    for (_, b) in files(&out).into_iter().chain(files(&emls)) {
        all.extend(b);
    }
    assert!(!all.windows(7).any(|w| w == b"Zq-7731"));
}

#[test]
fn an_encrypted_ledger_reads_as_its_plain_copy_with_its_password() {
    let tmp = tempfile::tempdir().unwrap();
    // March's files, once plain and once with the roster encrypted
    // (tests/fixtures/encrypted/README.md says how it was made).
    let plain = tmp.path().join("plain");
    let sealed = tmp.path().join("sealed");
    for (p, b) in files(&root().join("samples/ledgers/2026-03")) {
        for dir in [&plain, &sealed] {
            let to = dir.join("2026-03").join(&p);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            std::fs::write(to, &b).unwrap();
        }
    }
    std::fs::copy(
        root().join("tests/fixtures/encrypted/人员与目标_2026-03_加密.xlsx"),
        sealed.join("2026-03/人员与目标_2026-03.xlsx"),
    )
    .unwrap();
    let scheme = root().join("samples/考核方案.toml");
    let run = |ledgers: &Path, out: &str, env: &[(&str, &str)], extra: &[&str]| {
        let out = tmp.path().join(out);
        let mut args = vec![
            "run",
            ledgers.to_str().unwrap(),
            "--scheme",
            scheme.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        (kaohe_env(&args, env), out)
    };
    let (o, plain_out) = run(&plain, "o-plain", &[], &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let env = [("LEDGER_PW", "kaohe-2026")];
    let (o, sealed_out) = run(
        &sealed,
        "o-sealed",
        &env,
        &["--ledger-password-env", "LEDGER_PW"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(
        std::fs::read(plain_out.join("2026-03/results.csv")).unwrap(),
        std::fs::read(sealed_out.join("2026-03/results.csv")).unwrap(),
        "identical results"
    );
    assert!(!text(&o).contains("kaohe-2026"));
    // Or per file pattern, from the scheme's [input] table.
    let with_input = tmp.path().join("方案.toml");
    std::fs::write(
        &with_input,
        format!(
            "{}\n[input]\npasswords = {{ \"2026-03/人员*\" = \"ROSTER_PW\" }}\n",
            std::fs::read_to_string(&scheme).unwrap()
        ),
    )
    .unwrap();
    let out3 = tmp.path().join("o-input");
    let o = kaohe_env(
        &[
            "run",
            sealed.to_str().unwrap(),
            "--scheme",
            with_input.to_str().unwrap(),
            "--out",
            out3.to_str().unwrap(),
        ],
        &[("ROSTER_PW", "kaohe-2026")],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(
        std::fs::read(plain_out.join("2026-03/results.csv")).unwrap(),
        std::fs::read(out3.join("2026-03/results.csv")).unwrap()
    );
    // A wrong password: one line naming the file; without one, the hint.
    let wrong = [("LEDGER_PW", "guess")];
    let (o, _) = run(
        &sealed,
        "o-wrong",
        &wrong,
        &["--ledger-password-env", "LEDGER_PW"],
    );
    assert!(
        text(&o).contains("2026-03/人员与目标_2026-03.xlsx: 打开密码不对，无法解开这个工作簿"),
        "{}",
        text(&o)
    );
    let (o, _) = run(&sealed, "o-none", &[], &[]);
    assert!(
        text(&o).contains("2026-03/人员与目标_2026-03.xlsx: 工作簿设有打开密码（已加密）：请用 --ledger-password-env"),
        "{}",
        text(&o)
    );
}

#[test]
fn a_workbook_with_an_open_password_is_never_kept_parsed() {
    use kaohe::mail::encrypt::{encrypt_xlsx, Password};
    let tmp = tempfile::tempdir().unwrap();
    let ledgers = tmp.path().join("ledgers");
    for (p, b) in files(&root().join("samples/ledgers/2026-03")) {
        let to = ledgers.join("2026-03").join(&p);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        // The follow-ups sealed with an open password.
        let b = if p.to_string_lossy().starts_with("跟进记录") {
            encrypt_xlsx(&b, &Password::new("Fu-4410")).unwrap()
        } else {
            b
        };
        std::fs::write(to, &b).unwrap();
    }
    let out = tmp.path().join("out");
    let run = |env: &[(&str, &str)]| {
        let scheme = root().join("samples/考核方案.toml");
        let mut args = run_args(&ledgers, &scheme, &out).to_vec();
        if !env.is_empty() {
            args.extend(["--ledger-password-env", "LEDGER_PW"]);
        }
        let o = kaohe_env(&args, env);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    };
    run(&[("LEDGER_PW", "Fu-4410")]);
    // Six files: the roster and the sealed follow-ups are not kept, the
    // payments, customers, scores and adjustments are.
    let kept = walk(&out.join(".kaohe-cache"));
    assert_eq!(kept.len(), 4, "{kept:?}");
    // A plain copy of the follow-ups is kept like the others.
    std::fs::copy(
        root().join("samples/ledgers/2026-03/跟进记录_2026-03.xlsx"),
        ledgers.join("2026-03/跟进记录_2026-03.xlsx"),
    )
    .unwrap();
    run(&[]);
    assert_eq!(walk(&out.join(".kaohe-cache")).len(), 5);
}
