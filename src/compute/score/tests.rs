use super::*;
use crate::input::model::RowMeta;
use crate::period::Period;
use crate::scheme::default_grades;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// A weighted spec with linear lines.
fn lin(code: &str, weight: i64, pass: &str, excellent: &str) -> IndicatorSpec {
    let mut s = IndicatorSpec::new(code).unwrap();
    s.weight = Decimal::from(weight);
    s.pass = Some(d(pass));
    s.excellent = Some(d(excellent));
    if code == "sales_achievement" {
        s.target = Some("sales_target".into());
    }
    s
}

fn with_method(mut s: IndicatorSpec, m: Method) -> IndicatorSpec {
    s.method = m;
    s
}

fn gate(code: &str, pass: &str) -> IndicatorSpec {
    let mut s = IndicatorSpec::new(code).unwrap();
    s.gate = true;
    s.pass = Some(d(pass));
    s
}

fn rating(name: &str, weight: i64, scale: i64) -> IndicatorSpec {
    let mut s = IndicatorSpec::new(&format!("rating:{name}")).unwrap();
    s.weight = Decimal::from(weight);
    s.scale = Some(Decimal::from(scale));
    s
}

fn steps(code: &str, table: &[(i64, i64)]) -> IndicatorSpec {
    let mut s = IndicatorSpec::new(code).unwrap();
    s.weight = Decimal::from(100);
    s.method = Method::Steps(
        table
            .iter()
            .map(|&(t, sc)| (Decimal::from(t), Decimal::from(sc)))
            .collect(),
    );
    s
}

/// (value, months, expected score) rows for one spec.
fn table(spec: &IndicatorSpec, rows: &[(&str, u32, &str)]) {
    for &(v, months, want) in rows {
        assert_eq!(
            indicator_score(spec, d(v), months),
            d(want),
            "{} v={v} months={months}",
            spec.code
        );
    }
}

fn adj(kind: AdjustmentKind, value: Option<&str>, reason: &str) -> Adjustment {
    Adjustment {
        rep: 0,
        period: Period::Year(2026),
        kind,
        indicator: None,
        value: value.map(d),
        reason: reason.into(),
        approver: Some("王总".into()),
        meta: RowMeta::default(),
    }
}

fn na() -> Value {
    Err(Na::new("无数据", "no data"))
}

fn input(spec: &IndicatorSpec, v: Value) -> LineInput<'_> {
    LineInput {
        spec,
        value: v,
        exclusion: None,
        review: None,
    }
}

fn ok(s: &str) -> Value {
    Ok(d(s))
}

