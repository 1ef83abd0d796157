//! Property tests: for any ledger rows (valid values, garbage, numbers,
//! error values, totals rows, empty rows, repeats across files), every data
//! row is accounted for exactly once — used, merged, replaced, skipped as
//! empty or totals, or reported as an error — and nothing panics, from
//! reading the sheets to computing and scoring every rep.

use std::sync::Arc;

use calamine::{CellErrorType, Data, Dimensions, ExcelDateTime, ExcelDateTimeType, Range};
use kaohe::compute::assess::compute_with;
use kaohe::compute::Index;
use kaohe::input::dataset::{assemble, FileOutcome};
use kaohe::input::read::{Format, RangeRows, RawSheet, SourceFile};
use kaohe::input::validate::{read_sheet, HeaderMatcher};
use kaohe::scheme::{ColumnAliases, Scheme};
use proptest::prelude::*;

/// Plausible and implausible values for every column type.
fn cell() -> impl Strategy<Value = Data> {
    prop_oneof![
        3 => Just(Data::Empty),
        2 => prop::sample::select(vec![
            "S001", "S002", "s001", "张三", "李四", "王五", "KH001", "KH002", "ＫＨ００１", "HT001",
            "2026-03-05", "2026/3/5", "2026年3月5日 9:05", "20260305", "2026-13-45",
            "￥1,200.50", "(1,200)", "2万", "1e400", "-0", "合计", "电话", "微信", "拜访",
            "首付", "尾款", "加分", "剔除", "一票否决", "目标调整", "2026-03", "2026-Q1", "2026",
            "商务专员-B2B", "是", "否", "待定", "  ", "\u{3000}", "=1+1", "#N/A",
        ])
        .prop_map(|s| Data::String(s.to_string())),
        1 => "\\PC{0,12}".prop_map(Data::String),
        1 => any::<f64>().prop_map(Data::Float),
        1 => (40_000.0f64..50_000.0).prop_map(Data::Float),
        1 => any::<i64>().prop_map(Data::Int),
        1 => (-1000.0f64..80_000.0).prop_map(|v| Data::DateTime(ExcelDateTime::new(
            v,
            ExcelDateTimeType::DateTime,
            false
        ))),
        1 => prop::sample::select(vec![CellErrorType::NA, CellErrorType::Div0, CellErrorType::Value])
            .prop_map(Data::Error),
        1 => any::<bool>().prop_map(Data::Bool),
    ]
}

const HEADERS: [&[&str]; 6] = [
    &[
        "工号",
        "姓名",
        "岗位",
        "入职日期",
        "离职日期",
        "绩效奖金基数",
    ],
    &[
        "客户编号",
        "客户名称",
        "商务专员",
        "创建时间",
        "合作状态",
        "终止日期",
    ],
    &["跟进时间", "商务专员", "客户编号", "跟进方式", "客户阶段"],
    &[
        "合同编号",
        "期次",
        "客户编号",
        "商务专员",
        "签约日期",
        "合同金额",
        "应回款金额",
        "应回款日期",
        "实际回款金额",
        "实际回款日期",
    ],
    &["工号", "期间", "类型", "说明", "指标", "数值"],
    &["工号", "期间", "销售额目标", "跟进量目标"],
];

/// One sheet: which kind, an optional title row above the header, the data
/// rows, and an optional merge down the first column.
#[derive(Debug, Clone)]
struct SheetSpec {
    kind: usize,
    title: bool,
    rows: Vec<Vec<Data>>,
    merge: Option<(u32, u32)>,
}

fn sheet_spec() -> impl Strategy<Value = SheetSpec> {
    (0..HEADERS.len(), any::<bool>(), 0u32..4, 0u32..3).prop_flat_map(|(kind, title, m0, mlen)| {
        let width = HEADERS[kind].len();
        (
            Just(kind),
            Just(title),
            prop::collection::vec(prop::collection::vec(cell(), width), 0..12),
            Just((mlen > 0).then_some((m0, m0 + mlen))),
        )
            .prop_map(|(kind, title, rows, merge)| SheetSpec {
                kind,
                title,
                rows,
                merge,
            })
    })
}

