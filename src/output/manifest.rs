//! `manifest.json` of a period (SPEC 8): the scheme's and the inputs'
//! content hashes and, per rep, the output file, its hash, the rep's email
//! and supervisor's email, total and grade — what incremental runs compare
//! and what mailing reads.
//! Pretty JSON with a fixed field order and sorted lists, so identical runs
//! give identical files.

use serde::{Deserialize, Serialize};

pub use crate::input::read::sha256_hex;

/// One input file and its content hash.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct InputFile {
    /// Path relative to the ledger folder, `/`-separated.
    pub file: String,
    /// SHA-256 of its bytes (empty when they could not be read).
    pub sha256: String,
}

/// One rep of the period and their output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RepEntry {
    pub rep_id: String,
    pub name: String,
    /// Empty when the roster has none.
    pub email: String,
    /// The email of the rep's supervisor (上级, looked up in the roster by id,
    /// then by unique name); empty when there is none. For `kaohe mail
    /// --cc-supervisor`.
    #[serde(default)]
    pub supervisor_email: String,
    /// The rep's workbook, relative to the period folder (empty until it is written).
    pub file: String,
    /// SHA-256 of the workbook's bytes (empty until it is written).
    pub sha256: String,
    /// The total as printed (`86.5`); `None` when not assessed or not graded.
    pub total: Option<String>,
    /// The grade; `None` when not assessed or not graded.
    pub grade: Option<String>,
    /// The scorecard's editable and fixed cells (empty until written).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layout: Option<Layout>,
}

/// A value as a workbook cell shows it: a number, or text (blank: empty text).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Shown {
    Number(f64),
    Text(String),
}

impl Shown {
    /// The value as text for people (numbers without a trailing `.0`).
    pub fn text(&self) -> String {
        match self {
            Shown::Number(n) => {
                let s = format!("{n}");
                s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
            }
            Shown::Text(t) => t.clone(),
        }
    }
}

/// A cell HR should not change (it identifies the workbook, or kaohe
/// computed it from the ledgers), with what kaohe wrote there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FixedCell {
    /// `B2`.
    pub cell: String,
    /// What it is, for messages (`工号`, `销售额 实际值`).
    pub what: String,
    pub value: Shown,
    /// The cell identifies the workbook (rep id, period): a workbook that
    /// differs there is not this rep's.
    #[serde(default)]
    pub identity: bool,
}

/// A cell HR may edit: a manual indicator's score, or the 评语 box.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EditableCell {
    pub cell: String,
    /// The indicator code, or [`COMMENT`] for the 评语 box.
    pub code: String,
    /// The indicator's name (or 评语), for the review record.
    pub name: String,
    /// What kaohe computes there by itself (before any review).
    pub own: Shown,
    /// What kaohe wrote there (HR's reviewed value, when there is one).
    pub written: Shown,
    /// The largest number the cell takes (a rating's scale), when it is
    /// not a score (0–120) or text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
}

/// The code of the 评语 box in a review record.
pub const COMMENT: &str = "评语";

/// The code prefix of a 绩效面谈记录 field (`面谈:date`).
pub const INTERVIEW: &str = "面谈:";

/// The 绩效面谈记录 fields: key, Chinese and English label.
pub const INTERVIEW_FIELDS: [(&str, &str, &str); 5] = [
    ("date", "面谈日期", "Interview date"),
    ("interviewer", "面谈人", "Interviewer"),
    ("issues", "主要问题", "Main issues"),
    ("actions", "改进措施", "Improvement actions"),
    ("due", "完成时间", "Due by"),
];

/// The code prefix of the 改进计划 cells (`改进:goal`): the rows of a rep
/// the improvement-plan rule lists.
pub const PLAN: &str = "改进:";

/// The 改进计划 fields: key, Chinese and English label.
pub const PLAN_FIELDS: [(&str, &str, &str); 4] = [
    ("goal", "改进目标", "Goal"),
    ("measures", "改进措施", "Measures"),
    ("coach", "辅导人", "Coach"),
    ("due", "完成时间", "Due by"),
];

/// The code of a rater's cell of a manual indicator (`rating:协作响应速度@self`).
pub fn rater_code(code: &str, rater: &str) -> String {
    format!("{code}@{rater}")
}

/// A rater cell's code split into the indicator code and the rater.
pub fn split_rater(code: &str) -> Option<(&str, &str)> {
    code.rsplit_once('@')
        .filter(|(c, r)| c.starts_with("rating:") && !r.is_empty())
}

