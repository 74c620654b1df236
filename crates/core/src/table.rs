//! A table of resources keyed by id, with an index by (account, Region) scope.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::world::Scope;

/// A resource stored in a [`Table`].
pub trait Resource {
    /// Its identifier.
    fn id(&self) -> &str;
    /// The account and Region that own it.
    fn scope(&self) -> &Scope;
}

/// Implements [`Resource`] for structs with `id: String` and `scope: Scope` fields.
macro_rules! impl_resource {
    ($($t:ty),*) => {$(
        impl $crate::table::Resource for $t {
            fn id(&self) -> &str {
                &self.id
            }
            fn scope(&self) -> &$crate::world::Scope {
                &self.scope
            }
        }
    )*};
}
pub(crate) use impl_resource;

/// Resources by id plus an index of ids by owning scope. Iteration is in id order.
///
/// Each resource is boxed: ids are random, so an insert lands anywhere in a B-tree node
/// and shifts the entries after it; boxed, it shifts pointers instead of whole resources
/// (hundreds of bytes each). Serialised as the map of items alone; the index is rebuilt
/// when deserialised.
#[derive(Debug, Clone)]
pub struct Table<T> {
    items: BTreeMap<Key, Box<T>>,
    by_scope: BTreeMap<Scope, BTreeSet<Key>>,
}

/// An id as a table key, ordered exactly as the id strings are. Ids of up to
/// [`Key::INLINE`] bytes (every generated id) are kept inline as big-endian words of their
/// zero-padded bytes: a comparison, which is what a B-tree lookup mostly does, is then one
/// or two integer compares, with no pointer to follow and no `memcmp` call. Longer ids
/// (ARNs) are kept on the heap.
#[derive(Clone)]
pub(crate) enum Key {
    Short { words: [u64; 3], len: u8 },
    Long(Box<str>),
}

impl Key {
    const INLINE: usize = 24;

    pub(crate) fn new(id: &str) -> Self {
        if id.len() > Key::INLINE {
            return Key::Long(id.into());
        }
        let mut bytes = [0; Key::INLINE];
        bytes[..id.len()].copy_from_slice(id.as_bytes());
        let word = |i: usize| {
            let mut w = [0; 8];
            w.copy_from_slice(&bytes[i * 8..i * 8 + 8]);
            u64::from_be_bytes(w)
        };
        Key::Short {
            words: [word(0), word(1), word(2)],
            len: id.len() as u8,
        }
    }

    /// Runs `f` on the id as a string.
    pub(crate) fn with_str<R>(&self, f: impl FnOnce(&str) -> R) -> R {
        match self {
            Key::Short { words, len } => {
                let mut bytes = [0; Key::INLINE];
                for (chunk, w) in bytes.chunks_exact_mut(8).zip(words) {
                    chunk.copy_from_slice(&w.to_be_bytes());
                }
                // The bytes were copied from a `str` up to `len`.
                f(std::str::from_utf8(&bytes[..*len as usize]).unwrap_or_default())
            }
            Key::Long(s) => f(s),
        }
    }
}

impl Ord for Key {
    /// Zero-padded bytes, then length, is the strings' order: a string sorts after its
    /// proper prefixes, and before or after any other string by the first byte that differs.
    #[inline]
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        match (self, other) {
            (Key::Short { words: a, len: la }, Key::Short { words: b, len: lb }) => {
                // The first word decides for most pairs of random ids.
                if a[0] != b[0] {
                    return a[0].cmp(&b[0]);
                }
                (a[1], a[2], la).cmp(&(b[1], b[2], lb))
            }
            _ => self.cmp_as_text(other),
        }
    }
}

impl Key {
    /// The order of two keys when one is long (an ARN): as their strings.
    #[cold]
    fn cmp_as_text(&self, other: &Self) -> std::cmp::Ordering {
        self.with_str(|a| other.with_str(|b| a.cmp(b)))
    }
}

impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Key {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}

impl Eq for Key {}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.with_str(|s| std::fmt::Debug::fmt(s, f))
    }
}

impl Serialize for Key {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.with_str(|text| s.serialize_str(text))
    }
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Key::new(&String::deserialize(d)?))
    }
}

impl<T: Serialize> Serialize for Table<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.items.serialize(s)
    }
}

impl<'de, T: Resource + Deserialize<'de>> Deserialize<'de> for Table<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut table = Table {
            items: BTreeMap::deserialize(d)?,
            by_scope: BTreeMap::new(),
        };
        table.reindex();
        Ok(table)
    }
}

impl<T> Default for Table<T> {
    fn default() -> Self {
        Table {
            items: BTreeMap::new(),
            by_scope: BTreeMap::new(),
        }
    }
}

impl<T: Resource> Table<T> {
    /// Inserts or replaces a resource.
    pub fn insert(&mut self, item: T) {
        let key = Key::new(item.id());
        match self.by_scope.get_mut(item.scope()) {
            Some(ids) => {
                ids.insert(key.clone());
            }
            None => {
                self.by_scope
                    .insert(item.scope().clone(), BTreeSet::from([key.clone()]));
            }
        }
        self.items.insert(key, Box::new(item));
    }

