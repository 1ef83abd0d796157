//! Security properties of the outputs (SPEC 10), each checked on the files
//! as written, unzipped part by part: ledger text never becomes a formula or
//! a link, output names stay inside the output folder and are valid on
//! Windows and macOS, a rep's workbook holds nothing of another rep (cells,
//! chart data, defined names, document properties, hidden sheets), and the
//! ledger folder is never written.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use kaohe::compute::assess::compute_with;
use kaohe::compute::Index;
use kaohe::scheme::Scheme;

use crate::common::*;

/// Every part of a zip (xlsx) file, decompressed, by name.
fn parts(path: &Path) -> BTreeMap<String, String> {
    let bytes = std::fs::read(path).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).unwrap();
            let mut s = String::new();
            f.read_to_string(&mut s).unwrap();
            (f.name().to_string(), s)
        })
        .collect()
}

/// The text of every `<f>` (formula) element of an XML part.
fn formulas(xml: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = xml;
    while let Some(i) = rest.find("<f") {
        rest = &rest[i + 2..];
        if !rest.starts_with('>') && !rest.starts_with(' ') {
            continue;
        }
        let Some(open_end) = rest.find('>') else {
            break;
        };
        if rest[..open_end].ends_with('/') {
            continue;
        }
        let body = &rest[open_end + 1..];
        let close = body.find("</f>").unwrap_or(body.len());
        out.push(&body[..close]);
        rest = &body[close..];
    }
    out
}

const SCHEME: &str = "name = \"x\"\nversion = \"1\"\n[[profiles]]\nname = \"B2B\"\nroles = [\"商务专员-B2B\"]\nindicators = [{ code = \"followups\", weight = 100, pass = 1, excellent = 3 }]\n";

/// Ledger text made to look like formulas, links and commands.
const EVIL_NAME: &str = "=HYPERLINK(\"http://evil.example/x\",\"点我\")";
const EVIL_TEAM: &str = "+86 138 0000 0000";
const EVIL_CUSTOMER: &str = "@SUM(1+1)*cmd|' /C calc'!A0";
const EVIL_REASON: &str = "-2+3+cmd|' /C calc'!A0";
const EVIL_NOTES: &str = "http://evil.example/phish";
const EVIL_DATE: &str = "=1+1";

/// `kaohe run` for 2026-03, which must succeed.
fn run_march(ledgers: &Path, scheme: &Path, out: &Path) {
    kaohe_ok(&[
        "run",
        ledgers.to_str().unwrap(),
        "--period",
        "2026-03",
        "--scheme",
        scheme.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
}

/// The hostile ledgers and the scheme in a temporary folder.
fn hostile_folder() -> Folder {
    let f = Folder::new(SCHEME);
    hostile_ledgers(&f.ledgers);
    f
}

fn hostile_ledgers(dir: &Path) {
    Ledgers::new()
        .rep("S001", EVIL_NAME, "商务专员-B2B", "2025-01-10")
        .with("团队", S(EVIL_TEAM))
        .rep("S002", "李四", "商务专员-B2B", "2025-01-10")
        .with("团队", S(EVIL_NOTES))
        .customer("KH001", EVIL_CUSTOMER, "S001", "2026-03-02")
        .customer("KH002", "乙公司", "S002", EVIL_DATE)
        .customer("KH003", "丙公司", "S002", "2026-03-04")
        .followup("2026-03-02", "S001", "KH001", "电话")
        .with("跟进内容", S(EVIL_NOTES))
        .followup("2026-03-03", "S002", "KH003", "电话")
        .with("跟进内容", S("好"))
        .payment("HT001", "KH001", "S001", "2026-03-10", 1000.0, "2026-03-20")
        .adjustment("S001", "2026-03", "剔除", EVIL_REASON)
        .with("指标", S("followups"))
        .adjustment("S001", "2026-03", "加分", EVIL_REASON)
        .with("数值", N(1.0))
        .write(&dir.join("2026-03/台账.xlsx"));
}

#[test]
fn ledger_text_never_becomes_a_formula_or_a_link_in_any_output() {
    let f = hostile_folder();
    let (tmp, ledgers, scheme, out) = (&f.tmp, &f.ledgers, &f.scheme, &f.out);
    run_march(ledgers, scheme, out);
    let issues = tmp.path().join("issues.xlsx");
    kaohe(&[
        "check",
        ledgers.to_str().unwrap(),
        "--out",
        issues.to_str().unwrap(),
    ]);
    let mut books: Vec<PathBuf> = walk(out)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "xlsx"))
        .collect();
    books.push(issues);
    assert_eq!(books.len(), 4, "{books:?}");
    let mut seen_as_text = std::collections::HashSet::new();
    for book in &books {
        for (part, xml) in parts(book) {
            assert!(
                !xml.contains("<hyperlink"),
                "{}: {part} has a link",
                book.display()
            );
            assert!(
                !xml.contains("TargetMode=\"External\""),
                "{}: {part}",
                book.display()
            );
            for f in formulas(&xml) {
                for bad in ["HYPERLINK", "evil", "cmd", "SUM(1+1)", "1+1"] {
                    assert!(!f.contains(bad), "{}: {part}: formula {f}", book.display());
                }
            }
            for (text, escaped) in [
                (
                    EVIL_NAME,
                    "=HYPERLINK(&quot;http://evil.example/x&quot;,&quot;点我&quot;)",
                ),
                (EVIL_TEAM, EVIL_TEAM),
                (EVIL_CUSTOMER, "@SUM(1+1)*cmd|&apos; /C calc&apos;!A0"),
                (EVIL_REASON, "-2+3+cmd|&apos; /C calc&apos;!A0"),
                (EVIL_NOTES, EVIL_NOTES),
                (EVIL_DATE, EVIL_DATE),
            ] {
                let as_text = [
                    format!("<t>{escaped}</t>"),
                    format!("<t xml:space=\"preserve\">{escaped}</t>"),
                    format!("<t>{text}</t>"),
                ];
                if as_text.iter().any(|t| xml.contains(t.as_str())) {
                    seen_as_text.insert(text);
                }
            }
        }
    }
    // Every hostile text reached some workbook, as text.
    for t in [
        EVIL_NAME,
        EVIL_TEAM,
        EVIL_CUSTOMER,
        EVIL_REASON,
        EVIL_NOTES,
        EVIL_DATE,
    ] {
        assert!(seen_as_text.contains(t), "{t} not found as text");
    }
    // results.csv: text Excel would take for a formula is prefixed with '.
    let csv = std::fs::read_to_string(out.join("2026-03/results.csv")).unwrap();
    let mut rdr =
        csv::ReaderBuilder::new().from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let mut fields = 0;
    for rec in rdr.records() {
        for f in rec.unwrap().iter() {
            fields += 1;
            let number = f.parse::<f64>().is_ok();
            assert!(
                number || !f.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "results.csv: {f}"
            );
        }
    }
    assert!(fields > 50);
    assert!(
        csv.contains(&format!("'{EVIL_NAME}").replace('"', "\"\"")),
        "{csv}"
    );
    assert!(csv.contains(&format!("'{EVIL_TEAM}")), "{csv}");
}

