//! The shape every paginated EC2 Describe action shares (§4.5, §4.6): an id list checked by
//! kind, `Filter.N`, `MaxResults` within the action's bounds and `NextToken`; then one page of
//! what the core found, rendered as one set followed by its `nextToken`.

use openvpc_core::{Filter, Result};

use crate::params::{Page, View};
use crate::xml::Xml;

/// The `MaxResults` an action accepts.
#[derive(Debug, Clone, Copy)]
pub struct Bounds {
    min: i64,
    max: i64,
    /// Values above `max` are taken as `max` rather than refused.
    cap: bool,
}

impl Bounds {
    /// `min..=max`; other values are refused with `InvalidParameterValue`.
    pub const fn strict(min: i64, max: i64) -> Bounds {
        Bounds {
            min,
            max,
            cap: false,
        }
    }

    /// At least `min`; values above `max` are taken as `max`.
    pub const fn capped(min: i64, max: i64) -> Bounds {
        Bounds {
            min,
            max,
            cap: true,
        }
    }
}

/// Most EC2 Describe actions: 5–1000.
pub const EC2: Bounds = Bounds::strict(5, 1000);

/// The decoded common parameters of a Describe action.
#[derive(Debug)]
pub struct Query {
    pub ids: Vec<String>,
    pub filters: Vec<Filter>,
    pub page: Page,
}

impl Query {
    /// Decodes the id list `ids_param` (each id refused by `check` if malformed), the filters
    /// and the page.
    pub fn decode(
        p: &View,
        ids_param: &str,
        check: impl Fn(&str) -> Result<()>,
        bounds: Bounds,
    ) -> Result<Query> {
        let ids = p.list(ids_param);
        ids.iter().try_for_each(|id| check(id))?;
        Query::decode_filters(p, ids, bounds)
    }

    /// Decodes the filters and the page of an action that takes no id list.
    pub fn without_ids(p: &View, bounds: Bounds) -> Result<Query> {
        Query::decode_filters(p, Vec::new(), bounds)
    }

    /// Decodes the page of an action that takes neither ids nor filters.
    pub fn paged(p: &View, bounds: Bounds) -> Result<Query> {
        Ok(Query {
            ids: Vec::new(),
            filters: Vec::new(),
            page: p.page(bounds.min, bounds.max, bounds.cap)?,
        })
    }

    fn decode_filters(p: &View, ids: Vec<String>, bounds: Bounds) -> Result<Query> {
        Ok(Query {
            ids,
            filters: p.filters()?,
            page: p.page(bounds.min, bounds.max, bounds.cap)?,
        })
    }

    /// One page of `found` (ordered by `key` when paginated) as the set `set`, each item
    /// rendered by `item`, then `nextToken` when more remain.
    pub fn answer<T>(
        &self,
        found: Vec<T>,
        key: impl Fn(&T) -> String,
        set: &str,
        item: impl FnMut(&mut Xml, T),
    ) -> Xml {
        let (found, next) = self.page.take(found, key);
        let mut x = Xml::new();
        x.list(set, found, item);
        x.opt("nextToken", next);
        x
    }
}
