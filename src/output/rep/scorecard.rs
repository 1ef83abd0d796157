//! The 考核表 sheet: header, one row per indicator grouped by dimension,
//! subtotals, gates, adjustments, total, grade, bonus, the team comparison
//! chart, the trend of a year, 评语 and signatures.

use super::*;
use crate::compute::score::line_factor;
use crate::scheme::catalogue::{dimension_label, Direction};
use crate::scheme::Method;

#[allow(clippy::too_many_arguments)]
pub(super) fn scorecard(
    wb: &mut Workbook,
    fm: &Formats,
    cx: &Ctx,
    scheme: &Scheme,
    rep: RepIdx,
    a: &Assessed,
    team: &BTreeMap<String, Decimal>,
    trend: &[(Period, Option<Decimal>)],
    replaces: Option<&str>,
    form: &FormFacts,
    lang: Lang,
) -> Result<Layout, XlsxError> {
    let ds = cx.ds;
    let r = &ds.reps[rep as usize];
    let s = &a.assessment;
    let p = cx.period();
    let zh = lang == Lang::Zh;
    let ws = wb.add_worksheet();
    ws.set_name(lang.pick("考核表", "Scorecard"))?;
    // A formula whose result is blank (an N/A line's points, an ungraded
    // total) caches an empty text, not 0.
    ws.set_formula_result_default("");
    let mut widths: Vec<Vec<String>> = (0..=LAST).map(|_| Vec::new()).collect();
    let sep = lang.pick("；", "; ");
    let variant = if a.on_probation {
        Some(lang.pick("试用期", "probation"))
    } else if a.variant == Variant::Senior {
        Some(lang.pick("资深", "senior"))
    } else {
        None
    };
    // A period layer: `（资深·年度方案）`.
    let layer = a.layer.map(|k| match lang {
        Lang::Zh => format!("{}方案", k.label(lang)),
        Lang::En => format!("{} section", k.label(lang)),
    });
    let parts: Vec<String> = variant
        .map(str::to_string)
        .into_iter()
        .chain(layer)
        .collect();
    let probation = match (parts.is_empty(), lang) {
        (true, _) => String::new(),
        (false, Lang::Zh) => format!("（{}）", parts.join("·")),
        (false, Lang::En) => format!(" ({})", parts.join(", ")),
    };
    let title = if zh {
        format!("{} {}绩效考核表", period_title(p, lang), a.profile)
    } else {
        format!("{} performance assessment — {}", p, a.profile)
    };
    ws.merge_range(0, 0, 0, LAST, &title, &fm.title)?;
    ws.set_row_height(0, 30)?;
    // Role and profile once when they are the same words.
    let role_profile = if crate::text::fold(&r.role) == crate::text::fold(&a.profile) {
        format!("{}{probation}", a.profile)
    } else {
        format!("{} / {}{probation}", r.role, a.profile)
    };
    let info: [(&str, String); 4] = [
        (lang.pick("工号", "Rep ID"), r.rep_id.clone()),
        (lang.pick("姓名", "Name"), r.name.clone()),
        (
            lang.pick("团队", "Team"),
            r.team.clone().unwrap_or_default(),
        ),
        (lang.pick("岗位/方案", "Role/profile"), role_profile),
    ];
    for (i, (k, v)) in info.iter().enumerate() {
        let c = (i * 2) as u16;
        ws.write_string_with_format(1, c, *k, &fm.label)?;
        write_text(ws, 1, c + 1, v, &Format::new())?;
    }
    ws.write_string_with_format(2, 0, lang.pick("考核期间", "Period"), &fm.label)?;
    let (open, close) = (lang.pick("（", " ("), lang.pick("）", ")"));
    let period_text = format!("{p}{open}{} — {}{close}", p.first_day(), p.last_day());
    ws.write_string(2, 1, &period_text)?;
    let mut layout = Layout {
        sheet: lang.pick("考核表", "Scorecard").to_string(),
        fixed: vec![
            FixedCell {
                cell: cell(1, 1),
                what: lang.pick("工号", "Rep ID").to_string(),
                value: Shown::Text(r.rep_id.clone()),
                identity: true,
            },
            FixedCell {
                cell: cell(2, 1),
                what: lang.pick("考核期间", "Period").to_string(),
                value: Shown::Text(period_text.clone()),
                identity: true,
            },
        ],
        editable: Vec::new(),
    };
    ws.write_string_with_format(2, 4, lang.pick("考核方案", "Scheme"), &fm.label)?;
    ws.write_string(
        2,
        5,
        format!(
            "{} {}{open}{} {}{close}",
            scheme.name,
            scheme.label,
            lang.pick("版本生效", "effective"),
            crate::scheme::effective_label(a.version, lang)
        ),
    )?;
    // 考核人, 填表日期 and the form number (工号-期间-版本, the version
    // being the scheme's label, else its version's effective date).
    ws.write_string_with_format(3, 0, lang.pick("考核人", "Assessor"), &fm.label)?;
    write_text(ws, 3, 1, form.assessor.as_deref().unwrap_or(""), &fm.line)?;
    let version = if scheme.label.is_empty() {
        crate::scheme::effective_label(a.version, lang)
    } else {
        scheme.label.clone()
    };
    let form_no = format!("{}-{p}-{version}", r.rep_id);
    ws.write_string_with_format(
        1,
        COL_RULE,
        lang.pick("表单编号", "Form No."),
        &fm.label_right,
    )?;
    write_text(ws, 1, COL_NOTE, &form_no, &Format::new())?;
    ws.write_string_with_format(2, COL_RULE, lang.pick("填表日期", "Date"), &fm.label_right)?;
    match form.date {
        Some(d) => ws.write_string(2, COL_NOTE, d.to_string())?,
        None => ws.write_blank(2, COL_NOTE, &Format::new())?,
    };
    // Page footer: the form number, page x of y, the form's version.
    let amp = |t: &str| t.replace('&', "&&");
    ws.set_footer(format!(
        "&L&8{}&C&8{}&R&8{}",
        amp(&form_no),
        lang.pick("第 &P 页，共 &N 页", "Page &P of &N"),
        amp(&format!(
            "{} {}",
            lang.pick("表单版本", "Form version"),
            version
        ))
    ));

    if let Some(note) = replaces {
        let f = Format::new().set_italic().set_font_color("#C00000");
        ws.merge_range(4, 0, 4, LAST, note, &f)?;
    }
    let head_row = 5u32;
    let heads = if zh { HEAD_ZH } else { HEAD_EN };
    for (c, h) in heads.iter().enumerate() {
        ws.write_string_with_format(head_row, c as u16, *h, &fm.head)?;
        widths[c].push(h.to_string());
    }
    ws.set_row_height(head_row, 30)?;
    let mut row = head_row + 1;
    let first_line_row = row;
    let effective = crate::compute::score::effective_weights(&s.lines);
    // Weighted lines grouped by dimension, each followed by its subtotal.
    let mut subtotal_cells = Vec::new();
    // Rows whose 评分标准 or 说明 may wrap, with both texts.
    let mut wrapped: Vec<(u32, String, String)> = Vec::new();
    // The W cell sits below the lines; its address is known once they are laid out.
    let weighted: Vec<usize> = (0..s.lines.len())
        .filter(|&i| !s.lines[i].is_gate)
        .collect();
    let n_rows = weighted.len() + s.dimensions.len();
    let w_row = first_line_row + n_rows as u32;
    let w_ref = format!(
        "${}${}",
        crate::input::columns::col_letter(COL_WEIGHT as u32),
        w_row + 1
    );
    let mut any_down = false;
    for d in &s.dimensions {
        let start = row;
        for &i in weighted.iter().filter(|&&i| s.lines[i].dimension == d.name) {
            let (line, l) = (&a.lines[i], &s.lines[i]);
            let ratio = line.spec.target.is_some();
            let unit = line.spec.def.unit;
            // The actual and target of an achievement line are in the
            // measured quantity's unit (sales in 元 for 销售额达成率).
            let base = if line.spec.code == "sales_achievement" {
                Unit::Money
            } else {
                unit
            };
            write_text(ws, row, 0, &dimension_label(&d.name, lang), &fm.text)?;
            // Catalogue indicators in the chosen language; ratings keep the
            // company's own name; ↓ marks lower-is-better.
            let plain = if lang == Lang::En && line.spec.rating_name().is_none() {
                line.spec.def.en.to_string()
            } else {
                l.name.clone()
            };
            let down = line.spec.direction() == Direction::Down;
            any_down |= down;
            let shown = if down {
                format!("{plain} ↓")
            } else {
                plain.clone()
            };
            write_text(ws, row, 1, &shown, &fm.text)?;
            match effective[i] {
                Some(e) => ws.write_number_with_format(row, COL_EFFECTIVE, f(e), &fm.num2)?,
                None => ws.write_blank(row, COL_EFFECTIVE, &fm.num2)?,
            };
            ws.write_number_with_format(row, COL_WEIGHT, f(l.weight), &fm.num2)?;
            let line_fmt = fm.unit(unit, ratio);
            // A step table has no lines of its own: the cell points to the
            // steps in the rule.
            let steps = matches!(line.spec.method, Method::Steps(_));
            for (c, v) in [(COL_PASS, l.pass), (COL_EXCELLENT, l.excellent)] {
                match v {
                    Some(v) => ws.write_number_with_format(row, c, f(v), &line_fmt)?,
                    None if steps && c == COL_PASS => ws.write_string_with_format(
                        row,
                        c,
                        lang.pick("见评分标准", "see rule"),
                        &fm.text,
                    )?,
                    None => ws.write_blank(row, c, &fm.text)?,
                };
            }
            match &line.eval.target {
                Some(t) => {
                    ws.write_number_with_format(row, COL_TARGET, f(t.value), &fm.unit(base, false))?
                }
                None => ws.write_blank(row, COL_TARGET, &fm.text)?,
            };
            match &line.eval.actual {
                Ok(v) => {
                    ws.write_number_with_format(row, COL_ACTUAL, f(*v), &fm.unit(base, false))?
                }
                Err(_) => ws.write_blank(row, COL_ACTUAL, &fm.text)?,
            };
            // What HR should not edit: the row's indicator, weight and actual.
            let shown_num =
                |v: Option<Decimal>| v.map_or(Shown::Text(String::new()), |v| Shown::Number(f(v)));
            for (c, what, value) in [
                (
                    1u16,
                    lang.pick("指标", "indicator"),
                    Shown::Text(shown.clone()),
                ),
                (
                    COL_WEIGHT,
                    lang.pick("权重", "weight"),
                    Shown::Number(f(l.weight)),
                ),
                (
                    COL_ACTUAL,
                    lang.pick("实际值", "actual"),
                    shown_num(line.eval.actual.as_ref().ok().copied()),
                ),
            ] {
                layout.fixed.push(FixedCell {
                    cell: cell(row, c),
                    what: format!("{plain} {what}"),
                    value,
                    identity: false,
                });
            }
            match l.value {
                Some(v) => ws.write_number_with_format(row, COL_VALUE, f(v), &line_fmt)?,
                None => ws.write_blank(row, COL_VALUE, &fm.text)?,
            };
            let manual = line.spec.rating_name().is_some();
            let score_fmt = if manual { &fm.unlocked2 } else { &fm.num2 };
            match l.score {
                Some(v) => ws.write_number_with_format(row, COL_SCORE, f(v), score_fmt)?,
                None => ws.write_blank(row, COL_SCORE, score_fmt)?,
            };
            if manual {
                layout.editable.push(EditableCell {
                    cell: cell(row, COL_SCORE),
                    code: line.spec.code.clone(),
                    name: plain.clone(),
                    own: shown_num(l.own_score),
                    written: shown_num(l.score),
                    max: None,
                });
            }
            let sc = cell(row, COL_SCORE);
            let formula = format!(
                "=IF({sc}=\"\",\"\",ROUND({}*{sc}/{w_ref},2))",
                cell(row, COL_WEIGHT)
            );
            let cached = l
                .points
                .map(|v| v.normalize().to_string())
                .unwrap_or_default();
            ws.write_formula_with_format(
                row,
                COL_POINTS,
                Formula::new(formula).set_result(cached),
                &fm.num2,
            )?;
            // 评分标准: the scheme line in words, with the period's lines.
            let factor = line_factor(&line.spec, p.months());
            let rule = line.spec.criterion_text(factor, lang);
            write_text(ws, row, COL_RULE, &rule, &fm.wrap)?;
            let mut parts: Vec<String> = Vec::new();
            let status = match &l.status {
                LineStatus::Scored => String::new(),
                LineStatus::Na(na) => {
                    format!("{}{}", lang.pick("不适用：", "N/A: "), na.reason(lang))
                }
                LineStatus::NaScored(na) => format!(
                    "{}{}",
                    lang.pick("不适用，按规定分值计：", "N/A, scored: "),
                    na.reason(lang)
                ),
                LineStatus::Excluded { reason, approver } => format!(
                    "{}{reason}{}",
                    lang.pick("剔除：", "excluded: "),
                    approver
                        .as_ref()
                        .map(|a| format!("{open}{a}{close}"))
                        .unwrap_or_default()
                ),
            };
            parts.extend((!status.is_empty()).then_some(status));
            // What the value is where the scheme entry changes it (target
            // column, basis, follow-up methods, rating scale and raters).
            parts.extend(line.spec.measure_text(&scheme.defaults, lang));
            if let Some(t) = &line.eval.target {
                parts.push(format!(
                    "{}{}",
                    lang.pick("目标来源：", "target: "),
                    t.source.describe(lang)
                ));
            }
            let source = line.spec.data_source(&scheme.defaults, lang);
            if !source.is_empty() {
                parts.push(format!("{}{source}", lang.pick("数据来源：", "data: ")));
            }
            if manual {
                parts.push(
                    lang.pick("人工评分，可修改得分", "manual score: editable")
                        .to_string(),
                );
            }
            let note = parts.join(sep);
            write_text(ws, row, COL_NOTE, &note, &fm.wrap)?;
            wrapped.push((row, rule.clone(), note.clone()));
            widths[0].push(dimension_label(&d.name, lang));
            widths[1].push(shown);
            widths[COL_RULE as usize].push(rule);
            widths[COL_NOTE as usize].push(note);
            row += 1;
        }
        write_text(ws, row, 0, &dimension_label(&d.name, lang), &fm.sub)?;
        ws.write_string_with_format(row, 1, lang.pick("小计", "Subtotal"), &fm.sub)?;
        for c in COL_EFFECTIVE..COL_POINTS {
            ws.write_blank(row, c, &fm.sub)?;
        }
        // The dimension's effective weight and scheme weight.
        let eff_sum: Decimal = weighted
            .iter()
            .filter(|&&i| s.lines[i].dimension == d.name)
            .filter_map(|&i| effective[i])
            .sum();
        for (c, v) in [(COL_EFFECTIVE, eff_sum), (COL_WEIGHT, d.weight)] {
            ws.write_formula_with_format(
                row,
                c,
                Formula::new(format!("=SUM({}:{})", cell(start, c), cell(row - 1, c)))
                    .set_result(v.normalize().to_string()),
                &fm.sub2,
            )?;
        }
        let formula = format!(
            "=SUM({}:{})",
            cell(start, COL_POINTS),
            cell(row - 1, COL_POINTS)
        );
        ws.write_formula_with_format(
            row,
            COL_POINTS,
            Formula::new(formula).set_result(d.subtotal.normalize().to_string()),
            &fm.bold2,
        )?;
        ws.write_blank(row, COL_RULE, &fm.sub)?;
        ws.write_blank(row, COL_NOTE, &fm.sub)?;
        subtotal_cells.push(cell(row, COL_POINTS));
        row += 1;
    }
    debug_assert_eq!(row, w_row);
    // The weights' totals: the effective weights (100) and W, the scheme
    // weights of the lines that have a score (what the formulas divide by).
    ws.write_string_with_format(row, 1, lang.pick("权重合计", "Weights"), &fm.label)?;
    let sumifs = |c: u16| {
        format!(
            "=SUMIFS({}:{},{}:{},\"<>\")",
            cell(first_line_row, c),
            cell(row - 1, c),
            cell(first_line_row, COL_SCORE),
            cell(row - 1, COL_SCORE)
        )
    };
    let eff_total: Decimal = effective.iter().flatten().sum();
    ws.write_formula_with_format(
        row,
        COL_EFFECTIVE,
        Formula::new(sumifs(COL_EFFECTIVE)).set_result(eff_total.normalize().to_string()),
        &fm.bold2,
    )?;
    ws.write_formula_with_format(
        row,
        COL_WEIGHT,
        Formula::new(sumifs(COL_WEIGHT)).set_result(s.applicable_weight.normalize().to_string()),
        &fm.bold2,
    )?;
    let w_note = lang.pick(
        "权重：本人适用指标的实际权重（不适用指标不计，其余按方案权重比例折算，合计 100）；方案权重合计 W 为适用指标的方案权重之和，加权得分 = 方案权重 × 得分 ÷ W",
        "Weight: the rep's effective weights (N/A indicators left out, the others in proportion to the scheme's weights, adding up to 100); W, the scheme weights of the applicable indicators, is what weighted points divide by: scheme weight × score ÷ W",
    );
    ws.merge_range(row, COL_RULE, row, COL_NOTE, w_note, &fm.note)?;
    ws.set_row_height(row, 30)?;
    row += 2;

    // 自评 and 上级评分 of the manual indicators: HR types them here; they
    // replace those raters' score rows and combine by the scheme's rater
    // weights into the rating (合成评分), previewed by a formula and scored
    // by the next run (a score typed in 得分 above still wins).
    let manual: Vec<usize> = weighted
        .iter()
        .copied()
        .filter(|&i| a.lines[i].spec.rating_name().is_some())
        .collect();
    if !manual.is_empty() {
        ws.merge_range(
            row,
            0,
            row,
            LAST,
            lang.pick(
                "人工评分：自评与上级评分（可填写；按方案的评分人权重合成考核值）",
                "Manual ratings: self and supervisor (editable; combined by the scheme's rater weights)",
            ),
            &fm.head,
        )?;
        row += 1;
        let heads: [(u16, &str); 7] = [
            (0, lang.pick("维度", "Dimension")),
            (1, lang.pick("指标", "Indicator")),
            (COL_EFFECTIVE, lang.pick("自评", "Self")),
            (COL_WEIGHT, lang.pick("上级评分", "Supervisor")),
            (COL_PASS, lang.pick("其他来源", "Others")),
            (COL_EXCELLENT, lang.pick("合成评分", "Combined")),
            (COL_SCORE, lang.pick("折算得分", "Score")),
        ];
        for c in 0..=LAST {
            ws.write_blank(row, c, &fm.head)?;
        }
        for (c, h) in heads {
            ws.write_string_with_format(row, c, h, &fm.head)?;
        }
        ws.merge_range(
            row,
            COL_RULE,
            row,
            COL_NOTE,
            lang.pick("合成方法", "How they combine"),
            &fm.head,
        )?;
        ws.set_row_height(row, 30)?;
        row += 1;
        for &i in &manual {
            let (line, l) = (&a.lines[i], &s.lines[i]);
            let spec = &line.spec;
            let plain = l.name.clone();
            let means = crate::compute::manual::rater_means(cx, rep, spec);
            let no_typed = BTreeMap::new();
            let typed = a.typed.get(&spec.code).unwrap_or(&no_typed);
            let scale = spec.scale.unwrap_or(Decimal::ONE_HUNDRED);
            let weight_of = |rater: &str| -> Option<Decimal> {
                if spec.raters.is_empty() {
                    Some(Decimal::ONE)
                } else {
                    spec.raters
                        .iter()
                        .find(|(r, _)| *r == rater)
                        .map(|(_, w)| *w)
                }
            };
            let rows_of = |rater: &str| means.iter().find(|(r, _, _)| *r == Some(rater)).copied();
            write_text(ws, row, 0, &dimension_label(&l.dimension, lang), &fm.text)?;
            write_text(ws, row, 1, &plain, &fm.text)?;
            // The two typed raters: the cell, its weight in the formula.
            let mut terms: Vec<(String, Decimal)> = Vec::new();
            for (c, rater) in [
                (COL_EFFECTIVE, crate::compute::manual::FORM_RATERS[0]),
                (COL_WEIGHT, crate::compute::manual::FORM_RATERS[1]),
            ] {
                let label = if rater == "self" {
                    lang.pick("自评", "self")
                } else {
                    lang.pick("上级评分", "supervisor")
                };
                let Some(w) = weight_of(rater) else {
                    // The scheme gives this rater no weight: it does not count.
                    ws.write_string_with_format(row, c, "—", &fm.center)?;
                    continue;
                };
                let ledger = rows_of(rater);
                let own = ledger.and_then(|(_, sum, n)| crate::compute::manual::rater_mean(sum, n));
                let shown = typed.get(rater).copied().or(own);
                match shown {
                    Some(v) => ws.write_number_with_format(row, c, f(v), &fm.unlocked2)?,
                    None => ws.write_blank(row, c, &fm.unlocked2)?,
                };
                let as_shown = |v: Option<Decimal>| {
                    v.map_or(Shown::Text(String::new()), |v| Shown::Number(f(v)))
                };
                layout.editable.push(EditableCell {
                    cell: cell(row, c),
                    code: crate::output::manifest::rater_code(&spec.code, rater),
                    name: format!("{plain} {label}"),
                    own: as_shown(own),
                    written: as_shown(shown),
                    max: Some(f(scale)),
                });
                // Without rater weights a typed rating stands for the
                // rater's rows (one when none).
                let w = if spec.raters.is_empty() {
                    Decimal::from(ledger.map_or(1, |(_, _, n)| n.max(1)))
                } else {
                    w
                };
                terms.push((cell(row, c), w));
            }
            // The other raters, as one mean with their weight.
            let others: Vec<(Decimal, Decimal)> = means
                .iter()
                .filter(|(r, _, _)| {
                    !r.is_some_and(|r| crate::compute::manual::FORM_RATERS.contains(&r))
                })
                .filter_map(|(r, sum, n)| {
                    if spec.raters.is_empty() {
                        Some((*sum, Decimal::from(*n)))
                    } else {
                        let w = spec.raters.iter().find(|(x, _)| Some(*x) == *r)?.1;
                        Some((crate::compute::manual::rater_mean(*sum, *n)? * w, w))
                    }
                })
                .collect();
            let other_w: Decimal = others.iter().map(|o| o.1).sum();
            let other = crate::compute::ratio(others.iter().map(|o| o.0).sum(), other_w);
            match other {
                Some(v) => {
                    ws.write_number_with_format(row, COL_PASS, f(v), &fm.num2)?;
                    terms.push((cell(row, COL_PASS), other_w));
                }
                None => {
                    ws.write_blank(row, COL_PASS, &fm.num2)?;
                }
            }
            let combined = crate::compute::manual::combine(spec, &means, typed);
            let cells: Vec<&str> = terms.iter().map(|t| t.0.as_str()).collect();
            let num: Vec<String> = terms
                .iter()
                .map(|(c, w)| format!("N({c})*{}", w.normalize()))
                .collect();
            let den: Vec<String> = terms
                .iter()
                .map(|(c, w)| format!("({c}<>\"\")*{}", w.normalize()))
                .collect();
            // Rounded to 10 places as kaohe rounds ratios, so that the
            // spreadsheet's binary arithmetic shows what was cached.
            let formula = if terms.is_empty() {
                "=\"\"".to_string()
            } else {
                format!(
                    "=IF(COUNT({})=0,\"\",ROUND(({})/({}),10))",
                    cells.join(","),
                    num.join("+"),
                    den.join("+")
                )
            };
            ws.write_formula_with_format(
                row,
                COL_EXCELLENT,
                Formula::new(formula).set_result(
                    combined
                        .map(|v| v.round_dp(10).normalize().to_string())
                        .unwrap_or_default(),
                ),
                &fm.num2,
            )?;
            // The score of a rating without lines: the combined rating on
            // 0–100; one with lines is scored by its 评分标准.
            let converted = spec.pass.is_none()
                && spec.excellent.is_none()
                && matches!(spec.method, Method::Linear | Method::Direct);
            if converted {
                let c = cell(row, COL_EXCELLENT);
                let formula = format!(
                    "=IF({c}=\"\",\"\",ROUND(MAX(0,MIN(100,{c}/{}*100)),2))",
                    scale.normalize()
                );
                let cached = combined
                    .map(|v| crate::compute::score::indicator_score(spec, v, p.months()))
                    .map(|v| v.normalize().to_string())
                    .unwrap_or_default();
                ws.write_formula_with_format(
                    row,
                    COL_SCORE,
                    Formula::new(formula).set_result(cached),
                    &fm.num2,
                )?;
            } else {
                ws.write_blank(row, COL_SCORE, &fm.num2)?;
            }
            let how = match spec.raters.is_empty() {
                true => lang
                    .pick(
                        "各评分行平均（填写的评分代替该来源的评分行）",
                        "the mean of the score rows (a typed rating replaces that rater's rows)",
                    )
                    .to_string(),
                false => spec
                    .measure_text(&scheme.defaults, lang)
                    .into_iter()
                    .filter(|t| !t.ends_with("分制") && !t.starts_with("scale of"))
                    .chain([lang
                        .pick(
                            "按在场来源的权重重新归一；填写的评分代替该来源的评分行",
                            "renormalised over the raters present; a typed rating replaces that rater's rows",
                        )
                        .to_string()])
                    .collect::<Vec<_>>()
                    .join(sep),
            };
            ws.merge_range(row, COL_RULE, row, COL_NOTE, "", &fm.wrap)?;
            write_text(ws, row, COL_RULE, &how, &fm.wrap)?;
            for c in [COL_TARGET, COL_ACTUAL, COL_VALUE, COL_POINTS] {
                ws.write_blank(row, c, &fm.text)?;
            }
            ws.set_row_height(row, 30)?;
            row += 1;
        }
        row += 1;
    }

    // Gates.
    let gates: Vec<usize> = (0..s.lines.len()).filter(|&i| s.lines[i].is_gate).collect();
    let mut penalty_cells = Vec::new();
    if !gates.is_empty() {
        ws.merge_range(
            row,
            0,
            row,
            LAST,
            lang.pick("达标项（未达标扣分）", "Gates (a miss costs points)"),
            &fm.head,
        )?;
        row += 1;
        for i in gates {
            let (line, l) = (&a.lines[i], &s.lines[i]);
            write_text(ws, row, 0, &dimension_label(&l.dimension, lang), &fm.text)?;
            let down = line.spec.direction() == Direction::Down;
            any_down |= down;
            let name = if down {
                format!("{} ↓", l.name)
            } else {
                l.name.clone()
            };
            write_text(ws, row, 1, &name, &fm.text)?;
            let fmt = fm.unit(line.spec.value_unit(), false);
            for c in [
                COL_EFFECTIVE,
                COL_WEIGHT,
                COL_EXCELLENT,
                COL_TARGET,
                COL_ACTUAL,
            ] {
                ws.write_blank(row, c, &fm.text)?;
            }
            match l.pass {
                Some(v) => ws.write_number_with_format(row, COL_PASS, f(v), &fmt)?,
                None => ws.write_blank(row, COL_PASS, &fm.text)?,
            };
            match l.value {
                Some(v) => ws.write_number_with_format(row, COL_VALUE, f(v), &fmt)?,
                None => ws.write_blank(row, COL_VALUE, &fm.text)?,
            };
            // The score column holds numbers only: a gate has none; what it
            // deducts is in the points column, met or missed in the note.
            ws.write_blank(row, COL_SCORE, &fm.num2)?;
            let result = match l.gate {
                Some(GateOutcome::Met) => lang.pick("结果：达标", "result: met"),
                Some(GateOutcome::Missed) => lang.pick("结果：未达标", "result: missed"),
                _ => lang.pick("结果：不适用", "result: N/A"),
            };
            ws.write_number_with_format(row, COL_POINTS, f(l.penalty), &fm.num2)?;
            let rule = line
                .spec
                .criterion_text(line_factor(&line.spec, p.months()), lang);
            write_text(ws, row, COL_RULE, &rule, &fm.wrap)?;
            let mut why = vec![result.to_string()];
            match &l.status {
                LineStatus::Na(na) | LineStatus::NaScored(na) => {
                    why.push(na.reason(lang).to_string())
                }
                LineStatus::Excluded { reason, .. } => why.push(reason.clone()),
                LineStatus::Scored => {}
            }
            why.extend(line.spec.measure_text(&scheme.defaults, lang));
            let source = line.spec.data_source(&scheme.defaults, lang);
            if !source.is_empty() {
                why.push(format!("{}{source}", lang.pick("数据来源：", "data: ")));
            }
            let why = why.join(sep);
            write_text(ws, row, COL_NOTE, &why, &fm.wrap)?;
            wrapped.push((row, rule.clone(), why.clone()));
            widths[COL_RULE as usize].push(rule);
            widths[COL_NOTE as usize].push(why);
            penalty_cells.push(cell(row, COL_POINTS));
            row += 1;
        }
        row += 1;
    }

    // Adjustments of this period, always with a block of its own: the
    // bonus, deduction and veto lines below are formulas over its rows.
    let kind_label = |k: AdjustmentKind| match k {
        AdjustmentKind::Target => lang.pick("目标调整", "target"),
        AdjustmentKind::Exclude => lang.pick("剔除", "exclude"),
        AdjustmentKind::Bonus => lang.pick("加分", "bonus"),
        AdjustmentKind::Deduction => lang.pick("扣分", "deduction"),
        AdjustmentKind::Veto => lang.pick("一票否决", "veto"),
    };
    ws.merge_range(
        row,
        0,
        row,
        LAST,
        lang.pick(
            "调整（加分、扣分、剔除、目标调整、一票否决）",
            "Adjustments (bonus, deduction, exclusion, target, veto)",
        ),
        &fm.head,
    )?;
    row += 1;
    let adj_first = row;
    let mut veto = false;
    if a.adjustments.is_empty() {
        write_text(ws, row, 0, lang.pick("无", "none"), &fm.text)?;
        ws.write_blank(row, COL_POINTS, &fm.num2)?;
        row += 1;
    }
    for &i in &a.adjustments {
        let adj = &ds.adjustments[i as usize];
        write_text(ws, row, 0, kind_label(adj.kind), &fm.text)?;
        write_text(ws, row, 1, adj.indicator.as_deref().unwrap_or(""), &fm.text)?;
        match adj.kind {
            AdjustmentKind::Bonus | AdjustmentKind::Deduction => {
                let pts = adj.value.unwrap_or_default().abs();
                ws.write_number_with_format(row, COL_POINTS, f(pts), &fm.num2)?;
            }
            _ => {
                if let Some(v) = adj.value {
                    ws.write_number_with_format(row, COL_TARGET, f(v), &fm.num2)?;
                }
                ws.write_blank(row, COL_POINTS, &fm.num2)?;
            }
        }
        veto |= adj.kind == AdjustmentKind::Veto;
        let src = ds.position(adj.meta.src).address();
        let text = format!(
            "{}{}{}  [{src}]",
            adj.reason,
            lang.pick("；审批人：", "; approved by: "),
            adj.approver.as_deref().unwrap_or("-")
        );
        ws.merge_range(row, COL_RULE, row, COL_NOTE, "", &fm.wrap)?;
        write_text(ws, row, COL_RULE, &text, &fm.wrap)?;
        row += 1;
    }
    let adj_last = row - 1;
    let kinds = format!("{}:{}", cell(adj_first, 0), cell(adj_last, 0));
    let points = format!(
        "{}:{}",
        cell(adj_first, COL_POINTS),
        cell(adj_last, COL_POINTS)
    );
    let sum_kind = |k: AdjustmentKind| format!("SUMIF({kinds},\"{}\",{points})", kind_label(k));
    row += 1;

    // Totals, with the grade legend beside them.
    let show = |v: Option<Decimal>| v.map(|v| v.normalize().to_string()).unwrap_or_default();
    // A labelled total line: the formula in the points column, its result cached.
    let put = |ws: &mut Worksheet,
               row: u32,
               label: &str,
               formula: String,
               cached: String,
               format: &Format|
     -> Result<(), XlsxError> {
        ws.write_string_with_format(row, COL_VALUE, label, &fm.label)?;
        ws.write_formula_with_format(
            row,
            COL_POINTS,
            Formula::new(formula).set_result(cached),
            format,
        )?;
        Ok(())
    };
    let max_bonus = scheme.defaults.max_bonus.normalize();
    let ws_row = row;
    put(
        ws,
        row,
        lang.pick("加权得分", "Weighted score"),
        if subtotal_cells.is_empty() {
            "=0".to_string()
        } else {
            format!("={}", subtotal_cells.join("+"))
        },
        show(s.weighted_score),
        &fm.bold2,
    )?;
    let bonus_row = row + 1;
    put(
        ws,
        bonus_row,
        &format!(
            "{}{max_bonus}{close}",
            lang.pick("加分（上限 ", "Bonus (max ")
        ),
        format!("=MIN({},{max_bonus})", sum_kind(AdjustmentKind::Bonus)),
        show(Some(s.bonus)),
        &fm.num2,
    )?;
    let ded_row = row + 2;
    put(
        ws,
        ded_row,
        lang.pick("扣分", "Deductions"),
        format!("={}", sum_kind(AdjustmentKind::Deduction)),
        show(Some(s.deductions)),
        &fm.num2,
    )?;
    let pen_row = row + 3;
    put(
        ws,
        pen_row,
        lang.pick("达标项扣分", "Gate penalties"),
        if penalty_cells.is_empty() {
            "=0".to_string()
        } else {
            format!("={}", penalty_cells.join("+"))
        },
        show(Some(s.gate_penalties)),
        &fm.num2,
    )?;
    let veto_row = row + 4;
    let (yes, no) = (lang.pick("是", "yes"), lang.pick("否", "no"));
    put(
        ws,
        veto_row,
        lang.pick("一票否决", "Veto"),
        format!(
            "=IF(COUNTIF({kinds},\"{}\")>0,\"{yes}\",\"{no}\")",
            kind_label(AdjustmentKind::Veto)
        ),
        if veto { yes } else { no }.to_string(),
        &fm.text,
    )?;
    let total_row = row + 5;
    let total_f = format!(
        "=IF({v}=\"{yes}\",0,IF({w}=0,\"\",MAX(0,MIN(120,{ws}+{b}-{d}-{p}))))",
        v = cell(veto_row, COL_POINTS),
        w = w_ref,
        ws = cell(ws_row, COL_POINTS),
        b = cell(bonus_row, COL_POINTS),
        d = cell(ded_row, COL_POINTS),
        p = cell(pen_row, COL_POINTS)
    );
    put(
        ws,
        total_row,
        lang.pick("总分", "Total"),
        total_f,
        show(s.total),
        &fm.total,
    )?;
    // Grade and coefficient: nested IFs over the scheme's bands, highest first.
    let t = cell(total_row, COL_POINTS);
    let mut grades = scheme.grades.clone();
    grades.sort_by_key(|g| std::cmp::Reverse(g.min));
    let nested = |pick: &dyn Fn(&crate::scheme::Grade) -> String| -> String {
        let mut expr = pick(grades.last().expect("grades"));
        for g in grades.iter().rev().skip(1) {
            expr = format!("IF({t}>={},{},{expr})", g.min.normalize(), pick(g));
        }
        format!("=IF({t}=\"\",\"\",{expr})")
    };
    put(
        ws,
        row + 6,
        lang.pick("等级", "Grade"),
        nested(&|g| format!("\"{}\"", g.name)),
        s.grade.as_ref().map(|g| g.name.clone()).unwrap_or_default(),
        &fm.total,
    )?;
    let coef_row = row + 7;
    put(
        ws,
        coef_row,
        lang.pick("系数", "Coefficient"),
        nested(&|g| g.coefficient.normalize().to_string()),
        show(s.grade.as_ref().map(|g| g.coefficient)),
        &fm.num2,
    )?;
    let base_row = row + 8;
    ws.write_string_with_format(
        base_row,
        COL_VALUE,
        lang.pick("绩效奖金基数", "Bonus base"),
        &fm.label,
    )?;
    match r.bonus_base {
        Some(b) => ws.write_number_with_format(base_row, COL_POINTS, f(b), &fm.money)?,
        None => ws.write_blank(base_row, COL_POINTS, &fm.money)?,
    };
    let bonus_f = format!(
        "=IF(OR({b}=\"\",{c}=\"\"),\"\",ROUND({b}*{c},2))",
        b = cell(base_row, COL_POINTS),
        c = cell(coef_row, COL_POINTS)
    );
    put(
        ws,
        row + 9,
        lang.pick("绩效奖金", "Bonus amount"),
        bonus_f,
        show(s.bonus_amount),
        &fm.money,
    )?;
    // The grade legend: each band with its minimum and coefficient.
    ws.write_string_with_format(ws_row, 0, lang.pick("等级", "Grade"), &fm.head)?;
    ws.write_string_with_format(ws_row, 1, lang.pick("总分", "Total"), &fm.head)?;
    ws.write_string_with_format(
        ws_row,
        COL_EFFECTIVE,
        lang.pick("系数", "Coefficient"),
        &fm.head,
    )?;
    ws.set_row_height(ws_row, 30)?;
    let mut legend_row = ws_row + 1;
    for (k, g) in grades.iter().enumerate() {
        let band = if k + 1 == grades.len() {
            match grades.get(k.wrapping_sub(1)).filter(|_| k > 0) {
                Some(above) => format!("< {}", above.min.normalize()),
                None => format!("≥ {}", g.min.normalize()),
            }
        } else {
            format!("≥ {}", g.min.normalize())
        };
        write_text(ws, legend_row, 0, &g.name, &fm.center)?;
        write_text(ws, legend_row, 1, &band, &fm.center)?;
        ws.write_number_with_format(legend_row, COL_EFFECTIVE, f(g.coefficient), &fm.num2)?;
        legend_row += 1;
    }
    if any_down {
        ws.write_string(
            legend_row,
            0,
            lang.pick("↓ 越低越好的指标", "↓ lower is better"),
        )?;
        legend_row += 1;
    }
    row = (row + 11).max(legend_row + 1);

    // Dimension rates against the team average, and a chart of them.
    let chart_row = row;
    ws.write_string_with_format(row, 0, lang.pick("维度", "Dimension"), &fm.head)?;
    ws.write_string_with_format(row, 1, lang.pick("本人得分率", "Own rate"), &fm.head)?;
    // The rep's own team's average (everyone's, for a rep without a team).
    let average = match r.team.as_deref().filter(|t| !t.is_empty()) {
        Some(t) => format!("{}{open}{t}{close}", lang.pick("团队平均", "Team average")),
        None => lang.pick("全员平均", "Everyone's average").to_string(),
    };
    ws.merge_range(row, 2, row, 3, &average, &fm.head)?;
    row += 1;
    let first_dim = row;
    for d in &s.dimensions {
        write_text(ws, row, 0, &dimension_label(&d.name, lang), &fm.text)?;
        match dimension_rate(d.subtotal, d.renormalised_weight) {
            Some(v) => ws.write_number_with_format(row, 1, f(v), &fm.num2)?,
            None => ws.write_blank(row, 1, &fm.text)?,
        };
        match team.get(&d.name) {
            Some(v) => ws.write_number_with_format(row, 2, f(*v), &fm.num2)?,
            None => ws.write_blank(row, 2, &fm.text)?,
        };
        row += 1;
    }
    if !s.dimensions.is_empty() {
        let sheet = lang.pick("考核表", "Scorecard");
        let mut chart = Chart::new(ChartType::Column);
        chart
            .title()
            .set_name(lang.pick("维度得分率与团队平均", "Dimension scores vs team average"));
        // Series named by their header cells (a literal name shows wrong
        // in LibreOffice's print).
        for col in [1u16, 2] {
            chart
                .add_series()
                .set_name((sheet, chart_row, col))
                .set_categories((sheet, first_dim, 0, row - 1, 0))
                .set_values((sheet, first_dim, col, row - 1, col))
                .set_data_label(rust_xlsxwriter::ChartDataLabel::new().show_value());
        }
        chart
            .y_axis()
            .set_name(lang.pick("得分率", "score rate"))
            .set_min(0)
            .set_max(120);
        ws.insert_chart(chart_row, 5, &chart)?;
    }
    row = row.max(chart_row + 16) + 1;

    // A year's workbook: the month-by-month total, with a line chart.
    if !trend.is_empty() {
        let trend_row = row;
        ws.write_string_with_format(row, 0, lang.pick("月份", "Month"), &fm.head)?;
        ws.write_string_with_format(row, 1, lang.pick("月度总分", "Monthly total"), &fm.head)?;
        row += 1;
        let first = row;
        for (p, total) in trend {
            ws.write_string_with_format(row, 0, p.to_string(), &fm.text)?;
            match total {
                Some(t) => ws.write_number_with_format(row, 1, f(*t), &fm.num2)?,
                None => ws.write_blank(row, 1, &fm.text)?,
            };
            row += 1;
        }
        let sheet = lang.pick("考核表", "Scorecard");
        let mut chart = Chart::new(ChartType::Line);
        chart
            .title()
            .set_name(lang.pick("月度总分趋势", "Monthly total trend"));
        chart
            .add_series()
            .set_name(lang.pick("月度总分", "Monthly total"))
            .set_categories((sheet, first, 0, row - 1, 0))
            .set_values((sheet, first, 1, row - 1, 1))
            .set_data_label(rust_xlsxwriter::ChartDataLabel::new().show_value());
        chart
            .y_axis()
            .set_name(lang.pick("总分", "total"))
            .set_min(0)
            .set_max(120);
        chart.legend().set_hidden();
        ws.insert_chart(trend_row, 5, &chart)?;
        row = row.max(trend_row + 16) + 1;
    }

    // Comment box and signatures.
    ws.merge_range(row, 0, row, LAST, lang.pick("评语", "Comments"), &fm.head)?;
    let comment = a.comment.clone().unwrap_or_default();
    ws.merge_range(
        row + 1,
        0,
        row + 4,
        LAST,
        &comment,
        &fm.wrap.clone().set_unlocked(),
    )?;
    layout.editable.push(EditableCell {
        cell: cell(row + 1, 0),
        code: COMMENT.to_string(),
        name: lang.pick("评语", "Comments").to_string(),
        own: Shown::Text(String::new()),
        written: Shown::Text(comment),
        max: None,
    });
    row += 6;

    // 绩效面谈记录: editable text, harvested like the 评语.
    ws.merge_range(
        row,
        0,
        row,
        LAST,
        lang.pick("绩效面谈记录", "Performance interview"),
        &fm.head,
    )?;
    row += 1;
    let input = fm
        .wrap
        .clone()
        .set_unlocked()
        .set_num_format("@")
        .set_background_color("#FFFFE0");
    let field = |key: &str| -> &'static str {
        INTERVIEW_FIELDS
            .iter()
            .find(|f| f.0 == key)
            .map_or("", |f| lang.pick(f.1, f.2))
    };
    // (row offset, label column, first and last value column, key)
    let places: [(u32, u16, u16, u16, &str); 5] = [
        (0, 0, 2, 3, "date"),
        (0, 4, 6, 8, "interviewer"),
        (0, COL_SCORE, COL_POINTS, LAST, "due"),
        (1, 0, 2, LAST, "issues"),
        (2, 0, 2, LAST, "actions"),
    ];
    for (dr, lc, first, last, key) in places {
        let at = row + dr;
        ws.write_string_with_format(at, lc, field(key), &fm.label)?;
        let value = a.interview.get(key).cloned().unwrap_or_default();
        ws.merge_range(at, first, at, last, "", &input)?;
        write_text(ws, at, first, &value, &input)?;
        layout.editable.push(EditableCell {
            cell: cell(at, first),
            code: format!("{INTERVIEW}{key}"),
            name: field(key).to_string(),
            own: Shown::Text(String::new()),
            written: Shown::Text(value),
            max: None,
        });
    }
    ws.set_row_height(row + 1, 36)?;
    ws.set_row_height(row + 2, 36)?;
    row += 4;
    // 改进计划 (a rep the improvement-plan rule lists, SPEC 8 "Applying
    // results"): where the plan starts from, then editable rows harvested
    // as the interview's (codes `改进:…`).
    if let Some(start) = &form.plan {
        ws.merge_range(
            row,
            0,
            row,
            LAST,
            lang.pick("改进计划", "Improvement plan"),
            &fm.head,
        )?;
        row += 1;
        ws.merge_range(row, 0, row, LAST, "", &fm.wrap)?;
        write_text(ws, row, 0, start, &fm.wrap)?;
        ws.set_row_height(row, 30)?;
        row += 1;
        let plan_field = |key: &str| -> &'static str {
            PLAN_FIELDS
                .iter()
                .find(|f| f.0 == key)
                .map_or("", |f| lang.pick(f.1, f.2))
        };
        let places: [(u32, u16, u16, u16, &str); 4] = [
            (0, 0, 2, LAST, "goal"),
            (1, 0, 2, LAST, "measures"),
            (2, 0, 2, 3, "coach"),
            (2, 4, 6, 8, "due"),
        ];
        for (dr, lc, first, last, key) in places {
            let at = row + dr;
            ws.write_string_with_format(at, lc, plan_field(key), &fm.label)?;
            let value = a.plan.get(key).cloned().unwrap_or_default();
            ws.merge_range(at, first, at, last, "", &input)?;
            write_text(ws, at, first, &value, &input)?;
            layout.editable.push(EditableCell {
                cell: cell(at, first),
                code: format!("{PLAN}{key}"),
                name: plan_field(key).to_string(),
                own: Shown::Text(String::new()),
                written: Shown::Text(value),
                max: None,
            });
        }
        ws.set_row_height(row, 30)?;
        ws.set_row_height(row + 1, 36)?;
        row += 4;
    }

    // The rep's acknowledgement, the sign-off chain from the scheme (each
    // with 签字 and 日期) and the appeal note.
    ws.merge_range(
        row,
        0,
        row,
        LAST,
        lang.pick("确认与签字", "Acknowledgement and sign-off"),
        &fm.head,
    )?;
    row += 1;
    ws.write_string_with_format(
        row,
        0,
        lang.pick("本人确认", "Rep's acknowledgement"),
        &fm.label,
    )?;
    ws.write_string(
        row,
        2,
        lang.pick(
            "本人已阅知以上考核结果：□ 无异议　□ 有异议（请按下方说明申诉）",
            "I have read this assessment: □ I agree   □ I disagree (appeal as noted below)",
        ),
    )?;
    row += 2;
    for name in scheme.form.signoffs(lang) {
        write_text(ws, row, 0, &name, &fm.label)?;
        ws.write_string(
            row,
            2,
            lang.pick(
                "签字：____________________",
                "Signature: ____________________",
            ),
        )?;
        ws.write_string(
            row,
            COL_TARGET,
            lang.pick("日期：______________", "Date: ______________"),
        )?;
        row += 2;
    }
    let appeal = scheme.form.appeal(lang);
    if !appeal.is_empty() {
        ws.merge_range(row, 0, row, LAST, "", &fm.note)?;
        write_text(ws, row, 0, &appeal, &fm.note)?;
    }

    // Conditional formats on the scores: below pass red, excellent green.
    let last_line = w_row - 1;
    let red = Format::new()
        .set_font_color("#9C0006")
        .set_background_color("#FFC7CE");
    let green = Format::new()
        .set_font_color("#006100")
        .set_background_color("#C6EFCE");
    let first_score = cell(first_line_row, COL_SCORE).replace(char::is_alphabetic, "");
    let col = crate::input::columns::col_letter(COL_SCORE as u32);
    let below = format!("=AND(${col}{first_score}<>\"\",${col}{first_score}<60)");
    ws.add_conditional_format(
        first_line_row,
        COL_SCORE,
        last_line,
        COL_SCORE,
        &ConditionalFormatFormula::new()
            .set_rule(below.as_str())
            .set_format(red),
    )?;
    ws.add_conditional_format(
        first_line_row,
        COL_SCORE,
        last_line,
        COL_SCORE,
        &ConditionalFormatCell::new()
            .set_rule(ConditionalFormatCellRule::GreaterThanOrEqualTo(100))
            .set_format(green),
    )?;

    // Layout: widths from display width, frozen header, A4 one page wide.
    let (mins, maxs) = (
        [
            10.0, 14.0, 7.0, 7.0, 8.0, 8.0, 12.0, 13.0, 9.0, 8.0, 9.0, 26.0, 26.0,
        ],
        [
            16.0, 22.0, 8.0, 8.0, 10.0, 10.0, 14.0, 14.0, 10.0, 9.0, 11.0, 34.0, 40.0,
        ],
    );
    let mut width_of = [0.0f64; LAST as usize + 1];
    for (c, w) in widths.iter().enumerate() {
        width_of[c] = fit_width(w.iter().map(String::as_str), mins[c], maxs[c]);
        ws.set_column_width(c as u16, width_of[c])?;
    }
    // A rule or note longer than its column wraps: its row grows to hold
    // the lines (no viewer grows a row whose height the file leaves unset
    // when printing).
    let lines =
        |text: &str, width: f64| (display_width(text) as f64 / (width - 1.0).max(1.0)).ceil();
    for (r, rule, note) in &wrapped {
        let n =
            lines(rule, width_of[COL_RULE as usize]).max(lines(note, width_of[COL_NOTE as usize]));
        if n > 1.0 {
            ws.set_row_height(*r, 15.0 * n)?;
        }
    }
    ws.set_freeze_panes(head_row + 1, 2)?;
    ws.set_paper_size(9).set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(head_row, head_row)?;
    // An accidental-edit guard: only manual scores and the comment box are editable.
    ws.protect();
    Ok(layout)
}