#[test]
fn output_names_from_any_rep_stay_inside_the_folder_and_are_portable() {
    let long_name = "长".repeat(100);
    let long_id = "X".repeat(300);
    let hostile = [
        ("../../x", "甲"),
        ("CON", "乙"),
        ("A/B", "丙"),
        ("A:B", "丙"),
        ("S005", "张三:李四"),
        ("S006", "a/b\\c"),
        ("S007", long_name.as_str()),
        ("S008", "😀🎉 emoji"),
        ("S009", ".."),
        ("S010", "nul"),
        ("S011", " trailing. "),
        ("S012", "tab\there"),
    ];
    let mut book = Ledgers::new();
    for (id, name) in hostile.iter().copied().chain([(long_id.as_str(), "丁")]) {
        book.rep(id, name, "商务专员-B2B", "2025-01-10");
    }
    // Customers, follow-ups and payments for S005 only (enough for a run).
    book.customer("KH001", "甲公司", "S005", "2026-03-02")
        .followup("2026-03-02", "S005", "KH001", "电话")
        .payment("HT001", "KH001", "S005", "2026-03-10", 1000.0, "2026-03-20");
    let Folder {
        tmp: _tmp,
        ledgers,
        scheme,
        out,
    } = Folder::new(SCHEME);
    book.write(&ledgers.join("2026-03/台账.xlsx"));
    run_march(&ledgers, &scheme, &out);
    let period_dir = out.join("2026-03");
    // Everything but the run's lock file and run record is in the
    // period's folder; kaohe's stamps of the workbooks beside them.
    let written: Vec<PathBuf> = walk(&out)
        .into_iter()
        .filter(|p| !p.ends_with(".kaohe-stamps.json"))
        .filter(|p| {
            p.parent() != Some(out.as_path())
                || !(p.ends_with(".kaohe.lock") || p.ends_with(".kaohe-runs.json"))
        })
        .collect();
    for p in &written {
        assert_eq!(p.parent().unwrap(), period_dir, "{}", p.display());
        let name = p.file_name().unwrap().to_str().unwrap();
        assert!(name.len() <= 255, "{name}");
        assert!(
            !name.contains(['<', '>', ':', '"', '/', '\\', '|', '?', '*'])
                && !name.chars().any(char::is_control),
            "{name}"
        );
        assert!(
            !name.starts_with('.') && !name.ends_with(['.', ' ']),
            "{name}"
        );
        let stem = name.split('.').next().unwrap().to_uppercase();
        assert!(
            !["CON", "PRN", "AUX", "NUL", "COM1", "LPT1"].contains(&stem.as_str()),
            "{name}"
        );
    }
    // One workbook per rep: no two reps share (and overwrite) a file.
    let books = written
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "xlsx"))
        .filter(|p| {
            !p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("团队汇总")
        })
        .count();
    assert_eq!(books, hostile.len() + 1);
    let manifest = std::fs::read_to_string(period_dir.join("manifest.json")).unwrap();
    let m: serde_json::Value = serde_json::from_str(&manifest).unwrap();
    let files: std::collections::HashSet<&str> = m["reps"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["file"].as_str())
        .collect();
    assert_eq!(files.len(), hostile.len() + 1, "{manifest}");
}

