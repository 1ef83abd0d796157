use super::super::*;
use super::TARGET_COLUMNS;

/// A one-profile scheme around the given indicator entries.
fn one(indicators: &str) -> String {
    format!("name = \"t\"\n[[profiles]]\nname = \"P\"\nroles = [\"销售\"]\n{indicators}")
}

fn err(text: &str) -> String {
    Scheme::parse(text, "方案.toml").unwrap_err().to_string()
}

const SALES100: &str =
    "[[profiles.indicators]]\ncode = \"sales_achievement\"\nweight = 100\npass = 0.8\nexcellent = 1.2\n";

#[test]
fn minimal_scheme_gets_the_spec_defaults() {
    let s = Scheme::parse(&one(SALES100), "方案.toml").unwrap();
    assert_eq!(s.defaults, Defaults::default());
    assert_eq!(s.grades, default_grades());
    assert_eq!(s.versions.len(), 1);
    assert_eq!(s.versions[0].effective_from, NaiveDate::MIN);
    let spec = &s.versions[0].profiles[0].indicators[0];
    assert_eq!(spec.target.as_deref(), Some("sales_target"));
    assert_eq!(spec.weight, Decimal::from(100));
    assert_eq!(spec.pass, Some(Decimal::new(8, 1)));
    assert_eq!(spec.method, Method::Linear);
    assert_eq!(s.file, "方案.toml");
}

#[test]
fn every_option_is_read() {
    let text = r#"
name = "全选项"
version = 2026.1
effective_from = 2026-01-01
[defaults]
grace_days = 15
old_customer_months = 12
silence_months = 9
intent_stages = ["意向", "quote", "商务谈判"]
referral_sources = ["转介绍", " Referral "]
approval_days = { regular = 2 }
completeness_columns = { customers = ["tier", "source"], payments = [] }
na = "score"
na_score = 50
max_bonus = 8
sales_basis = "collected"
probation_months = 6
senior_months = 24
min_employed_share = 0.6
[[grades]]
name = "优"
min = 85
coefficient = 1.3
[[grades]]
name = "差"
min = 0
coefficient = 0.5
[columns]
customer_id = "客户代码"
[[profiles]]
name = "P"
roles = ["销售", "  销售  助理 "]
  [[profiles.indicators]]
  code = "sales"
  weight = 20
  pass = 100000
  excellent = 150000
  basis = "signed"
  scale_with_period = false
  [[profiles.indicators]]
  code = "followups"
  dimension = "过程"
  weight = 20
  method = "ratio"
  cap = 1.5
  pass = 30
  methods = ["拜访", "电话"]
  [[profiles.indicators]]
  code = "new_customers"
  weight = 20
  require_first_payment = true
  target = "new_customer_target"
  method = "steps"
  steps = [[0.5, 40], [0.8, 60], [1.0, 80], [1.2, 100]]
  tiers = ["高端", " ＡＢ "]
  channels = ["线上"]
  [[profiles.indicators]]
  code = "rating:协作响应速度"
  weight = 20
  scale = 5
  raters = { "同级" = 0.4, "上级" = 0.6 }
  [[profiles.indicators]]
  code = "rating:知识考试"
  weight = 20
  method = "direct"
  scale = 100
  [[profiles.indicators]]
  code = "ledger_completeness"
  gate = true
  pass = 0.9
  penalty = 3
  [profiles.probation]
  indicators = [ { code = "sales_achievement", weight = 100, pass = 0.6, excellent = 1 } ]
  [profiles.senior]
  indicators = [ { code = "sales_achievement", weight = 100, pass = 0.9, excellent = 1.3 } ]
[[versions]]
effective_from = "2026-07-01"
  [[versions.profiles]]
  name = "P2"
  roles = ["销售"]
  indicators = [ { code = "churn_rate", weight = 100, pass = 0.05, excellent = 0.02 } ]
"#;
    let s = Scheme::parse(text, "f.toml").unwrap();
    assert_eq!(s.label, "2026.1");
    let d = &s.defaults;
    assert_eq!(d.grace_days, 15);
    assert_eq!((d.old_customer_months, d.silence_months), (12, 9));
    assert_eq!(d.intent_stages, ["intent", "quote", "negotiation"]);
    assert_eq!(d.referral_sources, ["转介绍", "referral"]);
    assert_eq!((d.approval_days_regular, d.approval_days_special), (2, 5));
    assert_eq!(d.completeness[&Kind::Customers], ["tier", "source"]);
    assert!(d.completeness[&Kind::Payments].is_empty());
    assert_eq!(
        d.completeness[&Kind::Followups],
        Defaults::default().completeness[&Kind::Followups]
    );
    assert_eq!((d.na, d.na_score), (NaPolicy::Score, Decimal::from(50)));
    assert_eq!(d.max_bonus, Decimal::from(8));
    assert_eq!(d.sales_basis, SalesBasis::Collected);
    assert_eq!((d.probation_months, d.senior_months), (6, 24));
    assert_eq!(d.min_employed_share, Decimal::new(6, 1));
    assert_eq!(s.grades[0].name, "优");
    assert_eq!(s.lowest_grade().name, "差");
    assert_eq!(
        s.columns.for_column(Kind::Customers, "customer_id").count(),
        1
    );

    assert_eq!(s.versions.len(), 2);
    assert_eq!(
        s.versions[0].effective_from,
        NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()
    );
    let p = &s.versions[0].profiles[0];
    assert_eq!(p.roles, ["销售", "销售 助理"]);
    let i = &p.indicators;
    assert_eq!(i[0].basis, Some(SalesBasis::Signed));
    assert!(!i[0].scale_with_period && !i[0].lines_scale());
    assert_eq!(i[1].dimension, "过程");
    assert_eq!(
        i[1].method,
        Method::Ratio {
            cap: Decimal::new(15, 1)
        }
    );
    assert_eq!(i[1].methods, ["visit", "call"]);
    assert!(i[2].require_first_payment);
    assert_eq!(i[2].target.as_deref(), Some("new_customer_target"));
    assert!(matches!(&i[2].method, Method::Steps(s) if s.len() == 4));
    // Filters folded (full-width letters) and lower-cased.
    assert_eq!(i[2].tiers, ["高端", "ab"]);
    assert_eq!(i[2].channels, ["线上"]);
    assert_eq!(i[3].name, "协作响应速度");
    assert_eq!(
        i[3].raters,
        [
            ("supervisor", Decimal::new(6, 1)),
            ("peer", Decimal::new(4, 1))
        ]
    );
    assert_eq!(i[3].scale, Some(Decimal::from(5)));
    assert_eq!(i[4].method, Method::Direct);
    assert!(i[5].gate && i[5].weight.is_zero());
    assert_eq!(i[5].penalty, Decimal::from(3));
    assert_eq!(
        p.probation.as_ref().unwrap()[0].pass,
        Some(Decimal::new(6, 1))
    );
    assert_eq!(p.senior.as_ref().unwrap()[0].pass, Some(Decimal::new(9, 1)));
    let jul = NaiveDate::from_ymd_opt(2026, 7, 1).unwrap();
    assert_eq!(s.version_for(jul).profiles[0].name, "P2");
    assert_eq!(
        s.version_for(jul - chrono::Days::new(1)).profiles[0].name,
        "P"
    );
}

