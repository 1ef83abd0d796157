//! The ledger kinds and their columns (SPEC 2.1–2.8): one catalogue shared by
//! the reader (header recognition), the templates and the sample generator.
//!
//! Each column has a canonical key, the default Chinese and English headers,
//! a few built-in aliases, whether it is required, and the type of its cells.
//! Company-specific aliases come from the scheme's `[columns]` table
//! (see [`crate::input::aliases::ColumnAliases`]).

use serde::Serialize;

/// One kind of ledger sheet, recognised from its header row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Kind {
    Roster,
    Targets,
    Customers,
    Followups,
    Payments,
    Scores,
    Adjustments,
    Calendar,
}

impl Kind {
    /// Every kind, in the order they are read and reported.
    pub const ALL: [Kind; 8] = [
        Kind::Roster,
        Kind::Targets,
        Kind::Customers,
        Kind::Followups,
        Kind::Payments,
        Kind::Scores,
        Kind::Adjustments,
        Kind::Calendar,
    ];

    /// Kinds without which no assessment can be computed (SPEC 2).
    pub const REQUIRED: [Kind; 4] = [
        Kind::Roster,
        Kind::Customers,
        Kind::Followups,
        Kind::Payments,
    ];

    /// Key used in the scheme's `[columns]` table (`"payments.amount_due"`).
    pub fn key(self) -> &'static str {
        match self {
            Kind::Roster => "roster",
            Kind::Targets => "targets",
            Kind::Customers => "customers",
            Kind::Followups => "followups",
            Kind::Payments => "payments",
            Kind::Scores => "scores",
            Kind::Adjustments => "adjustments",
            Kind::Calendar => "calendar",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            Kind::Roster => "人员表",
            Kind::Targets => "目标表",
            Kind::Customers => "客户台账",
            Kind::Followups => "跟进记录",
            Kind::Payments => "回款台账",
            Kind::Scores => "评分表",
            Kind::Adjustments => "调整表",
            Kind::Calendar => "工作日历",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            Kind::Roster => "Roster",
            Kind::Targets => "Targets",
            Kind::Customers => "Customers",
            Kind::Followups => "Follow-ups",
            Kind::Payments => "Payments",
            Kind::Scores => "Scores",
            Kind::Adjustments => "Adjustments",
            Kind::Calendar => "Calendar",
        }
    }

    pub fn name(self, lang: crate::Lang) -> &'static str {
        match lang {
            crate::Lang::Zh => self.zh(),
            crate::Lang::En => self.en(),
        }
    }

    /// The columns of this kind, in template order.
    pub fn columns(self) -> &'static [ColumnDef] {
        match self {
            Kind::Roster => ROSTER,
            Kind::Targets => TARGETS,
            Kind::Customers => CUSTOMERS,
            Kind::Followups => FOLLOWUPS,
            Kind::Payments => PAYMENTS,
            Kind::Scores => SCORES,
            Kind::Adjustments => ADJUSTMENTS,
            Kind::Calendar => CALENDAR,
        }
    }

    /// The column with this key, if the kind has it.
    pub fn column(self, key: &str) -> Option<&'static ColumnDef> {
        self.columns().iter().find(|c| c.key == key)
    }

    pub fn from_key(key: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.key() == key)
    }
}

/// How the cells of a column are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColType {
    /// Free text (NFKC-normalised, trimmed).
    Text,
    /// An identifier: text, and a numeric cell `1001` reads as `"1001"`.
    Id,
    /// A date; a time of day, if any, is dropped.
    Date,
    /// A date or a date-time.
    DateTime,
    /// Money, exact decimal kept to 2 places.
    Money,
    /// A plain number (counts, area, scores).
    Number,
    /// A whole number ≥ 1.
    Installment,
    /// A period: `2026-10`, `2026-Q4`, `2026` and the Chinese forms.
    Period,
    /// Yes/no.
    Bool,
    /// One of a fixed list of words (see [`crate::input::parse::words`]).
    Word(WordList),
}

/// The closed vocabularies of SPEC 2 (used for validation lists too).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WordList {
    Method,
    Stage,
    Status,
    ContractType,
    PaymentKind,
    Rater,
    AdjustmentKind,
    CalendarKind,
    DealType,
}

impl WordList {
    pub const ALL: [WordList; 9] = [
        WordList::Method,
        WordList::Stage,
        WordList::Status,
        WordList::ContractType,
        WordList::PaymentKind,
        WordList::Rater,
        WordList::AdjustmentKind,
        WordList::CalendarKind,
        WordList::DealType,
    ];
}

/// One column of a ledger kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnDef {
    /// Canonical key (`amount_due`).
    pub key: &'static str,
    /// Default Chinese header.
    pub zh: &'static str,
    /// Default English header.
    pub en: &'static str,
    /// Further built-in headers that mean the same column.
    pub aliases: &'static [&'static str],
    pub required: bool,
    pub ty: ColType,
}