/// Whether a character belongs to an identifier (`S001`, `HT2026-00045`).
fn id_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

/// The whole identifiers in a text.
fn tokens(text: &str) -> std::collections::HashSet<&str> {
    text.split(|c: char| !id_char(c))
        .filter(|t| !t.is_empty())
        .collect()
}

#[test]
fn a_rep_workbook_holds_nothing_of_another_rep_in_any_part() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let scheme = Scheme::load(&root.join("考核方案.toml")).unwrap();
    assert_only_own_rows(&scheme);
}

/// Team indicators (SPEC 5, "Team scope") show the team's aggregate, never
/// the other members' rows: the sample scheme with sales_achievement and
/// collection_rate pooled over the team in every profile; every teammate
/// gets the same value, and no workbook holds another rep's ids or names.
#[test]
fn a_team_indicator_shows_the_aggregate_and_no_other_reps_rows() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let text = std::fs::read_to_string(root.join("考核方案.toml"))
        .unwrap()
        .replace("scope = \"team\"\n", "")
        .replace(
            "code = \"sales_achievement\"\n",
            "code = \"sales_achievement\"\nscope = \"team\"\n",
        )
        .replace(
            "code = \"collection_rate\"\n",
            "code = \"collection_rate\"\nscope = \"team\"\n",
        );
    let scheme = Scheme::parse(&text, "团队方案.toml").unwrap();
    let ds = kaohe::input::dataset::load(&root.join("ledgers"), &scheme.columns).unwrap();
    let ix = Index::new(&ds);
    let period = kaohe::period::Period::parse("2026-Q1").unwrap();
    let results = compute_with(&ds, &ix, &scheme, &[period]);
    // Per team, profile and pooled indicator (profiles may measure it with
    // other options): the values of its assessed members.
    let mut by_team: BTreeMap<(String, String, String), Vec<String>> = BTreeMap::new();
    for res in &results {
        let Ok(a) = &res.outcome else { continue };
        let team = ds.reps[res.rep as usize].team.clone().unwrap_or_default();
        for line in a.lines.iter().filter(|l| l.spec.team) {
            by_team
                .entry((team.clone(), a.profile.clone(), line.spec.code.clone()))
                .or_default()
                .push(format!("{:?}", line.eval.value));
        }
    }
    let shared = by_team.values().filter(|v| v.len() > 1).count();
    assert!(shared >= 3, "{by_team:?}");
    for (team, values) in &by_team {
        assert!(
            values.iter().all(|v| *v == values[0]),
            "{team:?}: {values:?}"
        );
    }
    assert_only_own_rows(&scheme);
}