#[test]
fn unknown_keys_and_bad_toml_are_errors() {
    for (text, needle) in [
        (one(&SALES100.replace("weight", "wieght")), "wieght"),
        (
            format!("{}\n[defaults]\ngrace = 3\n", one(SALES100)),
            "grace",
        ),
        (one(SALES100).replace("roles", "role"), "role"),
        ("name = \"t\"\n[[profiles]\n".to_string(), "TOML"),
        (one(&SALES100.replace("0.8", "\"abc\"")), "abc"),
        (
            format!("{}\n[columns]\nfoo = \"x\"\n", one(SALES100)),
            "foo",
        ),
    ] {
        let e = err(&text);
        assert!(e.contains(needle), "{needle}: {e}");
        assert!(e.starts_with("方案.toml: "), "{e}");
    }
}

/// Each mistake, with a text it must mention; errors name the file, the
/// profile and the indicator.
#[test]
fn validation_names_profile_and_indicator() {
    let ind = |body: &str| one(&format!("[[profiles.indicators]]\n{body}\n"));
    let with_sales = |body: &str| {
        one(&format!(
            "[[profiles.indicators]]\ncode = \"sales_achievement\"\nweight = 50\npass = 0.8\nexcellent = 1.2\n[[profiles.indicators]]\n{body}\n"
        ))
    };
    let cases: Vec<(String, &str)> = vec![
        (ind("code = \"nope\"\nweight = 100"), "indicator nope"),
        (ind("code = \"rating:\"\nweight = 100\nscale = 5"), "unknown indicator code"),
        (with_sales("code = \"churn_rate\"\nweight = 40\npass = 0.05\nexcellent = 0.02"), "sum to 90"),
        (with_sales("code = \"churn_rate\"\nweight = 50\npass = 0.02\nexcellent = 0.05"), "excellent must be below pass"),
        (ind("code = \"collection_rate\"\nweight = 100\npass = 1\nexcellent = 0.9"), "excellent must be above pass"),
        (ind("code = \"sales_achievement\"\nweight = 100\npass = 1.2\nexcellent = 0.8"), "excellent must be above pass"),
        (ind("code = \"collection_rate\"\nweight = 100\npass = 0.9"), "linear scoring needs"),
        (ind("code = \"collection_rate\"\nweight = 100\nmethod = \"ratio\""), "ratio scoring needs a pass"),
        (ind("code = \"churn_rate\"\nweight = 100\nmethod = \"ratio\"\npass = 0.05"), "higher-is-better"),
        (with_sales("code = \"ledger_completeness\"\ngate = true\nweight = 50"), "gate"),
        (with_sales("code = \"ledger_completeness\"\ngate = true\nweight = 0\npass = 0.9"), "has no weight"),
        (one(&format!("{SALES100}[[profiles.indicators]]\ncode = \"ledger_completeness\"\ngate = true\n")), "the gate has no pass line"),
        (ind("code = \"new_customers\"\nweight = 100\nmethod = \"steps\"\nsteps = [[2, 60], [1, 80]]"), "strictly increasing"),
        (ind("code = \"new_customers\"\nweight = 100\nmethod = \"steps\"\nsteps = [[1, 60], [1, 80]]"), "strictly increasing"),
        (ind("code = \"new_customers\"\nweight = 100\nmethod = \"steps\""), "steps scoring needs"),
        (ind("code = \"new_customers\"\nweight = 100\nmethod = \"stairs\""), "unknown method stairs"),
        (ind("code = \"sales\"\nweight = 100\ntarget = \"revenue_target\"\npass = 0.8\nexcellent = 1"), "unknown target column revenue_target"),
        (ind("code = \"collection_rate\"\nweight = 100\ntarget = \"sales_target\"\npass = 0.8\nexcellent = 1"), "option target does not apply"),
        (ind("code = \"rating:x\"\nweight = 100\nscale = 5\nraters = { \"老板\" = 1 }"), "unknown rater 老板"),
        (format!("{}[defaults]\nintent_stages = [\"犹豫\"]\n", one(SALES100)), "unknown stage 犹豫"),
        (ind("code = \"followups\"\nweight = 100\npass = 1\nexcellent = 2\nmethods = [\"飞鸽\"]"), "unknown follow-up method 飞鸽"),
        (ind("code = \"collection_rate\"\nweight = 100\npass = 0.8\nexcellent = 1\nmethods = [\"拜访\"]"), "option methods does not apply"),
        (ind("code = \"collection_rate\"\nweight = 100\npass = 0.8\nexcellent = 1\nbasis = \"signed\""), "the basis of collection_rate must be"),
        (ind("code = \"gross_margin\"\nweight = 100\npass = 0.8\nexcellent = 1\nbasis = \"outstanding\""), "option basis does not apply"),
        (ind("code = \"intent_followup_coverage\"\nweight = 100\npass = 0.8\nexcellent = 1\ntimes_per_week = 0"), "times_per_week must be at least 1"),
        (ind("code = \"intent_followups_per_week\"\nweight = 100\npass = 1\nexcellent = 2\ntimes_per_week = 2"), "option times_per_week does not apply"),
        (ind("code = \"churn_rate\"\nweight = 100\npass = 0.05\nexcellent = 0.02\nrenewal_window_days = 60"), "option renewal_window_days does not apply"),
        (ind("code = \"renewal_rate\"\nweight = 100\npass = 0.5\nexcellent = 0.8\nrenewal_window_days = 4000000000"), "at most 3660 days"),
        (ind("code = \"referrals\"\nweight = 100\npass = 1\nexcellent = 2\ntiers = [\"高端\"]"), "option tiers does not apply"),
        (ind("code = \"new_customers\"\nweight = 100\npass = 1\nexcellent = 2\nchannels = [\" \"]"), "channels is empty"),
        (ind("code = \"satisfaction\"\nweight = 100\npass = 7\nexcellent = 9\nscope = \"team\""), "option scope does not apply"),
        (ind("code = \"sales_cycle_days\"\nweight = 100\npass = 60\nexcellent = 30\nscope = \"team\""), "option scope does not apply"),
        (ind("code = \"rating:x\"\nweight = 100\nscale = 5\nscope = \"team\""), "option scope does not apply"),
        (ind("code = \"sales\"\nweight = 100\npass = 1\nexcellent = 2\nscope = \"group\""), "scope must be \"personal\" or \"team\""),
        (ind("code = \"collection_rate\"\nweight = 100\npass = 0.8\nexcellent = 1\nscale = 5"), "option scale does not apply"),
        (ind("code = \"collection_rate\"\nweight = 100\npass = 0.8\nexcellent = 1\nraters = { \"上级\" = 1 }"), "option raters does not apply"),
        (ind("code = \"sales\"\nweight = 100\npass = 1\nexcellent = 2\nrequire_first_payment = true"), "option require_first_payment does not apply"),
        (ind("code = \"collection_rate\"\nweight = 100\npass = 0.8\nexcellent = 1\nscale_with_period = false"), "option scale_with_period does not apply"),
        (ind("code = \"collection_rate\"\nweight = 100\npass = 0.8\nexcellent = 1\ncap = 2"), "option cap does not apply"),
        (ind("code = \"collection_rate\"\nweight = 100\npass = 0.8\nexcellent = 1\npenalty = 2"), "option penalty does not apply"),
        (ind("code = \"rating:x\"\nweight = 100"), "needs scale"),
        (ind("code = \"rating:x\"\nweight = 100\nscale = 7"), "scale must be 5, 10 or 100"),
        (ind("code = \"collection_rate\"\npass = 0.8\nexcellent = 1"), "weight is missing"),
        (ind("code = \"sales\"\nweight = 100\npass = 1e20\nexcellent = 2e20"), "too large"),
        (ind("code = \"collection_rate\"\nweight = -5\npass = 0.8\nexcellent = 1"), "weight -5"),
        (format!("{}[[profiles]]\nname = \"Q\"\nroles = [\"销售\"]\n{SALES100}", one(SALES100)), "role \"销售\" is also covered by profile \"P\""),
        (format!("{}[[profiles]]\nname = \"Q\"\nroles = []\n{SALES100}", one(SALES100)), "roles is empty"),
        (format!("{}{SALES100}", one(SALES100)), "listed twice"),
        (format!("{}[profiles.probation]\nindicators = [ {{ code = \"sales\", weight = 90, pass = 1, excellent = 2 }} ]\n", one(SALES100)), "probation variant: the weights"),
        ("name = \"t\"\n".to_string(), "no profiles"),
        (format!("{}[[grades]]\nname = \"S\"\nmin = 90\ncoefficient = 1\n[[grades]]\nname = \"S\"\nmin = 80\ncoefficient = 1\n", one(SALES100)), "used twice"),
        (format!("{}[defaults]\nna = \"zero\"\n", one(SALES100)), "na must be"),
        (format!("{}[defaults]\ncompleteness_columns = {{ customers = [\"colour\"] }}\n", one(SALES100)), "has no column colour"),
        (format!("{}[[versions]]\neffective_from = \"2026-13-01\"\n[[versions.profiles]]\nname = \"X\"\nroles = [\"a\"]\n{}", one(SALES100), SALES100.replace("profiles.indicators", "versions.profiles.indicators")), "2026-01-01"),
    ];
    for (text, needle) in cases {
        let e = err(&text);
        assert!(e.contains(needle), "expected {needle:?} in:\n{e}");
        assert!(e.starts_with("方案.toml: "), "{e}");
    }
    // The indicator and profile are both named, in both languages.
    let e = err(&ind(
        "code = \"churn_rate\"\nweight = 100\npass = 0.02\nexcellent = 0.05",
    ));
    // `one` puts the indicator's code on line 6.
    assert!(e.contains("档案「P」，指标 churn_rate（第 6 行）："), "{e}");
    assert!(
        e.contains("profile \"P\", indicator churn_rate (line 6): "),
        "{e}"
    );
}

