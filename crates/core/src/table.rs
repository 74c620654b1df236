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
/// Serialised as the map of items alone; the index is rebuilt when deserialised.
#[derive(Debug, Clone)]
pub struct Table<T> {
    items: BTreeMap<Key, T>,
    by_scope: BTreeMap<Scope, BTreeSet<Key>>,
}

/// An id as a table key, ordered exactly as the id strings are. Ids of up to
/// [`Key::INLINE`] bytes (every generated id) are kept inline and compared as big-endian
/// words: no pointer to follow and no `memcmp` call per comparison, which is what a
/// B-tree lookup mostly does. Longer ids (ARNs) are kept on the heap.
#[derive(Clone)]
pub(crate) enum Key {
    Short { bytes: [u8; Key::INLINE], len: u8 },
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
        Key::Short {
            bytes,
            len: id.len() as u8,
        }
    }

    pub(crate) fn as_str(&self) -> &str {
        match self {
            // The bytes were copied from a `str` up to `len`.
            Key::Short { bytes, len } => {
                std::str::from_utf8(&bytes[..*len as usize]).unwrap_or_default()
            }
            Key::Long(s) => s,
        }
    }

    /// The zero-padded bytes as words: their order is the bytes' order.
    fn words(bytes: &[u8; Key::INLINE]) -> [u64; 3] {
        let word = |i: usize| {
            let mut w = [0; 8];
            w.copy_from_slice(&bytes[i * 8..i * 8 + 8]);
            u64::from_be_bytes(w)
        };
        [word(0), word(1), word(2)]
    }
}

impl Ord for Key {
    /// Zero-padded bytes, then length, is the strings' order: a string sorts after its
    /// proper prefixes, and before or after any other string by the first byte that differs.
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        match (self, other) {
            (Key::Short { bytes: a, len: la }, Key::Short { bytes: b, len: lb }) => {
                Key::words(a).cmp(&Key::words(b)).then(la.cmp(lb))
            }
            _ => self.as_str().cmp(other.as_str()),
        }
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
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl Serialize for Key {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
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
        self.items.insert(key, item);
    }

    /// Removes a resource by id.
    pub fn remove(&mut self, id: &str) -> Option<T> {
        let key = Key::new(id);
        let item = self.items.remove(&key)?;
        if let Some(set) = self.by_scope.get_mut(item.scope()) {
            set.remove(&key);
        }
        Some(item)
    }

    /// A resource by id, whoever owns it.
    pub fn get(&self, id: &str) -> Option<&T> {
        self.items.get(&Key::new(id))
    }

    /// A mutable resource by id, whoever owns it.
    pub fn get_mut(&mut self, id: &str) -> Option<&mut T> {
        self.items.get_mut(&Key::new(id))
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
            .filter_map(|id| self.items.get(id))
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
        self.items.values()
    }

    /// Every resource, mutably, in id order.
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut T> {
        self.items.values_mut()
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
            prop_assert_eq!(ka.as_str(), a.as_str());
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