/// Writes every rep's 2026-Q1 workbook of the samples under `scheme` and
/// checks that none holds an id or name of another rep in any part.
fn assert_only_own_rows(scheme: &Scheme) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let ds = kaohe::input::dataset::load(&root.join("ledgers"), &scheme.columns).unwrap();
    let ix = Index::new(&ds);
    let period = kaohe::period::Period::parse("2026-Q1").unwrap();
    let results = compute_with(&ds, &ix, scheme, &[period]);
    let tmp = tempfile::tempdir().unwrap();
    let written = kaohe::output::rep_workbooks(
        &ds,
        &ix,
        scheme,
        period,
        &results,
        &|f, b| kaohe::store::fs::write_atomic(&tmp.path().join(f), b),
        kaohe::Lang::Zh,
        &Default::default(),
        None,
    )
    .unwrap();
    assert!(written.len() > 10);
    // What belongs to each rep: id, name, customer ids, contract ids.
    let n = ds.reps.len();
    let mut own: Vec<std::collections::BTreeSet<String>> = ds
        .reps
        .iter()
        .map(|r| [r.rep_id.clone(), r.name.clone()].into())
        .collect();
    for c in &ds.customers {
        for s in &c.snapshots {
            own[s.owner as usize].insert(c.customer_id.to_string());
        }
    }
    for i in &ds.installments {
        own[i.rep as usize].insert(i.contract_id.to_string());
        own[i.rep as usize].insert(i.customer_id.to_string());
    }
    let mut checked = 0;
    for w in &written {
        let me = w.rep as usize;
        // The form names the rep's supervisor (考核人): that name is the
        // rep's to see, nothing else of the supervisor is.
        let boss = ds.reps[me].supervisor.as_deref().and_then(|s| {
            ds.reps
                .iter()
                .find(|r| r.rep_id == s)
                .or_else(|| ds.reps.iter().find(|r| r.name == s))
        });
        let all: String = parts(&tmp.path().join(&w.file))
            .into_iter()
            .map(|(name, xml)| format!("{name}\n{xml}\n"))
            .collect();
        let ids = tokens(&all);
        assert!(ids.contains(ds.reps[me].rep_id.as_str()), "{}", w.file);
        for other in (0..n).filter(|&o| o != me) {
            for token in &own[other] {
                if own[me].contains(token) {
                    continue; // a customer handed over: both reps' own
                }
                if boss.is_some_and(|b| b.name == *token) {
                    continue;
                }
                let leaked = if token.chars().all(id_char) {
                    ids.contains(token.as_str())
                } else {
                    // A name: only when no own text contains it.
                    all.contains(token.as_str())
                        && !own[me].iter().any(|m| m.contains(token.as_str()))
                };
                assert!(
                    !leaked,
                    "{}: holds {token} of {}",
                    w.file, ds.reps[other].rep_id
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 1000, "{checked}");
}

#[test]
fn the_ledger_folder_is_never_written() {
    let tmp = tempfile::tempdir().unwrap();
    let ledgers = tmp.path().join("ledgers");
    hostile_ledgers(&ledgers);
    std::fs::write(ledgers.join("考核方案.toml"), SCHEME).unwrap();
    let mtimes = |dir: &Path| -> Vec<(PathBuf, std::time::SystemTime)> {
        let mut v: Vec<_> = walk(dir)
            .into_iter()
            .chain([dir.to_path_buf(), dir.join("2026-03")])
            .map(|p| {
                let t = std::fs::metadata(&p).unwrap().modified().unwrap();
                (p, t)
            })
            .collect();
        v.sort();
        v
    };
    let before = (files(&ledgers), mtimes(&ledgers));
    let l = ledgers.to_str().unwrap();
    let out = tmp.path().join("out");
    let o = out.to_str().unwrap();
    assert_eq!(kaohe(&["run", l, "--out", o]).status.code(), Some(0));
    assert_eq!(
        kaohe(&["run", l, "--out", o, "--period", "2026-03", "--force"])
            .status
            .code(),
        Some(0)
    );
    let issues = tmp.path().join("i.xlsx");
    kaohe(&["check", l, "--out", issues.to_str().unwrap()]);
    // Outputs aimed into the ledger folder are refused (usage error).
    for inside in [
        ledgers.join("out"),
        ledgers.join("2026-03"),
        ledgers.clone(),
    ] {
        let i = inside.to_str().unwrap();
        assert_eq!(kaohe(&["run", l, "--out", i]).status.code(), Some(2), "{i}");
        let f = inside.join("问题.xlsx");
        assert_eq!(
            kaohe(&["check", l, "--out", f.to_str().unwrap()])
                .status
                .code(),
            Some(2),
            "{i}"
        );
    }
    assert_eq!((files(&ledgers), mtimes(&ledgers)), before);
}

/// The SMTP password (from the environment) never reaches the output of
/// `run` or `check`: not the terminal, the workbooks, results.csv or the
/// manifest. (`kaohe mail` is checked in tests/it/mail.rs.)
#[test]
fn the_smtp_password_appears_in_no_output() {
    const SECRET: &str = "Hv9-never-print-me";
    let f = hostile_folder();
    let (tmp, ledgers, scheme, out) = (&f.tmp, &f.ledgers, &f.scheme, &f.out);
    let issues = tmp.path().join("out/i.xlsx");
    let mut seen = Vec::new();
    for args in [
        vec![
            "run",
            ledgers.to_str().unwrap(),
            "--scheme",
            scheme.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
        vec![
            "check",
            ledgers.to_str().unwrap(),
            "--out",
            issues.to_str().unwrap(),
        ],
    ] {
        let o = kaohe_env(&args, &[("KAOHE_SMTP_PASSWORD", SECRET)]);
        seen.push(o.stdout);
        seen.push(o.stderr);
    }
    let written = walk(out);
    assert!(written.len() >= 5, "{written:?}");
    for p in &written {
        seen.push(std::fs::read(p).unwrap());
        if p.extension().is_some_and(|e| e == "xlsx") {
            seen.extend(parts(p).into_values().map(String::into_bytes));
        }
    }
    for bytes in &seen {
        assert!(!String::from_utf8_lossy(bytes).contains(SECRET));
    }
}