#[test]
fn every_mistake_is_reported_at_once() {
    let text = one(
        "[[profiles.indicators]]\ncode = \"nope\"\nweight = 50\n[[profiles.indicators]]\ncode = \"churn_rate\"\nweight = 50\npass = 0.01\nexcellent = 0.05\n",
    );
    let e = err(&text);
    assert!(e.contains("nope") && e.contains("churn_rate"), "{e}");
    assert!(e.lines().count() >= 2);
}

#[test]
fn bad_input_never_panics() {
    for text in [
        "",
        "name = 3",
        "name = \"x\"\nprofiles = 3",
        "name = \"x\"\n[[profiles]]\nname = \"\"\nindicators = [ { code = \"rating:x\", weight = 1e30 } ]",
        "name = \"x\"\n[[profiles]]\nname = \"a\"\nroles = [\"a\"]\nindicators = [ { code = \"sales\", weight = 100, pass = nan, excellent = inf } ]",
        "name = \"x\"\n[[grades]]\nname = \"S\"\nmin = -1\ncoefficient = -1\n",
        "name = \"x\"\neffective_from = 2026-01-01T10:00:00\n",
        "name = \"x\"\n[[versions]]\neffective_from = \"x\"\n",
    ] {
        assert!(Scheme::parse(text, "f").is_err(), "{text}");
    }
}

