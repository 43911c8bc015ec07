//! "Did you mean …?" for names a user types: profiles, rule ids, config keys.

/// The candidate closest to `word` by edit distance, if it is close enough to be a typo: at
/// most a third of the word's length, and at most 3 edits.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).clamp(1, 3);
    candidates
        .into_iter()
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
}

/// Levenshtein distance over characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn typos_find_their_word_and_strangers_find_nothing() {
        let profiles = ["default", "botect", "rfc9457", "azure"];
        assert_eq!(closest("botcet", profiles), Some("botect"));
        assert_eq!(closest("rfc9547", profiles), Some("rfc9457"));
        assert_eq!(
            closest("overides", ["overrides", "rules"]),
            Some("overrides")
        );
        assert_eq!(closest("kubernetes", profiles), None);
    }
}