impl ColumnDef {
    pub fn header(&self, lang: crate::Lang) -> &'static str {
        match lang {
            crate::Lang::Zh => self.zh,
            crate::Lang::En => self.en,
        }
    }
}

const fn col(
    key: &'static str,
    zh: &'static str,
    en: &'static str,
    required: bool,
    ty: ColType,
) -> ColumnDef {
    ColumnDef {
        key,
        zh,
        en,
        aliases: &[],
        required,
        ty,
    }
}

const fn col_a(
    key: &'static str,
    zh: &'static str,
    en: &'static str,
    aliases: &'static [&'static str],
    required: bool,
    ty: ColType,
) -> ColumnDef {
    ColumnDef {
        key,
        zh,
        en,
        aliases,
        required,
        ty,
    }
}

const R: bool = true;
const O: bool = false;

/// Headers that name the rep column of follow-ups and payments (as for the
/// customer owner, SPEC 2.3).
const REP_ALIASES: &[&str] = &["负责人", "业务员", "销售", "销售员", "Sales rep", "Owner"];

pub static ROSTER: &[ColumnDef] = &[
    col_a(
        "rep_id",
        "工号",
        "Rep ID",
        &["员工编号", "Employee ID"],
        R,
        ColType::Id,
    ),
    col("name", "姓名", "Name", R, ColType::Text),
    col_a(
        "team",
        "团队",
        "Team",
        &["部门", "Department"],
        O,
        ColType::Text,
    ),
    col_a(
        "role",
        "岗位",
        "Role",
        &["职位", "Position"],
        R,
        ColType::Text,
    ),
    col("hire_date", "入职日期", "Hire date", R, ColType::Date),
    col_a(
        "email",
        "邮箱",
        "Email",
        &["电子邮箱", "E-mail"],
        O,
        ColType::Text,
    ),
    col_a(
        "supervisor",
        "直属领导",
        "Supervisor",
        &["直属上级", "上级"],
        O,
        ColType::Text,
    ),
    col(
        "bonus_base",
        "绩效奖金基数",
        "Bonus base",
        O,
        ColType::Money,
    ),
    col("leave_date", "离职日期", "Leave date", O, ColType::Date),
    // For encrypted mail (kaohe mail --encrypt): the rep's file password,
    // or the ID number a password rule takes its last characters from.
    // Never written to any output.
    col_a(
        "file_password",
        "文件密码",
        "File password",
        &["附件密码", "考核表密码"],
        O,
        ColType::Text,
    ),
    col_a(
        "id_number",
        "身份证号",
        "ID number",
        &["身份证号码", "身份证"],
        O,
        ColType::Text,
    ),
];

pub static TARGETS: &[ColumnDef] = &[
    col("rep_id", "工号", "Rep ID", R, ColType::Id),
    col_a(
        "period",
        "期间",
        "Period",
        &["考核期间", "月份"],
        R,
        ColType::Period,
    ),
    col_a(
        "sales_target",
        "销售额目标",
        "Sales target",
        &["业绩目标"],
        O,
        ColType::Money,
    ),
    col(
        "new_customer_target",
        "新客户目标",
        "New customer target",
        O,
        ColType::Number,
    ),
    col(
        "followup_target",
        "跟进量目标",
        "Follow-up target",
        O,
        ColType::Number,
    ),
    col(
        "area_target",
        "签约面积目标",
        "Signed area target",
        O,
        ColType::Number,
    ),
];

pub static CUSTOMERS: &[ColumnDef] = &[
    col("customer_id", "客户编号", "Customer ID", R, ColType::Id),
    col(
        "customer_name",
        "客户名称",
        "Customer name",
        R,
        ColType::Text,
    ),
    col_a(
        "owner",
        "商务专员",
        "Owner",
        &["负责人", "业务员", "销售", "Rep"],
        R,
        ColType::Text,
    ),
    col_a(
        "lead_time",
        "创建时间",
        "Lead time",
        &["线索日期", "创建日期"],
        R,
        ColType::DateTime,
    ),
    // 客户等级 is the method's word for the same column.
    col_a("tier", "客户层级", "Tier", &["客户等级"], O, ColType::Text),
    col("channel", "渠道", "Channel", O, ColType::Text),
    col("source", "客户来源", "Source", O, ColType::Text),
    col("referrer", "转介绍人", "Referrer", O, ColType::Id),
    col(
        "status",
        "合作状态",
        "Status",
        O,
        ColType::Word(WordList::Status),
    ),
    col("end_date", "终止日期", "End date", O, ColType::Date),
];

pub static FOLLOWUPS: &[ColumnDef] = &[
    col("time", "跟进时间", "Follow-up time", R, ColType::DateTime),
    col_a("rep", "商务专员", "Rep", REP_ALIASES, R, ColType::Text),
    col("customer_id", "客户编号", "Customer ID", R, ColType::Id),
    col(
        "method",
        "跟进方式",
        "Method",
        O,
        ColType::Word(WordList::Method),
    ),
    col(
        "stage",
        "客户阶段",
        "Stage",
        O,
        ColType::Word(WordList::Stage),
    ),
    col("notes", "跟进内容", "Notes", O, ColType::Text),
    col(
        "next_time",
        "下次跟进时间",
        "Next follow-up",
        O,
        ColType::Date,
    ),
];