#[test]
fn roles_map_to_one_profile() {
    let text = format!(
        "{}[[profiles]]\nname = \"Q\"\nroles = [\"招商\"]\n{SALES100}",
        one(SALES100)
    );
    let s = Scheme::parse(&text, "f.toml").unwrap();
    let v = &s.versions[0];
    assert_eq!(s.profile_for_role(v, "销售").unwrap().name, "P");
    assert_eq!(s.profile_for_role(v, " 招商 ").unwrap().name, "Q");
    let e = s.profile_for_role(v, "客服").unwrap_err();
    assert!(e.to_string().starts_with("f.toml: "));
    assert!(e.message.contains("客服"));
    let problems = s.check_roles(&["销售", "客服", "招商", "客服", "司机"]);
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems[0].contains("客服") && problems[1].contains("司机"));
    // Bilingual: the Chinese part has no " / ".
    assert_eq!(problems[0].matches(" / ").count(), 1, "{}", problems[0]);
}

#[test]
fn target_columns_are_the_targets_ledger() {
    for c in TARGET_COLUMNS {
        assert!(Kind::Targets.column(c).is_some(), "{c}");
    }
}

#[test]
fn the_mail_table() {
    let s = Scheme::parse(&one(SALES100), "方案.toml").unwrap();
    assert_eq!(s.mail, mail::MailSettings::default());
    let text = format!(
        "{}\n[mail]\nfrom = \"人力资源部 <hr@example.com>\"\nsubject = \"{{period}} 考核表 - {{name}}\"\nbody = \"\"\"\n{{name}}，您好：总分 {{total}}\n\"\"\"\n",
        one(SALES100)
    );
    let s = Scheme::parse(&text, "方案.toml").unwrap();
    assert_eq!(s.mail.from.as_deref(), Some("人力资源部 <hr@example.com>"));
    let t = s.mail.template.unwrap();
    let v = mail::Values {
        name: "张三",
        rep_id: "S001",
        period: "2026-03",
        total: Some("80"),
        grade: None,
    };
    assert_eq!(t.subject.render(&v), "2026-03 考核表 - 张三");
    assert_eq!(t.body.render(&v), "张三，您好：总分 80\n");
    // (table, text the error names); a misspelt key is a TOML error.
    let cases = [
        ("from = \"hr\"", "[mail]，from"),
        ("subject = \"{nmae}\"\nbody = \"x\"", "{nmae}"),
        ("subject = \"a\"", "subject 和 body"),
        ("body = \"a\"", "subject 和 body"),
        ("subject = \"a\\nb\"\nbody = \"x\"", "one line"),
        ("form = \"hr@example.com\"", "form"),
    ];
    for (table, want) in cases {
        let e = err(&format!("{}\n[mail]\n{table}\n", one(SALES100)));
        assert!(e.contains(want), "{table}: {e}");
    }
}

