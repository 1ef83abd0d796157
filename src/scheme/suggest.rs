//! "Did you mean …": the nearest of a list of known words to a misspelt
//! one (indicator codes, scheme keys, column keys), by edit distance.

/// The number of single-character insertions, deletions and substitutions
/// turning `a` into `b` (Levenshtein, by characters).
pub fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The known word nearest to `word` (case ignored), when it is near enough
/// to be a misspelling: at most 2 edits, or a third of the word's length
/// for long words; or one contains the other (`followup` → `followups`).
/// Ties go to the first in `known`.
pub fn nearest<'a>(word: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let w = word.trim().to_lowercase();
    if w.is_empty() {
        return None;
    }
    let len = w.chars().count();
    let limit = 2.max(len / 3);
    let mut best: Option<(usize, &str)> = None;
    for k in known {
        let kl = k.to_lowercase();
        if kl == w {
            return Some(k);
        }
        let d = distance(&w, &kl);
        let contains = len >= 4 && (kl.contains(&w) || w.contains(&kl));
        if (d <= limit || contains) && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, k));
        }
    }
    best.map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("weight", "weight"), 0);
        // wieght → weight: i and e swapped, two substitutions.
        assert_eq!(distance("wieght", "weight"), 2);
        assert_eq!(distance("合同总额", "合同金额"), 1);
    }

    #[test]
    fn nearest_words() {
        let codes = ["sales", "sales_achievement", "followups", "churn_rate"];
        assert_eq!(
            nearest("sales_acheivement", codes),
            Some("sales_achievement")
        );
        assert_eq!(nearest("folowups", codes), Some("followups"));
        assert_eq!(nearest("followup", codes), Some("followups"));
        assert_eq!(nearest("Churn_Rate", codes), Some("churn_rate"));
        assert_eq!(nearest("gross_margin", codes), None);
        assert_eq!(nearest("", codes), None);
    }
}