pub static PAYMENTS: &[ColumnDef] = &[
    col("contract_id", "合同编号", "Contract ID", R, ColType::Id),
    col(
        "installment",
        "期次",
        "Installment",
        O,
        ColType::Installment,
    ),
    col("customer_id", "客户编号", "Customer ID", R, ColType::Id),
    col_a("rep", "商务专员", "Rep", REP_ALIASES, R, ColType::Text),
    col("sign_date", "签约日期", "Sign date", R, ColType::Date),
    col(
        "contract_amount",
        "合同金额",
        "Contract amount",
        R,
        ColType::Money,
    ),
    col(
        "contract_type",
        "合同类型",
        "Contract type",
        O,
        ColType::Word(WordList::ContractType),
    ),
    col(
        "submitted_date",
        "提交审批日期",
        "Submitted",
        O,
        ColType::Date,
    ),
    col(
        "approved_date",
        "审批完成日期",
        "Approved",
        O,
        ColType::Date,
    ),
    col(
        "payment_kind",
        "款项类型",
        "Payment kind",
        O,
        ColType::Word(WordList::PaymentKind),
    ),
    col("amount_due", "应回款金额", "Amount due", R, ColType::Money),
    col("due_date", "应回款日期", "Due date", R, ColType::Date),
    col(
        "amount_paid",
        "实际回款金额",
        "Amount paid",
        O,
        ColType::Money,
    ),
    col("paid_date", "实际回款日期", "Paid date", O, ColType::Date),
    col("gross_profit", "毛利", "Gross profit", O, ColType::Money),
    col("area", "签约面积", "Signed area", O, ColType::Number),
    col("key_project", "重点项目", "Key project", O, ColType::Bool),
    // Second round (SPEC 5): new deal or renewal, and the contract's end
    // date (renewal_rate). Contract-level, like the columns above.
    col_a(
        "deal_type",
        "签约类型",
        "Deal type",
        &["新签/续签"],
        O,
        ColType::Word(WordList::DealType),
    ),
    col_a(
        "contract_end",
        "合同到期日",
        "Contract end",
        &["合同到期日期", "合同截止日期"],
        O,
        ColType::Date,
    ),
];

pub static SCORES: &[ColumnDef] = &[
    col("rep_id", "工号", "Rep ID", R, ColType::Id),
    col_a(
        "period",
        "期间",
        "Period",
        &["考核期间", "月份"],
        R,
        ColType::Period,
    ),
    col("indicator", "指标", "Indicator", R, ColType::Text),
    col(
        "rater",
        "评分来源",
        "Rater",
        O,
        ColType::Word(WordList::Rater),
    ),
    col_a(
        "score",
        "分值",
        "Score",
        &["得分", "分数"],
        R,
        ColType::Number,
    ),
];

pub static ADJUSTMENTS: &[ColumnDef] = &[
    col("rep_id", "工号", "Rep ID", R, ColType::Id),
    col_a(
        "period",
        "期间",
        "Period",
        &["考核期间", "月份"],
        R,
        ColType::Period,
    ),
    col(
        "kind",
        "类型",
        "Kind",
        R,
        ColType::Word(WordList::AdjustmentKind),
    ),
    col("indicator", "指标", "Indicator", O, ColType::Text),
    col("value", "数值", "Value", O, ColType::Number),
    col_a(
        "reason",
        "说明",
        "Reason",
        &["原因", "调整原因"],
        R,
        ColType::Text,
    ),
    col("approver", "审批人", "Approver", O, ColType::Text),
];

pub static CALENDAR: &[ColumnDef] = &[
    col("date", "日期", "Date", R, ColType::Date),
    col(
        "kind",
        "类型",
        "Kind",
        R,
        ColType::Word(WordList::CalendarKind),
    ),
];

/// Convert a zero-based column index to Excel letters (0 → A, 26 → AA).
pub fn col_letter(mut col: u32) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).expect("ASCII letters")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters() {
        for (i, s) in [
            (0, "A"),
            (4, "E"),
            (25, "Z"),
            (26, "AA"),
            (51, "AZ"),
            (52, "BA"),
            (701, "ZZ"),
            (702, "AAA"),
            (16383, "XFD"),
        ] {
            assert_eq!(col_letter(i), s, "index {i}");
        }
    }

    #[test]
    fn keys_are_unique_per_kind_and_headers_distinct() {
        for kind in Kind::ALL {
            let cols = kind.columns();
            for (i, a) in cols.iter().enumerate() {
                for b in &cols[i + 1..] {
                    assert_ne!(a.key, b.key, "{kind:?}");
                    assert_ne!(a.zh, b.zh, "{kind:?}");
                }
            }
        }
    }
}
