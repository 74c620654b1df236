//! Handlers of this resource family (to be filled in).

use super::Handler;

/// Actions of this module.
pub const ACTIONS: &[(&str, Handler)] = &[];
