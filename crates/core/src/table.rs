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

/// Resources by id plus an index of ids by owning scope. Iteration is in id order.
///
/// Serialised as the map of items alone; the index is rebuilt when deserialised.
#[derive(Debug, Clone)]
pub struct Table<T> {
    items: BTreeMap<String, T>,
    by_scope: BTreeMap<Scope, BTreeSet<String>>,
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
        self.by_scope
            .entry(item.scope().clone())
            .or_default()
            .insert(item.id().to_string());
        self.items.insert(item.id().to_string(), item);
    }

    /// Removes a resource by id.
    pub fn remove(&mut self, id: &str) -> Option<T> {
        let item = self.items.remove(id)?;
        if let Some(set) = self.by_scope.get_mut(item.scope()) {
            set.remove(id);
        }
        Some(item)
    }

    /// A resource by id, whoever owns it.
    pub fn get(&self, id: &str) -> Option<&T> {
        self.items.get(id)
    }

    /// A mutable resource by id, whoever owns it.
    pub fn get_mut(&mut self, id: &str) -> Option<&mut T> {
        self.items.get_mut(id)
    }

    /// A resource by id only if `scope` owns it: other accounts' resources are not found.
    pub fn get_in(&self, scope: &Scope, id: &str) -> Option<&T> {
        self.items.get(id).filter(|t| t.scope() == scope)
    }

    /// A mutable resource by id only if `scope` owns it.
    pub fn get_mut_in(&mut self, scope: &Scope, id: &str) -> Option<&mut T> {
        self.items.get_mut(id).filter(|t| t.scope() == scope)
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
                .insert(item.id().to_string());
        }
    }
}
