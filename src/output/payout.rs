//! The bonus payout (绩效奖金发放表, SPEC 8 "Applying results"): one row
//! per rep of the period with bonus base, grade, coefficient and amount,
//! the adjustments that moved the grade and a blank 审批 column; the
//! team summary's payout sheet and `奖金发放_<period>.csv` (UTF-8 with BOM,
//! for payroll import) are built from the same rows. A year's rows also
//! carry the rep's twelve monthly amounts.

use rust_decimal::Decimal;

use crate::compute::apply::{grade_moved_by, History};
use crate::compute::assess::RepResult;
use crate::input::dataset::Dataset;
use crate::input::model::{AdjustmentKind, RepIdx};
use crate::output::results_csv::csv_text;
use crate::period::{Period, YearMonth};
use crate::scheme::Scheme;
use crate::Lang;

/// One rep's line of the payout.
#[derive(Debug, Clone, PartialEq)]
pub struct PayoutRow {
    pub rep: RepIdx,
    /// The team, or （未分组） / (no team).
    pub team: String,
    pub base: Option<Decimal>,
    pub grade: Option<String>,
    pub coefficient: Option<Decimal>,
    /// round2(base × coefficient); `None` without a base or a grade.
    pub amount: Option<Decimal>,
    /// The adjustments that moved the grade, in words.
    pub moved: String,
    /// Why there is no amount (not assessed, not graded, no bonus base).
    pub note: String,
    /// A year: the monthly amounts, January first (`None`: no amount that
    /// month). Empty for a month or quarter.
    pub months: Vec<Option<Decimal>>,
}

/// `加分 +3（季度大单，张总）`: an adjustment in words.
fn adjustment_words(a: &crate::input::model::Adjustment, lang: Lang) -> String {
    let kind = match (a.kind, lang) {
        (AdjustmentKind::Bonus, Lang::Zh) => "加分 +",
        (AdjustmentKind::Bonus, Lang::En) => "bonus +",
        (AdjustmentKind::Deduction, Lang::Zh) => "扣分 -",
        (AdjustmentKind::Deduction, Lang::En) => "deduction -",
        (AdjustmentKind::Veto, Lang::Zh) => "一票否决",
        (AdjustmentKind::Veto, Lang::En) => "veto",
        (_, _) => "",
    };
    let points = match a.kind {
        AdjustmentKind::Veto => String::new(),
        _ => a.value.unwrap_or_default().abs().normalize().to_string(),
    };
    let by = a
        .approver
        .as_deref()
        .map(|x| format!("{}{x}", lang.pick("，", ", ")))
        .unwrap_or_default();
    let (open, close) = (lang.pick("（", " ("), lang.pick("）", ")"));
    format!("{kind}{points}{open}{}{by}{close}", a.reason)
}

/// The payout rows of one period, ordered by team (reps without a team
/// last), then rep id. `history` gives a year's monthly amounts.
pub fn rows(
    ds: &Dataset,
    scheme: &Scheme,
    period: Period,
    results: &[RepResult],
    history: &History,
    lang: Lang,
) -> Vec<PayoutRow> {
    let no_team = lang.pick("（未分组）", "(no team)");
    let mut out: Vec<(bool, PayoutRow)> = results
        .iter()
        .filter(|r| r.period == period)
        .map(|r| {
            let rep = &ds.reps[r.rep as usize];
            let team = rep.team.clone().filter(|t| !t.trim().is_empty());
            let months = match period {
                Period::Year(year) => (1..=12)
                    .map(|month| {
                        history
                            .row(YearMonth { year, month }, r.rep)
                            .and_then(|m| m.bonus_amount)
                    })
                    .collect(),
                _ => Vec::new(),
            };
            let mut row = PayoutRow {
                rep: r.rep,
                team: team.clone().unwrap_or_else(|| no_team.to_string()),
                base: rep.bonus_base,
                grade: None,
                coefficient: None,
                amount: None,
                moved: String::new(),
                note: String::new(),
                months,
            };
            match &r.outcome {
                Err(why) => {
                    row.note = format!(
                        "{}{}",
                        lang.pick("未考核：", "not assessed: "),
                        why.reason(lang)
                    );
                }
                Ok(a) => {
                    let s = &a.assessment;
                    match &s.grade {
                        None => {
                            row.note = lang
                                .pick(
                                    "全部加权指标不适用，不评级",
                                    "every weighted indicator N/A: not graded",
                                )
                                .to_string()
                        }
                        Some(g) => {
                            row.grade = Some(g.name.clone());
                            row.coefficient = Some(g.coefficient);
                            row.amount = s.bonus_amount;
                            if rep.bonus_base.is_none() {
                                row.note = lang
                                    .pick("人员表未填奖金基数", "no bonus base in the roster")
                                    .to_string();
                            }
                        }
                    }
                    row.moved = grade_moved_by(s, scheme)
                        .into_iter()
                        .map(|x| adjustment_words(x, lang))
                        .collect::<Vec<_>>()
                        .join(lang.pick("；", "; "));
                }
            }
            (team.is_none(), row)
        })
        .collect();
    out.sort_by(|(a_none, a), (b_none, b)| {
        (a_none, &a.team, &ds.reps[a.rep as usize].rep_id).cmp(&(
            b_none,
            &b.team,
            &ds.reps[b.rep as usize].rep_id,
        ))
    });
    out.into_iter().map(|(_, r)| r).collect()
}