/// Three misspelt keys in three tables and three unknown indicator codes:
/// six lines, each with its line number and the nearest right word.
#[test]
fn three_typos_and_three_unknown_codes_all_show() {
    let text = r#"name = "t"
[defaults]
grace = 3
[[profiles]]
name = "P"
roles = ["销售"]
  [[profiles.indicators]]
  code = "sales_acheivement"
  wieght = 40
  pass = 0.8
  excellent = 1.2
  [[profiles.indicators]]
  code = "客户流失率"
  weight = 30
  pass = 0.05
  excelent = 0.02
  [[profiles.indicators]]
  code = "folowups"
  weight = 30
  pass = 1
  excellent = 2
[profiles.probation]
indicators = [ { code = "sales_achievement", weight = 100, pass = 0.6, excellent = 1, gatee = false } ]
"#;
    let e = err(text);
    let lines: Vec<&str> = e.lines().collect();
    assert_eq!(lines.len(), 7, "{e}");
    for (line, needle) in [
        (0, "第 3 行第 1 列：[defaults] 中有未知的键 grace（是否应为 grace_days？）"),
        (0, "line 3, column 1: unknown field `grace` in [defaults] (did you mean `grace_days`?)"),
        (1, "line 9, column 3: unknown field `wieght` in [[profiles.indicators]] (did you mean `weight`?)"),
        (2, "line 16, column 3: unknown field `excelent`"),
        (3, "[[profiles.probation.indicators]] 中有未知的键 gatee（是否应为 gate？）"),
        (4, "指标 sales_acheivement（第 8 行）：未知的指标代码"),
        (4, "did you mean sales_achievement (Sales achievement)?"),
        (5, "指标 客户流失率（第 13 行）"),
        (5, "是否应为 churn_rate（客户流失率）？"),
        (6, "indicator folowups (line 18): unknown indicator code"),
        (6, "did you mean followups (Follow-ups)?"),
    ] {
        assert!(lines[line].contains(needle), "{needle:?} in line {line}:\n{e}");
    }
    // The keys allowed in the table are listed.
    assert!(lines[1].contains("expected one of `code`, `target`"), "{e}");
    // A rating written without its prefix; a code far from every other.
    let e = err(&one(
        "indicators = [ { code = \"协作响应速度\", weight = 50, scale = 5 }, { code = \"zzz\", weight = 50, pass = 1, excellent = 2 } ]\n",
    ));
    assert!(
        e.contains("write a manual rating as rating:协作响应速度"),
        "{e}"
    );
    assert!(
        e.lines()
            .nth(1)
            .is_some_and(|l| !l.contains("did you mean")),
        "{e}"
    );
}

