//! `results.csv` (SPEC 8): one row per period × rep × indicator with the
//! value, N/A reason, target, score, weight and weighted points, the rep's
//! total, grade and coefficient on every row, plus one 合计 (TOTAL) row per
//! rep and one row per rep not assessed. UTF-8 with BOM so Excel opens it
//! right; numbers as plain decimals for BI tools and for checking.

use rust_decimal::Decimal;

use crate::compute::assess::{Assessed, RepResult};
use crate::compute::score::LineStatus;
use crate::input::dataset::Dataset;
use crate::scheme::Variant;
use crate::Lang;

const HEADERS_ZH: [&str; 25] = [
    "期间",
    "工号",
    "姓名",
    "团队",
    "岗位",
    "考核方案",
    "类别",
    "维度",
    "指标代码",
    "指标",
    "权重",
    "达标线",
    "优秀线",
    "目标",
    "目标来源",
    "实际值",
    "考核值",
    "不适用原因",
    "得分",
    "加权得分",
    "总分",
    "等级",
    "系数",
    "绩效奖金",
    "备注",
];
const HEADERS_EN: [&str; 25] = [
    "Period",
    "Rep ID",
    "Name",
    "Team",
    "Role",
    "Profile",
    "Variant",
    "Dimension",
    "Indicator code",
    "Indicator",
    "Weight",
    "Pass",
    "Excellent",
    "Target",
    "Target source",
    "Actual",
    "Value",
    "N/A reason",
    "Score",
    "Weighted points",
    "Total",
    "Grade",
    "Coefficient",
    "Bonus amount",
    "Note",
];

fn d(v: Option<Decimal>) -> String {
    v.map(|x| x.normalize().to_string()).unwrap_or_default()
}

fn variant_label(v: Variant, on_probation: bool, lang: Lang) -> &'static str {
    match (v, on_probation) {
        (Variant::Probation, _) => lang.pick("试用期", "probation"),
        (Variant::Senior, _) => lang.pick("资深", "senior"),
        (Variant::Regular, true) => lang.pick("试用期(无单独方案)", "probation (no variant)"),
        (Variant::Regular, false) => lang.pick("常规", "regular"),
    }
}

/// The CSV text (with BOM) of the results of one or more periods.
/// Text from the ledgers or the scheme, made safe for a CSV file that Excel
/// opens: a value starting with `=`, `+`, `-`, `@`, a tab or a carriage
/// return would be taken for a formula, so it is prefixed with `'` (shown
/// as typed, never evaluated). Numbers are written by [`d`], never through
/// here.
pub fn csv_text(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

pub fn to_csv(ds: &Dataset, results: &[RepResult], lang: Lang) -> anyhow::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    w.write_record(if lang == Lang::Zh {
        HEADERS_ZH
    } else {
        HEADERS_EN
    })?;
    for r in results {
        let rep = &ds.reps[r.rep as usize];
        let head = [
            r.period.to_string(),
            csv_text(&rep.rep_id),
            csv_text(&rep.name),
            csv_text(rep.team.as_deref().unwrap_or_default()),
            csv_text(&rep.role),
        ];
        match &r.outcome {
            Err(why) => {
                let mut row: Vec<String> = head.to_vec();
                row.extend([
                    String::new(),
                    String::new(),
                    String::new(),
                    "NOT_ASSESSED".into(),
                    lang.pick("未考核", "not assessed").into(),
                ]);
                row.resize(24, String::new());
                row.push(csv_text(why.reason(lang)));
                w.write_record(&row)?;
            }
            Ok(a) => write_assessed(&mut w, ds, &head, a, lang)?,
        }
    }
    w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))
}