    /// Removes a resource by id.
    pub fn remove(&mut self, id: &str) -> Option<T> {
        let key = Key::new(id);
        let item = self.items.remove(&key)?;
        if let Some(set) = self.by_scope.get_mut(item.scope()) {
            set.remove(&key);
        }
        Some(*item)
    }

    /// A resource by id, whoever owns it.
    pub fn get(&self, id: &str) -> Option<&T> {
        self.items.get(&Key::new(id)).map(|b| &**b)
    }

    /// A mutable resource by id, whoever owns it.
    pub fn get_mut(&mut self, id: &str) -> Option<&mut T> {
        self.items.get_mut(&Key::new(id)).map(|b| &mut **b)
    }

    /// A resource by id only if `scope` owns it: other accounts' resources are not found.
    pub fn get_in(&self, scope: &Scope, id: &str) -> Option<&T> {
        self.get(id).filter(|t| t.scope() == scope)
    }

    /// A mutable resource by id only if `scope` owns it.
    pub fn get_mut_in(&mut self, scope: &Scope, id: &str) -> Option<&mut T> {
        self.get_mut(id).filter(|t| t.scope() == scope)
    }

    /// The resources `scope` owns, in id order.
    pub fn in_scope<'a>(&'a self, scope: &Scope) -> impl Iterator<Item = &'a T> + 'a {
        self.by_scope
            .get(scope)
            .into_iter()
            .flatten()
            .filter_map(|id| self.items.get(id).map(|b| &**b))
    }

    /// The resources a Describe starts from: the named ones, each resolved by `get` (which
    /// fails for an id the caller cannot see), duplicates dropped; or, with no ids,
    /// everything `scope` owns.
    pub fn pick<'a>(
        &'a self,
        scope: &Scope,
        ids: &[String],
        get: impl Fn(&str) -> crate::Result<&'a T>,
    ) -> crate::Result<Vec<&'a T>> {
        if ids.is_empty() {
            return Ok(self.in_scope(scope).collect());
        }
        let mut seen = BTreeSet::new();
        ids.iter()
            .filter(|id| seen.insert(id.as_str()))
            .map(|id| get(id))
            .collect()
    }

    /// How many resources `scope` owns.
    pub fn count_in(&self, scope: &Scope) -> usize {
        self.by_scope.get(scope).map_or(0, |s| s.len())
    }

    /// Every resource, in id order.
    pub fn values(&self) -> impl Iterator<Item = &T> {
        self.items.values().map(|b| &**b)
    }

    /// Every resource, mutably, in id order.
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut T> {
        self.items.values_mut().map(|b| &mut **b)
    }

    /// Number of resources.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether the table is empty.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Rebuilds the scope index (after deserialisation).
    pub fn reindex(&mut self) {
        self.by_scope.clear();
        for item in self.items.values() {
            self.by_scope
                .entry(item.scope().clone())
                .or_default()
                .insert(Key::new(item.id()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Keys order and compare exactly as their strings, across the inline and heap
        /// forms, prefixes and NUL bytes included.
        #[test]
        fn keys_order_as_their_strings(
            a in "[a-f0-9\\x00-]{0,30}",
            b in "[a-f0-9\\x00-]{0,30}",
            cut in 0usize..30,
        ) {
            let b = if cut % 3 == 0 { a.chars().take(cut).collect() } else { b };
            let (ka, kb) = (Key::new(&a), Key::new(&b));
            prop_assert_eq!(ka.cmp(&kb), a.cmp(&b));
            prop_assert_eq!(ka == kb, a == b);
            prop_assert_eq!(ka.with_str(str::to_string), a);
        }
    }

    #[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
    struct Thing {
        id: String,
        scope: Scope,
    }

    impl Resource for Thing {
        fn id(&self) -> &str {
            &self.id
        }
        fn scope(&self) -> &Scope {
            &self.scope
        }
    }

    #[test]
    fn a_table_iterates_in_id_order_and_keeps_scopes_apart() {
        let (a, b) = (
            Scope::new("111111111111", "us-east-1"),
            Scope::new("222222222222", "us-east-1"),
        );
        let arn = format!(
            "arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/net/x/{}",
            "f".repeat(16)
        );
        let mut t = Table::default();
        for (id, scope) in [
            ("vpc-0b", &a),
            ("vpc-0a", &b),
            (arn.as_str(), &a),
            ("vpc-0", &a),
        ] {
            t.insert(Thing {
                id: id.into(),
                scope: scope.clone(),
            });
        }
        let ids: Vec<&str> = t.values().map(|x| x.id.as_str()).collect();
        assert_eq!(ids, [arn.as_str(), "vpc-0", "vpc-0a", "vpc-0b"]);
        let mine: Vec<&str> = t.in_scope(&a).map(|x| x.id.as_str()).collect();
        assert_eq!(mine, [arn.as_str(), "vpc-0", "vpc-0b"]);
        assert!(t.get_in(&a, "vpc-0a").is_none() && t.get_in(&b, "vpc-0a").is_some());
        assert_eq!(t.remove(&arn).map(|x| x.id), Some(arn.clone()));
        assert_eq!(t.count_in(&a), 2);
        let json = serde_json::to_string(&t).unwrap();
        let back: Table<Thing> = serde_json::from_str(&json).unwrap();
        assert_eq!(back.in_scope(&a).count(), 2);
        assert_eq!(back.get("vpc-0b"), t.get("vpc-0b"));
    }
}