/// Whether an editable cell holds text (评语, the interview) rather than
/// a number.
pub fn is_text_cell(code: &str) -> bool {
    code == COMMENT || code.starts_with(INTERVIEW) || code.starts_with(PLAN)
}

/// Where a rep workbook's scorecard keeps what HR may and may not edit.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Layout {
    /// The scorecard sheet's name.
    pub sheet: String,
    pub fixed: Vec<FixedCell>,
    pub editable: Vec<EditableCell>,
}

/// The manifest of one period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// `2026-10`, `2026-Q4`, `2026`.
    pub period: String,
    pub scheme_file: String,
    pub scheme_hash: String,
    /// Sorted by file.
    pub inputs: Vec<InputFile>,
    /// Sorted by rep id.
    pub reps: Vec<RepEntry>,
    pub kaohe_version: String,
    /// Language of the outputs (`zh`, `en`).
    #[serde(default)]
    pub lang: String,
    /// The team summary's file name, relative to the period folder.
    #[serde(default)]
    pub summary_file: String,
    /// The payout CSV's file name (`奖金发放_<period>.csv`); empty in
    /// manifests written before it existed.
    #[serde(default)]
    pub payout_file: String,
    /// The ledger folder the period was computed from (absolute): where
    /// `kaohe mail --encrypt` finds the roster's passwords.
    #[serde(default)]
    pub ledger_dir: String,
    /// The period's content digest ([`crate::output::digest`]): what an incremental
    /// run compares to decide whether the period's results changed.
    #[serde(default)]
    pub digest: String,
}

impl Manifest {
    /// The manifest of one period's results (in rep order). The per-rep
    /// `file` and `sha256` are left empty: the writer of the rep workbooks
    /// fills them from the bytes it wrote.
    pub fn new(
        ds: &crate::input::dataset::Dataset,
        scheme_file: &str,
        scheme_hash: &str,
        period: crate::period::Period,
        results: &[crate::compute::assess::RepResult],
    ) -> Manifest {
        let roster = crate::input::dataset::RepIndex::new(&ds.reps);
        let mut m = Manifest {
            period: period.to_string(),
            scheme_file: scheme_file.to_string(),
            scheme_hash: scheme_hash.to_string(),
            inputs: ds
                .files
                .iter()
                .map(|f| InputFile {
                    file: f.rel.to_string(),
                    sha256: f.sha256.clone().unwrap_or_default(),
                })
                .collect(),
            reps: results
                .iter()
                .map(|r| {
                    let rep = &ds.reps[r.rep as usize];
                    let a = r.outcome.as_ref().ok().map(|a| &a.assessment);
                    RepEntry {
                        rep_id: rep.rep_id.clone(),
                        name: rep.name.clone(),
                        email: rep.email.clone().unwrap_or_default(),
                        supervisor_email: supervisor_email(ds, &roster, r.rep),
                        file: String::new(),
                        sha256: String::new(),
                        total: a.and_then(|a| a.total).map(|t| t.normalize().to_string()),
                        grade: a.and_then(|a| a.grade.as_ref()).map(|g| g.name.clone()),
                        layout: None,
                    }
                })
                .collect(),
            kaohe_version: env!("CARGO_PKG_VERSION").to_string(),
            lang: String::new(),
            summary_file: String::new(),
            payout_file: String::new(),
            ledger_dir: String::new(),
            digest: String::new(),
        };
        m.sort();
        m
    }

    /// Sort the lists (inputs by file, reps by id), as they are written.
    pub fn sort(&mut self) {
        self.inputs.sort();
        self.reps.sort_by(|a, b| a.rep_id.cmp(&b.rep_id));
    }
}

/// The roster email of a rep's supervisor (empty: none, unknown, or no email).
fn supervisor_email(
    ds: &crate::input::dataset::Dataset,
    roster: &crate::input::dataset::RepIndex,
    rep: crate::input::model::RepIdx,
) -> String {
    ds.reps[rep as usize]
        .supervisor
        .as_deref()
        .and_then(|s| roster.resolve(s).ok())
        .and_then(|i| ds.reps[i as usize].email.clone())
        .unwrap_or_default()
}

/// Every input file of the run with its content hash, sorted.
pub fn input_files(ds: &crate::input::dataset::Dataset) -> Vec<InputFile> {
    let mut v: Vec<InputFile> = ds
        .files
        .iter()
        .map(|f| InputFile {
            file: f.rel.to_string(),
            sha256: f.sha256.clone().unwrap_or_default(),
        })
        .collect();
    v.sort();
    v
}

