//! EC2 `Filter.N` semantics: names are case-sensitive, values OR-ed, filters AND-ed,
//! `*`/`?` wildcards, `tag:<key>`, `tag-key` and the older `tag-value` against the caller's
//! tag view. Which names an action accepts, and their older aliases, is the wire's business
//! (`wire::filters`); the core matches the names its `field` functions answer.

use std::collections::BTreeMap;

use crate::error::{ApiError, Result};
use crate::table::Resource;
use crate::tags;
use crate::world::{Scope, World};

/// One `Filter.N` as decoded from the wire.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Filter {
    pub name: String,
    pub values: Vec<String>,
}

impl Filter {
    /// A filter with the given name and values.
    pub fn new(name: &str, values: &[&str]) -> Self {
        Filter {
            name: name.to_string(),
            values: values.iter().map(|v| v.to_string()).collect(),
        }
    }
}

/// Refuses filter names that `known` does not list (tag filters are always allowed).
pub fn check_names(filters: &[Filter], known: &[&str]) -> Result<()> {
    for f in filters {
        let is_tag = is_tag_filter(&f.name);
        if !is_tag && !known.contains(&f.name.as_str()) {
            return Err(ApiError::invalid_value(format!(
                "The filter '{}' is invalid",
                f.name
            )));
        }
    }
    Ok(())
}

/// Whether `name` is one of the tag filters (`tag:<key>`, `tag-key`, `tag-value`).
pub fn is_tag_filter(name: &str) -> bool {
    name == "tag-key" || name == "tag-value" || name.starts_with("tag:")
}

/// The `candidates` that pass every filter, in their order: tag filters ([`is_tag_filter`]) on
/// their tags as `scope` sees them, any other name on the values `field` yields.
pub fn tagged<'w, T: Resource>(
    w: &World,
    scope: &Scope,
    candidates: Vec<&'w T>,
    filters: &[Filter],
    field: impl Fn(&T, &str) -> Vec<String>,
) -> Vec<&'w T> {
    candidates
        .into_iter()
        .filter(|r| matches(filters, tags::of(w, scope, r.id()), |name| field(r, name)))
        .collect()
}

/// Whether an item passes every filter. `field` yields the item's values for a filter
/// name; `tags` is the caller's view of the item's tags.
pub fn matches(
    filters: &[Filter],
    tags: &BTreeMap<String, String>,
    mut field: impl FnMut(&str) -> Vec<String>,
) -> bool {
    filters.iter().all(|f| {
        if f.name == "tag-key" {
            return tags.keys().any(|k| f.values.iter().any(|v| glob(v, k)));
        }
        if f.name == "tag-value" {
            return tags.values().any(|t| f.values.iter().any(|v| glob(v, t)));
        }
        if let Some(key) = f.name.strip_prefix("tag:") {
            return tags
                .get(key)
                .is_some_and(|value| f.values.iter().any(|v| glob(v, value)));
        }
        let have = field(&f.name);
        have.iter()
            .any(|h| f.values.iter().any(|pattern| glob(pattern, h)))
    })
}

/// Glob match with `*` (any run) and `?` (one character); `\` escapes the next character.
pub fn glob(pattern: &str, text: &str) -> bool {
    if !pattern.contains(['*', '?', '\\']) {
        return pattern == text;
    }
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() {
            match p[pi] {
                '*' => {
                    star = Some((pi, ti));
                    pi += 1;
                    continue;
                }
                '?' => {
                    pi += 1;
                    ti += 1;
                    continue;
                }
                '\\' if pi + 1 < p.len() && p[pi + 1] == t[ti] => {
                    pi += 2;
                    ti += 1;
                    continue;
                }
                c if c == t[ti] => {
                    pi += 1;
                    ti += 1;
                    continue;
                }
                _ => {}
            }
        }
        match star {
            Some((sp, st)) => {
                pi = sp + 1;
                ti = st + 1;
                star = Some((sp, st + 1));
            }
            None => return false,
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// A boolean as a filter value.
pub fn b(v: bool) -> Vec<String> {
    vec![v.to_string()]
}

/// A single string as a filter value.
pub fn s(v: impl Into<String>) -> Vec<String> {
    vec![v.into()]
}

/// An optional string as a filter value.
pub fn opt(v: Option<impl Into<String>>) -> Vec<String> {
    v.map(|v| vec![v.into()]).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn check(pattern: &str, text: &str, expected: bool) {
        assert_eq!(glob(pattern, text), expected, "{pattern} ~ {text}");
    }

    #[test]
    fn globbing() {
        check("vpc-*", "vpc-123", true);
        check("vpc-?23", "vpc-123", true);
        check("vpc-?", "vpc-123", false);
        check("*", "", true);
        check("a*b*c", "aXXbYYc", true);
        check("a*b*c", "aXXbYY", false);
        check("a\\*", "a*", true);
        check("a\\*", "ab", false);
        check("exact", "exact", true);
    }

    #[test]
    fn tag_filters_use_the_view() {
        let mut tags = BTreeMap::new();
        tags.insert("Name".to_string(), "web-1".to_string());
        let no_fields = |_: &str| Vec::<String>::new();
        assert!(matches(
            &[Filter::new("tag:Name", &["web-*"])],
            &tags,
            no_fields
        ));
        assert!(matches(
            &[Filter::new("tag-key", &["Name"])],
            &tags,
            no_fields
        ));
        assert!(matches(
            &[Filter::new("tag-value", &["web-?"])],
            &tags,
            no_fields
        ));
        assert!(!matches(
            &[Filter::new("tag-value", &["Name"])],
            &tags,
            no_fields
        ));
        assert!(!matches(
            &[Filter::new("tag:Env", &["*"])],
            &tags,
            no_fields
        ));
    }

    #[test]
    fn unknown_filter_names_are_refused() {
        let e = check_names(&[Filter::new("bogus", &["x"])], &["vpc-id"]).unwrap_err();
        assert_eq!(e.message, "The filter 'bogus' is invalid");
        assert!(check_names(&[Filter::new("tag:x", &["y"])], &["vpc-id"]).is_ok());
    }

    /// Oracle: a regex-free recursive matcher.
    fn oracle(p: &[char], t: &[char]) -> bool {
        match p.first() {
            None => t.is_empty(),
            Some('*') => oracle(&p[1..], t) || (!t.is_empty() && oracle(p, &t[1..])),
            Some('?') => !t.is_empty() && oracle(&p[1..], &t[1..]),
            Some(c) => t.first() == Some(c) && oracle(&p[1..], &t[1..]),
        }
    }

    proptest! {
        #[test]
        fn glob_agrees_with_oracle(p in "[ab*?]{0,6}", t in "[ab]{0,8}") {
            let pc: Vec<char> = p.chars().collect();
            let tc: Vec<char> = t.chars().collect();
            prop_assert_eq!(glob(&p, &t), oracle(&pc, &tc));
        }
    }
}
