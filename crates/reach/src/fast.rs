//! Hash maps and sets with a fast, deterministic hasher, for the view's indexes (ids,
//! addresses, prefixes) and what is built from them: a compiled view's keys come from the
//! world, not from an adversary, so SipHash's defence against chosen keys buys nothing,
//! while hashing is a large part of compiling a view and of each decision's lookups.

use std::hash::BuildHasherDefault;

/// The hasher of [`HashMap`] and [`HashSet`] (fixed keys: iteration order is stable).
pub(crate) type Hasher = BuildHasherDefault<ahash::AHasher>;

pub(crate) type HashMap<K, V> = std::collections::HashMap<K, V, Hasher>;
pub(crate) type HashSet<K> = std::collections::HashSet<K, Hasher>;