fn run(lines: &[LineInput<'_>], adjs: &[&Adjustment], defaults: &Defaults) -> Assessment {
    assess(lines, adjs, defaults, &default_grades(), 1, None)
}

#[test]
fn linear_up() {
    // ↑ p = 0.8, e = 1.2 (achievement).
    let s = lin("sales_achievement", 100, "0.8", "1.2");
    table(
        &s,
        &[
            ("1.3", 1, "100"),  // v ≥ e
            ("1.2", 1, "100"),  // v = e
            ("1.1", 1, "90"),   // 60 + 40·0.3/0.4 = 90
            ("1.0", 1, "80"),   // 60 + 40·0.2/0.4 = 80
            ("0.85", 1, "65"),  // 60 + 40·0.05/0.4 = 65
            ("0.8", 1, "60"),   // v = p
            ("0.7", 1, "52.5"), // 60·0.7/0.8 = 52.5
            ("0.4", 1, "30"),   // 60·0.4/0.8 = 30
            ("0", 1, "0"),
            ("-0.1", 1, "0"),
            ("1.0", 12, "80"), // ratios never scale
        ],
    );
    // p = 0.9, e = 1.0: 60 + 40·0.0333333333/0.1 = 73.333333332 → 73.33;
    // 60·0.6666666667/0.9 = 44.4444444467 → 44.44.
    let s = lin("collection_rate", 100, "0.9", "1.0");
    table(
        &s,
        &[("0.9333333333", 1, "73.33"), ("0.6666666667", 1, "44.44")],
    );
    // Half away from zero: 60·0.87675/1 = 52.605 → 52.61 (not 52.60).
    let s = lin("new_customers", 100, "1", "2");
    table(&s, &[("0.87675", 1, "52.61")]);
    // p = 0: below the line is 0.
    let mut s = lin("new_customers", 100, "0", "2");
    s.scale_with_period = false;
    table(&s, &[("-1", 1, "0"), ("0", 1, "60"), ("1", 1, "80")]);
}

#[test]
fn linear_down() {
    // ↓ p = 0.05, e = 0.02.
    let s = lin("churn_rate", 100, "0.05", "0.02");
    table(
        &s,
        &[
            ("0", 1, "100"),
            ("0.02", 1, "100"),   // v = e
            ("0.035", 1, "80"),   // 60 + 40·0.015/0.03 = 80
            ("0.04", 1, "73.33"), // 60 + 40·0.01/0.03 = 73.333… → 73.33
            ("0.05", 1, "60"),    // v = p
            ("0.06", 1, "48"),    // 60·(1 − 0.01/0.05) = 48
            ("0.075", 1, "30"),   // 60·(1 − 0.025/0.05) = 30
            ("0.1", 1, "0"),      // 60·(1 − 1) = 0
            ("0.2", 1, "0"),      // max(0, 60·(1 − 3)) = 0
        ],
    );
    // Days: p = 60, e = 30; v = 45 → 60 + 40·15/30 = 80; v = 90 → 60·(1 − 0.5) = 30.
    let s = lin("sales_cycle_days", 100, "60", "30");
    table(&s, &[("45", 3, "80"), ("90", 3, "30")]);
    // p = 0 above the line: 0.
    let mut s = lin("churn_rate", 100, "0", "0");
    s.excellent = Some(d("-0.01"));
    table(&s, &[("0.01", 1, "0")]);
}

#[test]
fn ratio_direct_and_rating_scales() {
    // ratio p = 0.8, cap 1.2: min(v/p, 1.2)·100.
    let s = with_method(
        lin("collection_rate", 100, "0.8", "1.0"),
        Method::Ratio { cap: d("1.2") },
    );
    table(
        &s,
        &[
            ("0.4", 1, "50"),    // 0.5·100
            ("0.8", 1, "100"),   // 1·100
            ("0.9", 1, "112.5"), // 1.125·100
            ("0.96", 1, "120"),  // 1.2·100
            ("2", 1, "120"),     // capped
            ("-1", 1, "0"),      // never below 0
        ],
    );
    let s = with_method(
        lin("collection_rate", 100, "0.8", "1.0"),
        Method::Ratio { cap: d("1.5") },
    );
    table(&s, &[("2", 1, "150")]);
    let mut s = with_method(
        lin("collection_rate", 100, "0", "1.0"),
        Method::Ratio { cap: d("1.2") },
    );
    table(&s, &[("0.5", 1, "0")]); // p = 0 → 0
    s.pass = None;
    table(&s, &[("0.5", 1, "0")]);

    // direct: clamped to 0–100, rounded.
    let mut s = IndicatorSpec::new("rating:知识考试").unwrap();
    s.method = Method::Direct;
    table(
        &s,
        &[("85.555", 1, "85.56"), ("130", 1, "100"), ("-5", 1, "0")],
    );

    // Ratings without lines: v ÷ scale × 100, then direct.
    table(
        &rating("协作响应速度", 10, 5),
        &[("4.2", 1, "84"), ("5", 1, "100")],
    ); // 4.2/5·100
    table(&rating("协作任务质量", 10, 10), &[("8.55", 1, "85.5")]); // 8.55/10·100
    table(&rating("考试", 10, 100), &[("101", 1, "100")]); // clamped
                                                           // With lines, the value is scored on its own scale: p = 3, e = 4.5,
                                                           // v = 3.75 → 60 + 40·0.75/1.5 = 80.
    let mut s = rating("协作响应速度", 10, 5);
    s.pass = Some(d("3"));
    s.excellent = Some(d("4.5"));
    table(&s, &[("3.75", 1, "80")]);
}

#[test]
fn steps_up_and_down() {
    // ↑ largest threshold ≤ v; 0 below all. followups are monthly: a quarter
    // multiplies the thresholds by 3 (30, 60, 90, 120).
    let s = steps("followups", &[(10, 40), (20, 60), (30, 80), (40, 100)]);
    table(
        &s,
        &[
            ("5", 1, "0"),
            ("10", 1, "40"),
            ("25", 1, "60"),
            ("40", 1, "100"),
            ("100", 1, "100"),
            ("25", 3, "0"),
            ("60", 3, "60"),
            ("119", 3, "80"),
        ],
    );
    // ↓ smallest threshold ≥ v; 0 above all (days never scale).
    let s = steps("sales_cycle_days", &[(30, 100), (60, 80), (90, 60)]);
    table(
        &s,
        &[
            ("20", 3, "100"),
            ("30", 3, "100"),
            ("45", 3, "80"),
            ("90", 3, "60"),
            ("91", 3, "0"),
        ],
    );
}

#[test]
fn monthly_lines_scale_with_the_period() {
    // followups p = 20, e = 30 per month.
    let s = lin("followups", 100, "20", "30");
    table(
        &s,
        &[
            ("25", 1, "80"),   // 60 + 40·5/10
            ("75", 3, "80"),   // p = 60, e = 90: 60 + 40·15/30
            ("25", 3, "25"),   // 60·25/60
            ("240", 12, "60"), // p = 240
        ],
    );
    assert_eq!(effective_lines(&s, 3), (Some(d("60")), Some(d("90"))));
    // scale_with_period = false: the quarter keeps the monthly lines.
    let mut fixed = s.clone();
    fixed.scale_with_period = false;
    table(&fixed, &[("25", 3, "80")]);
    assert_eq!(effective_lines(&fixed, 3), (Some(d("20")), Some(d("30"))));
    // Against a target, lines are ratios and never scale.
    let mut t = lin("followups", 100, "0.8", "1.2");
    t.target = Some("followup_target".into());
    table(&t, &[("1.0", 3, "80")]);
    // Rates never scale.
    table(
        &lin("collection_rate", 100, "0.9", "1.0"),
        &[("0.95", 12, "80")],
    );
}

#[test]
fn gates() {
    let g = gate("ledger_completeness", "0.95");
    let main = lin("sales_achievement", 100, "0.8", "1.2");
    let defaults = Defaults::default();
    let at = |v: Value| {
        let a = run(&[input(&main, ok("1.0")), input(&g, v)], &[], &defaults);
        (
            a.lines[1].gate,
            a.lines[1].penalty,
            a.gate_penalties,
            a.total,
        )
    };
    // Equal to the line meets it.
    assert_eq!(
        at(ok("0.95")),
        (Some(GateOutcome::Met), d("0"), d("0"), Some(d("80")))
    );
    assert_eq!(
        at(ok("0.9499")),
        (Some(GateOutcome::Missed), d("5"), d("5"), Some(d("75")))
    );
    // N/A deducts nothing, whatever the N/A option.
    assert_eq!(
        at(na()),
        (
            Some(GateOutcome::NotApplicable),
            d("0"),
            d("0"),
            Some(d("80"))
        )
    );
    let score = Defaults {
        na: NaPolicy::Score,
        ..Defaults::default()
    };
    let a = run(&[input(&main, ok("1.0")), input(&g, na())], &[], &score);
    assert_eq!(a.gate_penalties, d("0"));
    assert_eq!(a.lines[1].points, None);
    // ↓ gate: churn ≤ 0.05 meets it.
    let c = gate("churn_rate", "0.05");
    assert!(gate_met(&c, d("0.05"), 1));
    assert!(!gate_met(&c, d("0.0501"), 1));
    // Monthly gate lines scale: 20 a month is 60 a quarter.
    let f = gate("followups", "20");
    assert!(!gate_met(&f, d("59"), 3));
    assert!(gate_met(&f, d("60"), 3));
    // A gate's own penalty.
    let mut g3 = gate("ledger_completeness", "0.95");
    g3.penalty = d("3");
    let a = run(
        &[input(&main, ok("1.0")), input(&g3, ok("0.5"))],
        &[],
        &defaults,
    );
    assert_eq!((a.gate_penalties, a.total), (d("3"), Some(d("77"))));
}

/// A 80 / B N/A / C 100 with weights 50 / 30 / 20.
fn na_profile() -> [IndicatorSpec; 3] {
    [
        lin("sales_achievement", 50, "0.8", "1.2"),
        lin("collection_rate", 30, "0.9", "1.0"),
        lin("satisfaction", 20, "7", "8.5"),
    ]
}

#[test]
fn na_renormalises_or_scores() {
    let [a, b, c] = na_profile();
    let lines = [input(&a, ok("1.0")), input(&b, na()), input(&c, ok("8.5"))];

    // Renormalise: W = 70; 50·80/70 = 57.142… → 57.14; 20·100/70 = 28.571… → 28.57.
    let r = run(&lines, &[], &Defaults::default());
    assert_eq!(r.applicable_weight, d("70"));
    assert_eq!(r.lines[0].points, Some(d("57.14")));
    assert_eq!(r.lines[1].points, None);
    assert_eq!(r.lines[1].score, None);
    assert!(matches!(r.lines[1].status, LineStatus::Na(_)));
    assert_eq!(r.lines[2].points, Some(d("28.57")));
    assert_eq!(r.weighted_score, Some(d("85.71")));
    assert_eq!(r.total, Some(d("85.71")));
    assert_eq!(r.grade.as_ref().unwrap().name, "A");
    // Dimensions: 业绩产出 (a, b) 50·100/70 = 71.43 with 57.14;
    // 客户运营 (c) 20·100/70 = 28.57 with 28.57.
    assert_eq!(r.dimensions.len(), 2);
    assert_eq!(r.dimensions[0].name, "业绩产出");
    assert_eq!(r.dimensions[0].weight, d("80"));
    assert_eq!(r.dimensions[0].renormalised_weight, Some(d("71.43")));
    assert_eq!(r.dimensions[0].subtotal, d("57.14"));
    assert_eq!(r.dimensions[1].renormalised_weight, Some(d("28.57")));
    assert_eq!(r.dimensions[1].subtotal, d("28.57"));

    // na = "score", na_score 0: W = 100; 40 + 0 + 20 = 60 → C.
    let zero = Defaults {
        na: NaPolicy::Score,
        ..Defaults::default()
    };
    let s = run(&lines, &[], &zero);
    assert_eq!(s.applicable_weight, d("100"));
    assert!(matches!(s.lines[1].status, LineStatus::NaScored(_)));
    assert_eq!(s.lines[1].score, Some(d("0")));
    assert_eq!(s.lines[1].points, Some(d("0")));
    assert_eq!(s.total, Some(d("60")));
    assert_eq!(s.grade.as_ref().unwrap().name, "C");
    // na_score 50: 40 + 30·50/100 + 20 = 75 → B.
    let fifty = Defaults {
        na_score: d("50"),
        ..zero.clone()
    };
    assert_eq!(run(&lines, &[], &fifty).total, Some(d("75")));
}

#[test]
fn an_exclusion_drops_out_whatever_the_na_option() {
    let [a, b, c] = na_profile();
    let ex = adj(AdjustmentKind::Exclude, None, "产品断供");
    let lines = [
        input(&a, ok("1.0")),
        LineInput {
            spec: &b,
            value: ok("0.5"),
            exclusion: Some(&ex),
            review: None,
        },
        input(&c, ok("8.5")),
    ];
    for defaults in [
        Defaults::default(),
        Defaults {
            na: NaPolicy::Score,
            ..Defaults::default()
        },
    ] {
        let r = run(&lines, &[&ex], &defaults);
        // As for N/A with renormalisation: W = 70, 57.14 + 28.57 = 85.71.
        assert_eq!(r.applicable_weight, d("70"));
        assert_eq!(r.total, Some(d("85.71")));
        assert_eq!(
            r.lines[1].status,
            LineStatus::Excluded {
                reason: "产品断供".into(),
                approver: Some("王总".into())
            }
        );
        assert_eq!((r.lines[1].score, r.lines[1].points), (None, None));
        assert_eq!(r.lines[1].value, Some(d("0.5")));
        assert_eq!(r.adjustments.len(), 1);
    }
}

#[test]
fn bonus_cap_deduction_and_clamps() {
    // One indicator at 80.
    let s = lin("sales_achievement", 100, "0.8", "1.2");
    let lines = [input(&s, ok("1.0"))];
    let b1 = adj(AdjustmentKind::Bonus, Some("7"), "大单");
    let b2 = adj(AdjustmentKind::Bonus, Some("5"), "培训讲师");
    let ded = adj(AdjustmentKind::Deduction, Some("3"), "迟交台账");
    let tgt = adj(AdjustmentKind::Target, Some("100000"), "区域调整");
    // 12 requested, max 10 → 10; 80 + 10 − 3 = 87 → A.
    let r = run(&lines, &[&b1, &b2, &ded, &tgt], &Defaults::default());
    assert_eq!((r.bonus_requested, r.bonus), (d("12"), d("10")));
    assert_eq!(r.deductions, d("3"));
    assert_eq!(r.total, Some(d("87")));
    assert_eq!(r.grade.as_ref().unwrap().name, "A");
    assert_eq!(r.adjustments.len(), 4); // carried for display

    // Clamp at 120: ratio method, cap 1.3, v/p = 1.04/0.8 = 1.3 → 130;
    // 130 + 5 = 135 → 120.
    let s = with_method(
        lin("collection_rate", 100, "0.8", "1.0"),
        Method::Ratio { cap: d("1.3") },
    );
    let b = adj(AdjustmentKind::Bonus, Some("5"), "x");
    let r = run(&[input(&s, ok("1.04"))], &[&b], &Defaults::default());
    assert_eq!(r.lines[0].score, Some(d("130")));
    assert_eq!(r.weighted_score, Some(d("130")));
    assert_eq!(r.raw_total, Some(d("135")));
    assert_eq!(r.total, Some(d("120")));
    assert_eq!(r.grade.as_ref().unwrap().name, "S");

    // Clamp at 0: 60·0.1/0.8 = 7.5; 7.5 − 20 = −12.5 → 0, D.
    let s = lin("sales_achievement", 100, "0.8", "1.2");
    let ded = adj(AdjustmentKind::Deduction, Some("20"), "违规");
    let r = run(&[input(&s, ok("0.1"))], &[&ded], &Defaults::default());
    assert_eq!(r.raw_total, Some(d("-12.5")));
    assert_eq!(r.total, Some(d("0")));
    assert_eq!(r.grade.as_ref().unwrap().name, "D");
}

#[test]
fn grades_at_band_edges_and_bonus_amounts() {
    let mut s = IndicatorSpec::new("rating:考核").unwrap();
    s.weight = d("100");
    s.method = Method::Direct;
    let grade = |v: &str, base: Option<&str>| {
        let a = assess(
            &[input(&s, ok(v))],
            &[],
            &Defaults::default(),
            &default_grades(),
            1,
            base.map(d),
        );
        let g = a.grade.unwrap();
        (g.name, g.coefficient, a.bonus_amount)
    };
    for (v, name) in [
        ("100", "S"),
        ("90", "S"),
        ("89.99", "A"),
        ("80", "A"),
        ("79.99", "B"),
        ("70", "B"),
        ("60", "C"),
        ("59.99", "D"),
        ("0", "D"),
    ] {
        assert_eq!(grade(v, None).0, name, "{v}");
    }
    // 3333.33 × 1.2 = 3999.996 → 4000.00
    assert_eq!(grade("85", Some("3333.33")).2, Some(d("4000.00")));
    // 1234.565 × 1.0 → 1234.57 (half away from zero)
    assert_eq!(grade("75", Some("1234.565")).2, Some(d("1234.57")));
    // 1000.005 × 0.8 = 800.004 → 800.00
    assert_eq!(grade("65", Some("1000.005")).2, Some(d("800.00")));
    // D: 0 × base = 0
    assert_eq!(grade("10", Some("5000")).2, Some(d("0")));
    assert_eq!(grade("95", None).2, None);
}

#[test]
fn veto_and_not_graded() {
    let [a, b, c] = na_profile();
    let veto = adj(AdjustmentKind::Veto, None, "虚假合同");
    let bonus = adj(AdjustmentKind::Bonus, Some("5"), "x");
    let lines = [
        input(&a, ok("1.2")),
        input(&b, ok("1.0")),
        input(&c, ok("9")),
    ];
    let r = assess(
        &lines,
        &[&bonus, &veto],
        &Defaults::default(),
        &default_grades(),
        1,
        Some(d("5000")),
    );
    assert_eq!(r.weighted_score, Some(d("100"))); // still shown
    assert_eq!(r.total, Some(d("0")));
    assert_eq!(r.grade.as_ref().unwrap().name, "D");
    assert_eq!(r.bonus_amount, Some(d("0")));
    assert_eq!(r.veto.as_ref().unwrap().reason, "虚假合同");

    // Every indicator N/A, with a veto: still total 0, lowest grade.
    let all_na = [input(&a, na()), input(&b, na()), input(&c, na())];
    let r = run(&all_na, &[&veto], &Defaults::default());
    assert_eq!(r.weighted_score, None);
    assert_eq!(r.total, Some(d("0")));
    assert_eq!(r.grade.as_ref().unwrap().name, "D");
    assert!(!r.not_graded());

    // Without a veto: not graded, whatever the N/A option.
    for defaults in [
        Defaults::default(),
        Defaults {
            na: NaPolicy::Score,
            na_score: d("60"),
            ..Defaults::default()
        },
    ] {
        let r = assess(
            &all_na,
            &[&bonus],
            &defaults,
            &default_grades(),
            1,
            Some(d("5000")),
        );
        assert!(r.not_graded());
        assert_eq!((r.weighted_score, r.total, r.raw_total), (None, None, None));
        assert_eq!((r.grade, r.bonus_amount), (None, None));
    }
}

/// One rep, one quarter (months = 3), worked by hand.
#[test]
fn a_rep_end_to_end() {
    let sales = lin("sales_achievement", 30, "0.8", "1.2");
    let newc = lin("new_customers", 10, "1", "2"); // monthly: quarter p = 3, e = 6
    let first = lin("first_payment_rate", 10, "0.9", "1.0");
    let churn = lin("churn_rate", 20, "0.05", "0.02");
    let sat = lin("satisfaction", 15, "7", "8.5");
    let resp = rating("协作响应速度", 15, 5);
    let mut ledger = gate("ledger_completeness", "0.95");
    ledger.dimension = "流程执行".into();
    let ex = adj(AdjustmentKind::Exclude, None, "产品断供，首付款政策调整");
    let bonus = adj(AdjustmentKind::Bonus, Some("3"), "协助大客户签约");
    let lines = [
        input(&sales, ok("1.05")), // 60 + 40·0.25/0.4 = 85.00
        input(&newc, ok("4")),     // 60 + 40·(4 − 3)/(6 − 3) = 73.333… → 73.33
        LineInput {
            spec: &first,
            value: ok("0.8"), // would be 60·0.8/0.9 = 53.33, but excluded
            exclusion: Some(&ex),
            review: None,
        },
        input(&churn, ok("0.04")), // 60 + 40·0.01/0.03 = 73.333… → 73.33
        input(&sat, ok("8.2")),    // 60 + 40·1.2/1.5 = 92.00
        input(&resp, ok("4.3")),   // 4.3/5·100 = 86.00
        input(&ledger, ok("0.9")), // gate missed: 0.9 < 0.95 → −5
    ];
    let r = assess(
        &lines,
        &[&ex, &bonus],
        &Defaults::default(),
        &default_grades(),
        3,
        Some(d("5000")),
    );
    let scores: Vec<_> = r.lines.iter().map(|l| l.score).collect();
    assert_eq!(
        scores,
        [
            Some(d("85")),
            Some(d("73.33")),
            None,
            Some(d("73.33")),
            Some(d("92")),
            Some(d("86")),
            None
        ]
    );
    assert_eq!(r.lines[1].pass, Some(d("3")));
    assert_eq!(r.lines[1].excellent, Some(d("6")));
    // W = 30 + 10 + 20 + 15 + 15 = 90 (first payment excluded, gate unweighted).
    assert_eq!(r.applicable_weight, d("90"));
    // Points = round2(w·s/90):
    //   30·85/90    = 28.333… → 28.33
    //   10·73.33/90 =  8.147… →  8.15
    //   20·73.33/90 = 16.295… → 16.30
    //   15·92/90    = 15.333… → 15.33
    //   15·86/90    = 14.333… → 14.33
    let points: Vec<_> = r.lines.iter().map(|l| l.points).collect();
    assert_eq!(
        points,
        [
            Some(d("28.33")),
            Some(d("8.15")),
            None,
            Some(d("16.30")),
            Some(d("15.33")),
            Some(d("14.33")),
            None
        ]
    );
    // Weighted score = 28.33 + 8.15 + 16.30 + 15.33 + 14.33 = 82.44.
    assert_eq!(r.weighted_score, Some(d("82.44")));
    // Dimensions (weighted indicators only; the gate's 流程执行 has none):
    //   业绩产出 50, applicable 40 → 40·100/90 = 44.44, subtotal 28.33 + 8.15 = 36.48
    //   客户运营 35 → 38.89, subtotal 16.30 + 15.33 = 31.63
    //   协作配合 15 → 16.67, subtotal 14.33
    let dims: Vec<_> = r
        .dimensions
        .iter()
        .map(|x| (x.name.as_str(), x.weight, x.renormalised_weight, x.subtotal))
        .collect();
    assert_eq!(
        dims,
        [
            ("业绩产出", d("50"), Some(d("44.44")), d("36.48")),
            ("客户运营", d("35"), Some(d("38.89")), d("31.63")),
            ("协作配合", d("15"), Some(d("16.67")), d("14.33")),
        ]
    );
    assert_eq!(r.lines[6].gate, Some(GateOutcome::Missed));
    // Total = 82.44 + 3 (bonus) − 0 (deductions) − 5 (gate) = 80.44 → A (1.2);
    // bonus amount = 5000 × 1.2 = 6000.00.
    assert_eq!(
        (r.bonus, r.deductions, r.gate_penalties),
        (d("3"), d("0"), d("5"))
    );
    assert_eq!(r.total, Some(d("80.44")));
    let g = r.grade.unwrap();
    assert_eq!((g.name.as_str(), g.coefficient), ("A", d("1.2")));
    assert_eq!(r.bonus_amount, Some(d("6000.00")));
}

/// Effective weights (考核表 权重) with N/A rows left out. Weights 30, 20,
/// 20, 20 and 10 (N/A): W = 90; 30·100/90 = 33.333…, 20·100/90 = 22.222…;
/// floors 33.33 + 3 × 22.22 = 99.99, the missing hundredth to the largest
/// remainder (0.00333… of the first line) → 33.34, 22.22, 22.22, 22.22 = 100.
/// Nothing N/A: the scheme's weights as they are. A gate has none.
#[test]
fn effective_weights_add_up_to_100_without_the_na_rows() {
    let specs = [
        lin("sales_achievement", 30, "0.8", "1.2"),
        lin("collection_rate", 20, "0.9", "1.0"),
        lin("repurchase_rate", 20, "0.2", "0.35"),
        lin("customer_coverage", 20, "0.8", "1.0"),
        lin("satisfaction", 10, "7", "8.5"),
        gate("ledger_completeness", "0.95"),
    ];
    let values = [ok("1"), ok("1"), ok("0.3"), ok("0.9"), na(), ok("0.9")];
    let lines: Vec<LineInput> = specs
        .iter()
        .zip(values.clone())
        .map(|(s, v)| input(s, v))
        .collect();
    let r = run(&lines, &[], &Defaults::default());
    assert_eq!(r.applicable_weight, d("90"));
    let eff = effective_weights(&r.lines);
    assert_eq!(
        eff,
        [
            Some(d("33.34")),
            Some(d("22.22")),
            Some(d("22.22")),
            Some(d("22.22")),
            None,
            None
        ]
    );
    assert_eq!(eff.iter().flatten().sum::<Decimal>(), d("100"));

    let all = [ok("1"), ok("1"), ok("0.3"), ok("0.9"), ok("8"), ok("0.9")];
    let lines: Vec<LineInput> = specs.iter().zip(all).map(|(s, v)| input(s, v)).collect();
    let r = run(&lines, &[], &Defaults::default());
    let eff = effective_weights(&r.lines);
    assert_eq!(
        eff,
        [
            Some(d("30")),
            Some(d("20")),
            Some(d("20")),
            Some(d("20")),
            Some(d("10")),
            None
        ]
    );

    // Three equal weights, one N/A of four: 100/3 = 33.333… each; 99.99
    // from the floors, the hundredth to the first (ties go to the earlier).
    let thirds = [
        lin("sales_achievement", 25, "0.8", "1.2"),
        lin("collection_rate", 25, "0.9", "1.0"),
        lin("repurchase_rate", 25, "0.2", "0.35"),
        lin("satisfaction", 25, "7", "8.5"),
    ];
    let v = [ok("1"), ok("1"), na(), ok("8")];
    let lines: Vec<LineInput> = thirds.iter().zip(v).map(|(s, v)| input(s, v)).collect();
    let eff = effective_weights(&run(&lines, &[], &Defaults::default()).lines);
    assert_eq!(
        eff,
        [Some(d("33.34")), Some(d("33.33")), None, Some(d("33.33"))]
    );
}