/// TOML syntax mistakes: every one the parser can recover from.
#[test]
fn syntax_mistakes_name_line_and_column() {
    let e = err("name = \"t\"\n[[profiles]\nname = \"B2B\"\n");
    // The header's missing `]` is after its 11 characters; `name` then
    // lands at the top level, where it repeats: no mistake of its own.
    assert!(e.contains("第 2 行第 12 列"), "{e}");
    assert!(e.contains("line 2, column 12: invalid TOML"), "{e}");
    assert_eq!(e.lines().count(), 1, "{e}");
    // Three bad values: three lines.
    let e = err("name = \"t\"\n[defaults]\ngrace_days = 4 0\nmax_bonus = .8\nna_score = 1.2.3\n");
    let lines: Vec<&str> = e.lines().collect();
    assert_eq!(lines.len(), 3, "{e}");
    for (i, at) in [
        "line 3, column 14",
        "line 4, column 13",
        "line 5, column 15",
    ]
    .iter()
    .enumerate()
    {
        assert!(lines[i].contains(at), "{at}: {e}");
    }
}

/// A wrong `[columns]` key names the valid ones with the scheme's other
/// mistakes.
#[test]
fn column_alias_mistakes_come_with_the_others() {
    let text = format!(
        "{}[columns]\n\"payments.contract_amout\" = \"合同总额\"\n[defaults]\nna = \"zero\"\n",
        one(SALES100)
    );
    let e = err(&text);
    assert_eq!(e.lines().count(), 2, "{e}");
    assert!(
        e.contains("did you mean \"payments.contract_amount\"?"),
        "{e}"
    );
    assert!(e.contains("payments: contract_id, installment"), "{e}");
    assert!(e.contains("na must be"), "{e}");
}