fn raw_sheet(i: usize, spec: &SheetSpec) -> (Arc<str>, Range<Data>, Vec<Dimensions>) {
    let header = HEADERS[spec.kind];
    let top = u32::from(spec.title);
    let height = top + 1 + spec.rows.len() as u32;
    let mut range = Range::new((0, 0), (height - 1, header.len() as u32 - 1));
    if spec.title {
        range.set_value((0, 0), Data::String("2026年台账".into()));
    }
    for (c, h) in header.iter().enumerate() {
        range.set_value((top, c as u32), Data::String(h.to_string()));
    }
    for (r, row) in spec.rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            range.set_value((top + 1 + r as u32, c as u32), v.clone());
        }
    }
    let merges = spec
        .merge
        .map(|(a, b)| Dimensions::new((top + 1 + a, 1), (top + 1 + b, 1)))
        .into_iter()
        .collect();
    (format!("S{i}").into(), range, merges)
}

const SCHEME: &str = "name = \"x\"\nversion = \"1\"\n[[profiles]]\nname = \"B2B\"\nroles = [\"商务专员-B2B\"]\nindicators = [\n { code = \"followups\", weight = 30, pass = 1, excellent = 3 },\n { code = \"sales\", weight = 30, pass = 1, excellent = 3 },\n { code = \"collection_rate\", weight = 20, pass = 0.8, excellent = 1 },\n { code = \"churn_rate\", weight = 20, pass = 0.2, excellent = 0.05 },\n]\n";

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn every_data_row_is_accounted_for_and_nothing_panics(
        files in prop::collection::vec(prop::collection::vec(sheet_spec(), 1..4), 1..4)
    ) {
        let matcher = HeaderMatcher::new(&ColumnAliases::default());
        let mut sources = Vec::new();
        let mut outcomes: Vec<FileOutcome> = Vec::new();
        // A roster first, so that rows can name reps; then the generated
        // files (in two months, so repeats merge, replace or make history).
        let roster = SheetSpec {
            kind: 0,
            title: false,
            rows: vec![
                ["S001", "张三", "商务专员-B2B", "2025-01-10"].iter().map(|s| Data::String(s.to_string())).chain([Data::Empty, Data::Empty]).collect(),
                ["S002", "李四", "商务专员-B2B", "2025-06-01"].iter().map(|s| Data::String(s.to_string())).chain([Data::Empty, Data::Empty]).collect(),
            ],
            merge: None,
        };
        let all: Vec<Vec<SheetSpec>> = std::iter::once(vec![roster]).chain(files).collect();
        for (fi, sheets) in all.iter().enumerate() {
            let rel: Arc<str> = format!("2026-0{}/f{fi}.xlsx", 2 + fi % 2).into();
            let as_of = kaohe::input::read::as_of_month(&rel);
            let outs = sheets
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    let (name, range, merges) = raw_sheet(i, s);
                    let mut rows = RangeRows::new(range);
                    let raw = RawSheet { name, hidden: false, merges, is_1904: false, rows: &mut rows };
                    read_sheet(raw, &rel, as_of, &matcher)
                })
                .collect();
            sources.push(SourceFile { path: rel.to_string().into(), rel, as_of });
            outcomes.push((Ok(Format::Xlsx), outs));
        }
        let ds = assemble(&sources, Vec::new(), outcomes);
        let expected: u64 = all
            .iter()
            .flatten()
            .map(|s| {
                // Data rows run to the last non-empty row.
                let nonempty = |r: &Vec<Data>| r.iter().any(|d| !kaohe::input::parse::cell::is_empty(d));
                s.rows.iter().rposition(nonempty).map_or(0, |i| i as u64 + 1)
            })
            .sum();
        let mut counted = 0;
        for s in &ds.sheets {
            prop_assert_eq!(s.stats.accounted(), s.stats.data_rows, "{}: {:?}", s.name, s.stats);
            counted += s.stats.data_rows;
        }
        prop_assert_eq!(counted, expected);
        // Every error-level issue belongs to a row counted as an error.
        let errors: u64 = ds.sheets.iter().map(|s| s.stats.errors).sum();
        let rows_with_errors: std::collections::HashSet<(String, String, u32)> = ds
            .issues
            .iter()
            .filter(|i| i.level == kaohe::input::issues::Level::Error)
            .map(|i| (i.pos.file.to_string(), i.pos.sheet.to_string(), i.pos.row))
            .collect();
        prop_assert_eq!(rows_with_errors.len() as u64, errors);

        // And the rest of the pipeline runs on whatever was read.
        let scheme = Scheme::parse(SCHEME, "s.toml").unwrap();
        let ix = Index::new(&ds);
        let periods: Vec<kaohe::period::Period> = ["2026-02", "2026-03", "2026-Q1", "2026"]
            .iter()
            .map(|p| kaohe::period::Period::parse(p).unwrap())
            .collect();
        let results = compute_with(&ds, &ix, &scheme, &periods);
        prop_assert_eq!(results.len(), ds.reps.len() * periods.len());
    }
}