/// A manifest read without the scorecards' layouts (most of its bytes: a
/// year of 2,000 reps holds some 14 MB of them), for deciding whether a
/// period changed; every rep's `layout` is `None`.
pub fn from_json_head(bytes: &[u8]) -> serde_json::Result<Manifest> {
    // The manifest's fields without `layout`, which serde passes over
    // without building it.
    #[derive(Deserialize)]
    struct Rep {
        rep_id: String,
        name: String,
        email: String,
        #[serde(default)]
        supervisor_email: String,
        file: String,
        sha256: String,
        total: Option<String>,
        grade: Option<String>,
    }
    #[derive(Deserialize)]
    struct Head {
        period: String,
        scheme_file: String,
        scheme_hash: String,
        inputs: Vec<InputFile>,
        reps: Vec<Rep>,
        kaohe_version: String,
        #[serde(default)]
        lang: String,
        #[serde(default)]
        summary_file: String,
        #[serde(default)]
        payout_file: String,
        #[serde(default)]
        ledger_dir: String,
        #[serde(default)]
        digest: String,
    }
    let h: Head = serde_json::from_slice(bytes)?;
    Ok(Manifest {
        period: h.period,
        scheme_file: h.scheme_file,
        scheme_hash: h.scheme_hash,
        inputs: h.inputs,
        reps: h
            .reps
            .into_iter()
            .map(|r| RepEntry {
                rep_id: r.rep_id,
                name: r.name,
                email: r.email,
                supervisor_email: r.supervisor_email,
                file: r.file,
                sha256: r.sha256,
                total: r.total,
                grade: r.grade,
                layout: None,
            })
            .collect(),
        kaohe_version: h.kaohe_version,
        lang: h.lang,
        summary_file: h.summary_file,
        payout_file: h.payout_file,
        ledger_dir: h.ledger_dir,
        digest: h.digest,
    })
}

/// The manifest as written: pretty JSON, lists sorted, ending in a newline.
pub fn to_json(m: &Manifest) -> serde_json::Result<String> {
    let mut out = Vec::new();
    write_json(m, &mut out)?;
    Ok(String::from_utf8(out).expect("JSON is UTF-8"))
}

/// [`to_json`], written to `w`. A sorted manifest (see [`Manifest::sort`])
/// is written as it is; only an unsorted one is copied to be sorted (a
/// large period's manifest, with every workbook's layout, is tens of MB).
pub fn write_json(m: &Manifest, w: &mut impl std::io::Write) -> serde_json::Result<()> {
    let sorted = m.inputs.is_sorted() && m.reps.is_sorted_by(|a, b| a.rep_id <= b.rep_id);
    if sorted {
        serde_json::to_writer_pretty(&mut *w, m)?;
    } else {
        let mut m = m.clone();
        m.sort();
        serde_json::to_writer_pretty(&mut *w, &m)?;
    }
    w.write_all(b"\n").map_err(serde_json::Error::io)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_known_texts() {
        let cases = [
            (
                "",
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            ),
            (
                "abc",
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            ),
        ];
        for (text, want) in cases {
            assert_eq!(sha256_hex(text.as_bytes()), want, "{text:?}");
        }
    }

    #[test]
    fn lists_are_sorted_and_the_field_order_fixed() {
        let rep = |id: &str| RepEntry {
            rep_id: id.into(),
            name: "张三".into(),
            email: String::new(),
            supervisor_email: String::new(),
            file: String::new(),
            sha256: String::new(),
            total: Some("86.5".into()),
            grade: Some("A".into()),
            layout: None,
        };
        let m = Manifest {
            period: "2026-10".into(),
            scheme_file: "考核方案.toml".into(),
            scheme_hash: "x".into(),
            inputs: vec![
                InputFile {
                    file: "b.xlsx".into(),
                    sha256: "2".into(),
                },
                InputFile {
                    file: "a.xlsx".into(),
                    sha256: "1".into(),
                },
            ],
            reps: vec![rep("S002"), rep("S001")],
            kaohe_version: "0.1.0".into(),
            lang: "zh".into(),
            summary_file: String::new(),
            payout_file: String::new(),
            ledger_dir: String::new(),
            digest: String::new(),
        };
        let json = to_json(&m).unwrap();
        assert!(json.find("a.xlsx").unwrap() < json.find("b.xlsx").unwrap());
        assert!(json.find("S001").unwrap() < json.find("S002").unwrap());
        assert!(json.find("\"period\"").unwrap() < json.find("\"kaohe_version\"").unwrap());
        let back: Manifest = serde_json::from_str(&json).unwrap();
        assert_eq!(back.reps[0].rep_id, "S001");
    }
}