/// A scheme saved in GBK (Chinese Windows Notepad's default) reads as the
/// same scheme; bytes in no known encoding ask for UTF-8. (Files: the
/// integration test `newcomer_content::a_gbk_scheme_file_loads`.)
#[test]
fn gbk_scheme_text_decodes() {
    use super::super::columns::decode_scheme;
    let text = format!(
        "name = \"销售考核\"\n{}",
        one(SALES100).replace("name = \"t\"\n", "")
    );
    let a = Scheme::parse(&text, "f").unwrap();
    let (gbk, _, bad) = encoding_rs::GBK.encode(&text);
    assert!(!bad && std::str::from_utf8(&gbk).is_err());
    let b = Scheme::parse(&decode_scheme(&gbk).unwrap(), "f").unwrap();
    assert_eq!(b.name, "销售考核");
    assert_eq!(b.versions, a.versions);
    assert_eq!(b.versions[0].profiles[0].roles, ["销售"]);
    // With a BOM, UTF-8 and UTF-16 decode too.
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend_from_slice(text.as_bytes());
    assert_eq!(decode_scheme(&bom).unwrap(), text);
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    assert_eq!(decode_scheme(&utf16).unwrap(), text);
    // Not UTF-8, and 0xFF is no GBK/GB18030 lead byte.
    let e = decode_scheme(b"name = \"\xff\xfe\xfd\"\n").unwrap_err();
    assert!(e.contains("请把方案另存为 UTF-8"), "{e}");
    assert!(e.contains("save the scheme as UTF-8"), "{e}");
}

#[test]
fn second_round_options_are_read_with_their_defaults() {
    let text = one(
        "[[profiles.indicators]]\ncode = \"collection_rate\"\nweight = 50\npass = 0.8\nexcellent = 1\nbasis = \"outstanding\"\nscope = \"team\"\n\
         [[profiles.indicators]]\ncode = \"intent_followup_coverage\"\nweight = 10\npass = 0.8\nexcellent = 1\ntimes_per_week = 3\n\
         [[profiles.indicators]]\ncode = \"renewal_rate\"\nweight = 10\npass = 0.6\nexcellent = 0.8\nrenewal_window_days = 60\n\
         [[profiles.indicators]]\ncode = \"approval_avg_days\"\nweight = 10\npass = 3\nexcellent = 2\n\
         [[profiles.indicators]]\ncode = \"renewal_sales\"\nweight = 20\npass = 10000\nexcellent = 20000\n",
    );
    let s = Scheme::parse(&text, "f.toml").unwrap_or_else(|e| panic!("{e}"));
    let i = &s.versions[0].profiles[0].indicators;
    assert_eq!(i[0].collection_basis, CollectionBasis::Outstanding);
    assert_eq!(i[1].times_per_week, 3);
    assert_eq!(i[2].renewal_window_days, 60);
    // scope = "team" on counts, money and rates; personal by default.
    assert!(i[0].team);
    assert!(!i[1].team);
    // approval_avg_days is lower-is-better: excellent below pass.
    assert_eq!(i[3].direction(), catalogue::Direction::Down);
    // renewal_sales is a money total: its lines are monthly.
    assert!(i[4].lines_scale());
    // Without the options: the SPEC's defaults.
    let plain = |code| IndicatorSpec::new(code).unwrap();
    assert_eq!(
        plain("collection_rate").collection_basis,
        CollectionBasis::DueInPeriod
    );
    assert_eq!(plain("intent_followup_coverage").times_per_week, 2);
    assert_eq!(plain("renewal_rate").renewal_window_days, 90);
    let e = err(&one(
        "[[profiles.indicators]]\ncode = \"approval_avg_days\"\nweight = 100\npass = 2\nexcellent = 3\n",
    ));
    assert!(e.contains("excellent must be below pass"), "{e}");
}