/// The teams of the rows in their order, with each team's total amount.
pub fn team_totals(rows: &[PayoutRow]) -> Vec<(String, Decimal, usize)> {
    let mut out: Vec<(String, Decimal, usize)> = Vec::new();
    for r in rows {
        if out.last().is_none_or(|(t, _, _)| *t != r.team) {
            out.push((r.team.clone(), Decimal::ZERO, 0));
        }
        let last = out.last_mut().expect("pushed");
        last.1 += r.amount.unwrap_or_default();
        last.2 += 1;
    }
    out
}

/// `奖金发放_<period>.csv` (English: `bonus-payout_<period>.csv`).
pub fn file_name(period: Period, lang: Lang) -> String {
    format!("{}_{period}.csv", lang.pick("奖金发放", "bonus-payout"))
}

pub const HEADERS_ZH: [&str; 11] = [
    "期间",
    "工号",
    "姓名",
    "团队",
    "奖金基数",
    "等级",
    "系数",
    "奖金金额",
    "影响等级的调整",
    "备注",
    "审批",
];
pub const HEADERS_EN: [&str; 11] = [
    "Period",
    "Rep ID",
    "Name",
    "Team",
    "Bonus base",
    "Grade",
    "Coefficient",
    "Bonus amount",
    "Adjustments that moved the grade",
    "Note",
    "Approval",
];

/// A month column's header (`1月` / `Jan`).
pub fn month_header(month: u32, lang: Lang) -> String {
    const EN: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    match lang {
        Lang::Zh => format!("{month}月"),
        Lang::En => EN[(month - 1) as usize].to_string(),
    }
}

fn money(d: Option<Decimal>) -> String {
    d.map(|d| format!("{:.2}", d.round_dp(2)))
        .unwrap_or_default()
}

/// The payout as CSV (UTF-8 with BOM): one line per rep, amounts with two
/// decimals; a year adds the twelve monthly amounts and their sum. No
/// total lines, so that payroll imports every line as a person.
pub fn to_csv(
    ds: &Dataset,
    period: Period,
    rows: &[PayoutRow],
    lang: Lang,
) -> anyhow::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    let mut head: Vec<String> = if lang == Lang::Zh {
        HEADERS_ZH
    } else {
        HEADERS_EN
    }
    .iter()
    .map(|s| s.to_string())
    .collect();
    let year = matches!(period, Period::Year(_));
    if year {
        head.extend((1..=12).map(|m| month_header(m, lang)));
        head.push(lang.pick("月度合计", "Months total").to_string());
    }
    w.write_record(&head)?;
    for r in rows {
        let rep = &ds.reps[r.rep as usize];
        let mut line = vec![
            period.to_string(),
            csv_text(&rep.rep_id),
            csv_text(&rep.name),
            csv_text(&r.team),
            money(r.base),
            r.grade.clone().unwrap_or_default(),
            r.coefficient
                .map(|c| c.normalize().to_string())
                .unwrap_or_default(),
            money(r.amount),
            csv_text(&r.moved),
            csv_text(&r.note),
            String::new(),
        ];
        if year {
            line.extend(r.months.iter().map(|m| money(*m)));
            let sum: Option<Decimal> = r.months.iter().flatten().copied().reduce(|a, b| a + b);
            line.push(money(Some(sum.unwrap_or_default())));
        }
        w.write_record(&line)?;
    }
    Ok(w.into_inner()?)
}
