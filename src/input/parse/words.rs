//! The closed vocabularies of SPEC 2: follow-up methods, stages, customer
//! status, contract types, payment kinds, raters, adjustment kinds and
//! calendar day kinds. Each canonical word has a Chinese form (what the
//! templates offer in their validation lists), an English form, and synonyms
//! companies commonly write.

use crate::input::columns::WordList;

/// One canonical word of a vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Word {
    /// Stable code (`visit`, `final`, `veto`).
    pub code: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
    /// Further spellings that mean the same (matched after normalisation).
    pub synonyms: &'static [&'static str],
}

const fn w(
    code: &'static str,
    zh: &'static str,
    en: &'static str,
    synonyms: &'static [&'static str],
) -> Word {
    Word {
        code,
        zh,
        en,
        synonyms,
    }
}

pub static METHODS: &[Word] = &[
    w(
        "visit",
        "拜访",
        "Visit",
        &["上门", "上门拜访", "面谈", "走访"],
    ),
    w("call", "电话", "Call", &["电话沟通", "phone", "tel"]),
    w(
        "wechat",
        "微信",
        "WeChat",
        &["微信沟通", "企业微信", "企微"],
    ),
    w("email", "邮件", "Email", &["e-mail", "电子邮件"]),
    w("demo", "演示", "Demo", &["产品演示", "路演"]),
    w("other", "其他", "Other", &["其它"]),
];

pub static STAGES: &[Word] = &[
    w("lead", "线索", "Lead", &["初步接触"]),
    w("intent", "意向", "Intent", &["有意向"]),
    w("proposal", "方案", "Proposal", &["方案阶段"]),
    w("quote", "报价", "Quote", &["报价阶段"]),
    w("negotiation", "谈判", "Negotiation", &["商务谈判"]),
    w("signed", "签约", "Signed", &["已签约", "成交", "won"]),
    w("lost", "流失", "Lost", &["已流失", "丢单"]),
];

pub static STATUSES: &[Word] = &[
    w("active", "合作中", "Active", &["正常", "合作"]),
    w(
        "terminated",
        "已终止",
        "Terminated",
        &["终止", "已流失", "停止合作", "ended"],
    ),
];

pub static CONTRACT_TYPES: &[Word] = &[
    w("regular", "常规", "Regular", &["标准", "普通", "standard"]),
    w(
        "special",
        "特殊",
        "Special",
        &["定制", "特殊(定制)", "custom"],
    ),
];

pub static PAYMENT_KINDS: &[Word] = &[
    w(
        "first",
        "首付",
        "First",
        &["首单", "首款", "预付款", "定金"],
    ),
    w("final", "尾款", "Final", &["进度款", "余款"]),
];

pub static RATERS: &[Word] = &[
    w(
        "supervisor",
        "上级",
        "Supervisor",
        &["直属上级", "直属领导", "manager"],
    ),
    w("peer", "同级", "Peer", &["同事"]),
    w(
        "partner_dept",
        "协作部门",
        "Partner department",
        &["协作", "partner"],
    ),
    w("customer", "客户", "Customer", &["客户评价"]),
    w("self", "自评", "Self", &["本人"]),
    w("subordinate", "下级", "Subordinate", &[]),
];

pub static ADJUSTMENT_KINDS: &[Word] = &[
    w(
        "target",
        "目标调整",
        "Target",
        &["调整目标", "target adjustment"],
    ),
    w("exclude", "剔除", "Exclude", &["剔除指标", "exclusion"]),
    w("bonus", "加分", "Bonus", &["奖励加分"]),
    w("deduction", "扣分", "Deduction", &["减分"]),
    w("veto", "一票否决", "Veto", &["否决"]),
];

pub static CALENDAR_KINDS: &[Word] = &[
    w(
        "holiday",
        "休",
        "Holiday",
        &["假", "放假", "节假日", "休息", "off"],
    ),
    w(
        "workday",
        "班",
        "Workday",
        &["上班", "补班", "调休上班", "工作日", "work"],
    ),
];

/// 签约类型 of a contract (SPEC 5, second round): a new deal or a renewal.
pub static DEAL_TYPES: &[Word] = &[
    w("new", "新签", "New", &["新签约", "新合同", "首签"]),
    w("renewal", "续签", "Renewal", &["续约", "续签合同", "续费"]),
];

pub fn list(which: WordList) -> &'static [Word] {
    match which {
        WordList::Method => METHODS,
        WordList::Stage => STAGES,
        WordList::Status => STATUSES,
        WordList::ContractType => CONTRACT_TYPES,
        WordList::PaymentKind => PAYMENT_KINDS,
        WordList::Rater => RATERS,
        WordList::AdjustmentKind => ADJUSTMENT_KINDS,
        WordList::CalendarKind => CALENDAR_KINDS,
        WordList::DealType => DEAL_TYPES,
    }
}

/// Find the canonical word for an already normalised cell text
/// (see [`crate::text::fold`]); case-insensitive.
pub fn lookup(which: WordList, folded: &str) -> Option<&'static Word> {
    let key = crate::text::lowercase_cow(folded);
    let key: &str = &key;
    let words = list(which);
    // Most cells hold a word's Chinese form or its code: found by plain
    // comparison first. No spelling names two words of a list (see the
    // tests), so which spelling matches first does not change the word.
    if let Some(w) = words.iter().find(|w| w.zh == key || w.code == key) {
        return Some(w);
    }
    // The lists' words are compared lower-cased without allocating: this
    // runs for every method, stage … cell of the ledgers.
    let same = |word: &str| word.chars().flat_map(char::to_lowercase).eq(key.chars());
    words
        .iter()
        .find(|w| w.zh == key || w.code == key || same(w.en) || w.synonyms.iter().any(|s| same(s)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_spelling_names_two_words_of_a_list() {
        for which in WordList::ALL {
            let mut seen: std::collections::HashMap<String, &str> = Default::default();
            for w in list(which) {
                let forms = [w.zh, w.code, w.en]
                    .into_iter()
                    .chain(w.synonyms.iter().copied());
                for f in forms {
                    // As `lookup` compares them.
                    let k: String = f.chars().flat_map(char::to_lowercase).collect();
                    let prev = seen.insert(k.clone(), w.code);
                    assert!(prev.is_none_or(|p| p == w.code), "{k} in {which:?}");
                }
            }
        }
    }

    #[test]
    fn lookups() {
        let cases: &[(WordList, &str, Option<&str>)] = &[
            (WordList::Method, "拜访", Some("visit")),
            (WordList::Method, "Visit", Some("visit")),
            (WordList::Method, "上门", Some("visit")),
            (WordList::Method, "飞鸽传书", None),
            (WordList::PaymentKind, "首单", Some("first")),
            (WordList::PaymentKind, "尾款", Some("final")),
            (WordList::ContractType, "定制", Some("special")),
            (WordList::AdjustmentKind, "一票否决", Some("veto")),
            (WordList::CalendarKind, "班", Some("workday")),
            (WordList::Status, "已终止", Some("terminated")),
        ];
        for (list, text, code) in cases {
            assert_eq!(lookup(*list, text).map(|w| w.code), *code, "{text}");
        }
    }
}