fn write_assessed(
    w: &mut csv::Writer<Vec<u8>>,
    ds: &Dataset,
    head: &[String; 5],
    a: &Assessed,
    lang: Lang,
) -> anyhow::Result<()> {
    let s = &a.assessment;
    let total = d(s.total);
    let (grade, coef) = s
        .grade
        .as_ref()
        .map(|g| (g.name.clone(), d(Some(g.coefficient))))
        .unwrap_or_default();
    let bonus = d(s.bonus_amount);
    let mut variant = variant_label(a.variant, a.on_probation, lang).to_string();
    if let Some(k) = a.layer {
        variant = match lang {
            Lang::Zh => format!("{variant}·{}", k.label(lang)),
            Lang::En => format!("{variant}, {}", k.label(lang)),
        };
    }
    for (line, scored) in a.lines.iter().zip(&s.lines) {
        let (na, note) = match &scored.status {
            LineStatus::Scored => (String::new(), String::new()),
            LineStatus::Na(na) => (na.reason(lang).to_string(), String::new()),
            LineStatus::NaScored(na) => (
                na.reason(lang).to_string(),
                lang.pick("按不适用分值计分", "scored the N/A score")
                    .to_string(),
            ),
            LineStatus::Excluded { reason, .. } => {
                (lang.pick("已剔除", "excluded").to_string(), reason.clone())
            }
        };
        // A score HR changed in the workbook (the period's review record).
        let note = if scored.reviewed {
            let own = d(scored.own_score);
            let r = if zh_of(lang) {
                format!(
                    "HR 审阅修改（原得分 {}）",
                    if own.is_empty() { "-" } else { &own }
                )
            } else {
                format!(
                    "HR review (own score {})",
                    if own.is_empty() { "-" } else { &own }
                )
            };
            if note.is_empty() {
                r
            } else {
                format!("{note}；{r}")
            }
        } else {
            note
        };
        let note = if scored.is_gate {
            let g = match scored.gate {
                Some(crate::compute::score::GateOutcome::Met) => {
                    lang.pick("达标项：达标", "gate met")
                }
                Some(crate::compute::score::GateOutcome::Missed) => {
                    lang.pick("达标项：未达标，扣分", "gate missed: penalty")
                }
                _ => lang.pick("达标项", "gate"),
            };
            if note.is_empty() {
                g.to_string()
            } else {
                format!("{g}；{note}")
            }
        } else {
            note
        };
        let target = line.eval.target.as_ref();
        let row = [
            head[0].clone(),
            head[1].clone(),
            head[2].clone(),
            head[3].clone(),
            head[4].clone(),
            csv_text(&a.profile),
            variant.clone(),
            csv_text(&scored.dimension),
            scored.code.clone(),
            csv_text(&scored.name),
            d(Some(scored.weight)),
            d(scored.pass),
            d(scored.excellent),
            d(target.map(|t| t.value)),
            csv_text(&target.map(|t| t.source.describe(lang)).unwrap_or_default()),
            d(line.eval.actual.as_ref().ok().copied()),
            d(line.eval.value.as_ref().ok().copied()),
            na,
            d(scored.score),
            d(scored.points),
            total.clone(),
            grade.clone(),
            coef.clone(),
            bonus.clone(),
            csv_text(&if scored.is_gate
                && scored.gate == Some(crate::compute::score::GateOutcome::Missed)
            {
                format!("{note} {}", scored.penalty.normalize())
            } else {
                note
            }),
        ];
        w.write_record(&row)?;
    }
    let mut notes: Vec<String> = Vec::new();
    let zh = lang == Lang::Zh;
    if !s.bonus.is_zero() {
        notes.push(if zh {
            format!("加分 {}", s.bonus.normalize())
        } else {
            format!("bonus {}", s.bonus.normalize())
        });
    }
    if !s.deductions.is_zero() {
        notes.push(if zh {
            format!("扣分 {}", s.deductions.normalize())
        } else {
            format!("deductions {}", s.deductions.normalize())
        });
    }
    if !s.gate_penalties.is_zero() {
        notes.push(if zh {
            format!("达标项扣分 {}", s.gate_penalties.normalize())
        } else {
            format!("gate penalties {}", s.gate_penalties.normalize())
        });
    }
    if let Some(v) = &s.veto {
        notes.push(if zh {
            format!("一票否决：{}", v.reason)
        } else {
            format!("veto: {}", v.reason)
        });
    }
    if let Some(c) = a.comment.as_deref().filter(|c| !c.is_empty()) {
        notes.push(if zh {
            format!("评语：{c}")
        } else {
            format!("comment: {c}")
        });
    }
    // The 绩效面谈记录 HR filled in, field by field.
    let interview: Vec<String> = crate::output::manifest::INTERVIEW_FIELDS
        .iter()
        .filter_map(|(key, z, e)| {
            let v = a.interview.get(*key).filter(|v| !v.is_empty())?;
            Some(format!("{} {v}", if zh { *z } else { *e }))
        })
        .collect();
    if !interview.is_empty() {
        notes.push(format!(
            "{}{}",
            lang.pick("面谈：", "interview: "),
            interview.join(lang.pick("，", ", "))
        ));
    }
    // The 改进计划 HR filled in, field by field.
    let plan: Vec<String> = crate::output::manifest::PLAN_FIELDS
        .iter()
        .filter_map(|(key, z, e)| {
            let v = a.plan.get(*key).filter(|v| !v.is_empty())?;
            Some(format!("{} {v}", if zh { *z } else { *e }))
        })
        .collect();
    if !plan.is_empty() {
        notes.push(format!(
            "{}{}",
            lang.pick("改进计划：", "improvement plan: "),
            plan.join(lang.pick("，", ", "))
        ));
    }
    if s.total.is_none() && s.veto.is_none() {
        notes.push(
            lang.pick(
                "全部加权指标不适用，不评级",
                "every weighted indicator N/A: not graded",
            )
            .to_string(),
        );
    }
    for &i in &a.adjustments {
        let adj = &ds.adjustments[i as usize];
        if matches!(adj.kind, crate::input::model::AdjustmentKind::Target) {
            notes.push(format!(
                "{}{}：{}",
                lang.pick("目标调整 ", "target adjusted "),
                adj.indicator.clone().unwrap_or_default(),
                adj.reason
            ));
        }
    }
    let mut row: Vec<String> = head.to_vec();
    row.extend([
        csv_text(&a.profile),
        variant,
        String::new(),
        "TOTAL".into(),
        lang.pick("合计", "Total").into(),
    ]);
    row.resize(19, String::new());
    row.push(d(s.weighted_score));
    row.extend([
        total,
        csv_text(&grade),
        coef,
        bonus,
        csv_text(&notes.join("；")),
    ]);
    w.write_record(&row)?;
    Ok(())
}

fn zh_of(lang: Lang) -> bool {
    lang == Lang::Zh
}