/// Period layers (SPEC 5): a profile's month / quarter / year sections and
/// a variant's own, the most specific winning: variant × kind, then the
/// variant's list, then the kind, then the profile's list.
#[test]
fn period_layers_are_read_and_the_most_specific_wins() {
    let list = |code: &str| {
        format!(
            "indicators = [ {{ code = \"{code}\", weight = 100, pass = 0.8, excellent = 1 }} ]\n"
        )
    };
    let text = format!(
        "name = \"t\"\n[[profiles]]\nname = \"P\"\nroles = [\"销售\"]\n{}\
         [profiles.year]\n{}[profiles.quarter]\n{}\
         [profiles.probation]\n{}\
         [profiles.senior.year]\n{}",
        list("collection_rate"),
        list("first_payment_rate"),
        list("final_payment_rate"),
        list("customer_coverage"),
        list("repurchase_rate"),
    );
    let s = Scheme::parse(&text, "f.toml").unwrap_or_else(|e| panic!("{e}"));
    let p = &s.versions[0].profiles[0];
    // The senior variant has only a year layer: no list of its own.
    assert!(p.senior.is_none());
    assert_eq!(p.layers.len(), 3);
    let pick = |v: Variant, k: PeriodKind| {
        let sec = p.section(v, k);
        (sec.indicators[0].code.clone(), sec.variant, sec.kind)
    };
    use PeriodKind::*;
    use Variant::*;
    let cases = [
        // The profile: its layer of the kind, else its own list.
        ((Regular, Month), ("collection_rate", Regular, None)),
        (
            (Regular, Quarter),
            ("final_payment_rate", Regular, Some(Quarter)),
        ),
        ((Regular, Year), ("first_payment_rate", Regular, Some(Year))),
        // Probation has a list of its own and no layers: it wins over the
        // profile's layers.
        ((Probation, Month), ("customer_coverage", Probation, None)),
        ((Probation, Year), ("customer_coverage", Probation, None)),
        // Senior: its year layer; otherwise the profile's layer or list.
        ((Senior, Year), ("repurchase_rate", Senior, Some(Year))),
        (
            (Senior, Quarter),
            ("final_payment_rate", Regular, Some(Quarter)),
        ),
        ((Senior, Month), ("collection_rate", Regular, None)),
    ];
    for ((v, k), (code, used, kind)) in cases {
        assert_eq!(pick(v, k), (code.to_string(), used, kind), "{v:?} {k:?}");
    }
    assert_eq!(p.sections().len(), 5);

    // Each section is checked on its own, and named in the message.
    let bad = text.replace(
        "[profiles.year]\nindicators = [ { code = \"first_payment_rate\", weight = 100",
        "[profiles.year]\nindicators = [ { code = \"first_payment_rate\", weight = 90",
    );
    let e = err(&bad);
    assert!(e.contains("年度方案 [year]"), "{e}");
    assert!(e.contains("yearly section [year]: the weights"), "{e}");
    let bad = text.replace(
        "[profiles.senior.year]\n",
        "[profiles.senior.year]\ncolour = 1\n",
    );
    let e = err(&bad);
    assert!(e.contains("unknown field `colour`"), "{e}");
    let bad = text.replace("code = \"repurchase_rate\"", "code = \"repurchase\"");
    let e = err(&bad);
    assert!(e.contains("资深方案，年度方案 [year]"), "{e}");
}

#[test]
fn the_form_table_and_its_defaults() {
    // Without [form]: the defaults, in the output's language.
    let s = Scheme::parse(&one(SALES100), "方案.toml").unwrap();
    assert_eq!(
        s.form.signoffs(crate::Lang::Zh),
        ["被考核人", "直属领导", "部门负责人", "人力资源部"]
    );
    assert_eq!(
        s.form.signoffs(crate::Lang::En),
        ["Rep", "Supervisor", "Department head", "Human resources"]
    );
    assert_eq!(
        s.form.appeal(crate::Lang::Zh),
        "如对考核结果有异议，请于 7 个工作日内向人力资源部提出申诉。"
    );
    assert_eq!(
        s.form.summary_signoffs(crate::Lang::Zh),
        ["制表", "审核", "审批"]
    );
    assert!(s.form.ranking_bonus);

    // The scheme's own: used as written (trimmed) in either language; an
    // empty appeal prints none.
    let text = format!(
        "{}\n[form]\nsignoffs = [\" 被考核人 \", \"销售经理\", \"总经理\"]\nappeal = \"\"\nsummary_signoffs = [\"制表人\", \"财务复核\"]\nranking_bonus = false\n",
        "name = \"t\""
    );
    let text = text + &one(SALES100).replace("name = \"t\"\n", "");
    let s = Scheme::parse(&text, "方案.toml").unwrap();
    assert_eq!(
        s.form.signoffs(crate::Lang::En),
        ["被考核人", "销售经理", "总经理"]
    );
    assert_eq!(s.form.appeal(crate::Lang::Zh), "");
    assert_eq!(
        s.form.summary_signoffs(crate::Lang::Zh),
        ["制表人", "财务复核"]
    );
    assert!(!s.form.ranking_bonus);

    // A blank name and an unknown key are mistakes.
    let bad = one(SALES100) + "[form]\nsignoffs = [\"被考核人\", \" \"]\n";
    assert!(
        err(&bad).contains("[form]，signoffs：签字栏名称不能为空"),
        "{}",
        err(&bad)
    );
    let typo = one(SALES100) + "[form]\nsignoff = [\"被考核人\"]\n";
    assert!(err(&typo).contains("signoff"), "{}", err(&typo));
}
