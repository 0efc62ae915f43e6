//! A small line diff for showing, readably, where two texts (such as schema dumps) differ.

/// Largest number of cells the longest-common-subsequence table may have before falling
/// back to listing the whole differing middle.
const MAX_TABLE_CELLS: usize = 4_000_000;

/// One line of a diff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Edit<'a> {
    /// Present in both texts.
    Same(&'a str),
    /// Only in the expected text.
    Removed(&'a str),
    /// Only in the actual text.
    Added(&'a str),
}

/// The first `limit` differing lines between `expected` and `actual`, unified-diff style:
/// `-` lines are only in `expected`, `+` lines only in `actual`, and each hunk is introduced by
/// `@@ -line +line @@`. Empty when the texts have the same lines.
pub fn first_differences(expected: &str, actual: &str, limit: usize) -> String {
    let old: Vec<&str> = expected.lines().collect();
    let new: Vec<&str> = actual.lines().collect();
    let edits = line_edits(&old, &new);
    let mut out = Vec::new();
    let mut shown = 0;
    let mut total = 0;
    let (mut old_line, mut new_line) = (1usize, 1usize);
    let mut in_hunk = false;
    for edit in edits {
        match edit {
            Edit::Same(_) => {
                in_hunk = false;
                old_line += 1;
                new_line += 1;
            }
            Edit::Removed(text) | Edit::Added(text) => {
                total += 1;
                if shown < limit {
                    if !in_hunk {
                        out.push(format!("@@ -{old_line} +{new_line} @@"));
                        in_hunk = true;
                    }
                    let sign = if matches!(edit, Edit::Removed(_)) {
                        '-'
                    } else {
                        '+'
                    };
                    out.push(format!("{sign}{text}"));
                    shown += 1;
                }
                if matches!(edit, Edit::Removed(_)) {
                    old_line += 1;
                } else {
                    new_line += 1;
                }
            }
        }
    }
    if total > shown {
        out.push(format!("... and {} more differing lines", total - shown));
    }
    out.join("\n")
}

/// The edits turning `old` into `new`: common prefix and suffix kept, the middle aligned by a
/// longest common subsequence when small enough, else listed as removed then added.
fn line_edits<'a>(old: &[&'a str], new: &[&'a str]) -> Vec<Edit<'a>> {
    let prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let suffix = old[prefix..]
        .iter()
        .rev()
        .zip(new[prefix..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let old_mid = &old[prefix..old.len() - suffix];
    let new_mid = &new[prefix..new.len() - suffix];

    let mut edits: Vec<Edit<'a>> = old[..prefix].iter().map(|line| Edit::Same(line)).collect();
    if (old_mid.len() + 1) * (new_mid.len() + 1) <= MAX_TABLE_CELLS {
        edits.extend(aligned(old_mid, new_mid));
    } else {
        edits.extend(old_mid.iter().map(|line| Edit::Removed(line)));
        edits.extend(new_mid.iter().map(|line| Edit::Added(line)));
    }
    edits.extend(
        old[old.len() - suffix..]
            .iter()
            .map(|line| Edit::Same(line)),
    );
    edits
}

/// Aligns two line lists by their longest common subsequence.
fn aligned<'a>(old: &[&'a str], new: &[&'a str]) -> Vec<Edit<'a>> {
    let width = new.len() + 1;
    // lcs[i * width + j]: length of the LCS of old[i..] and new[j..].
    let mut lcs = vec![0u32; (old.len() + 1) * width];
    for i in (0..old.len()).rev() {
        for j in (0..new.len()).rev() {
            lcs[i * width + j] = if old[i] == new[j] {
                lcs[(i + 1) * width + j + 1] + 1
            } else {
                lcs[(i + 1) * width + j].max(lcs[i * width + j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut edits = Vec::with_capacity(old.len() + new.len());
    while i < old.len() && j < new.len() {
        if old[i] == new[j] {
            edits.push(Edit::Same(old[i]));
            i += 1;
            j += 1;
        } else if lcs[(i + 1) * width + j] >= lcs[i * width + j + 1] {
            edits.push(Edit::Removed(old[i]));
            i += 1;
        } else {
            edits.push(Edit::Added(new[j]));
            j += 1;
        }
    }
    edits.extend(old[i..].iter().map(|line| Edit::Removed(line)));
    edits.extend(new[j..].iter().map(|line| Edit::Added(line)));
    edits
}

#[test]
fn equal_texts_have_no_differences() {
    assert_eq!(first_differences("a\nb\n", "a\nb\n", 20), "");
}

#[test]
fn a_changed_line_shows_as_minus_and_plus() {
    let diff = first_differences("a\nb\nc\nd\n", "a\nB\nc\nd\ne\n", 20);
    assert_eq!(diff, "@@ -2 +2 @@\n-b\n+B\n@@ -5 +5 @@\n+e");
}

#[test]
fn long_differences_are_cut() {
    let old = "x\n".repeat(30);
    let diff = first_differences(&old, "", 20);
    assert!(diff.ends_with("... and 10 more differing lines"), "{diff}");
    assert_eq!(
        diff.lines().filter(|line| line.starts_with('-')).count(),
        20
    );
}
