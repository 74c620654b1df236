//! CreateKeyPair, ImportKeyPair and DeleteKeyPair.

use crate::config::quota;
use crate::error::{ApiError, ErrorCode, Result};
use crate::ids::Kind;
use crate::tags;
use crate::world::{Ctx, Scope, World};
use crate::Output;

use super::model::{KeyPair, NewKeyPair, MAX_NAME_LEN};

/// The caller's key pair named `name`, if any.
pub fn by_name<'w>(w: &'w World, scope: &Scope, name: &str) -> Option<&'w KeyPair> {
    w.key_pairs.in_scope(scope).find(|k| k.name == name)
}

/// AWS's error for a key name the caller does not have.
pub fn name_not_found(name: &str) -> ApiError {
    ApiError::new(
        ErrorCode::InvalidKeyPairNotFound,
        format!("The key pair '{name}' does not exist"),
    )
}

/// A key name AWS takes: 1–255 ASCII characters.
fn check_name(name: &str) -> Result<()> {
    if name.is_empty() {
        return Err(ApiError::missing("KeyName"));
    }
    if !name.is_ascii() {
        return Err(ApiError::invalid_value(format!(
            "Value ({name}) for parameter keyName is invalid. Character sets beyond ASCII are not supported."
        )));
    }
    if name.len() > MAX_NAME_LEN {
        return Err(ApiError::invalid_value(format!(
            "Value ({name}) for parameter keyName is invalid. Length exceeds maximum of {MAX_NAME_LEN} characters."
        )));
    }
    Ok(())
}

/// Key pairs per Region ([`quota::KEY_PAIRS_PER_REGION`], 5,000 by default as AWS
/// documents); AWS names no code of its own for it, so `ResourceLimitExceeded`.
fn check_quota(w: &World, ctx: &Ctx) -> Result<()> {
    let limit = w
        .config
        .quotas
        .limit(ctx.account(), quota::KEY_PAIRS_PER_REGION);
    match limit {
        Some(limit) if w.key_pairs.count_in(ctx.scope()) >= limit as usize => Err(ApiError::limit(
            ErrorCode::ResourceLimitExceeded,
            "key pairs",
            limit,
        )),
        _ => Ok(()),
    }
}

/// CreateKeyPair and ImportKeyPair: a new name in the caller's (account, Region).
pub(super) fn add(w: &mut World, ctx: &Ctx, new: NewKeyPair) -> Result<Output> {
    check_name(&new.key_name)?;
    tags::check_specs(&new.tags, "key-pair")?;
    let scope = ctx.scope();
    if by_name(w, scope, &new.key_name).is_some() {
        return Err(ApiError::new(
            ErrorCode::InvalidKeyPairDuplicate,
            format!("The keypair '{}' already exists.", new.key_name),
        ));
    }
    check_quota(w, ctx)?;
    let id = w.ids.id(Kind::KeyPair);
    w.key_pairs.insert(KeyPair {
        id: id.clone(),
        scope: scope.clone(),
        name: new.key_name,
        key_type: new.key_type,
        fingerprint: new.fingerprint,
        public_key: new.public_key,
        created: ctx.now,
    });
    tags::apply_specs(w, scope, &id, &new.tags);
    Ok(Output::Id(id))
}

/// DeleteKeyPair: by id (an unknown id is `InvalidKeyPair.NotFound`) or by name (an unknown
/// name succeeds, as AWS answers). Returns the deleted pair's id, or `Done` when none was.
pub(super) fn delete(
    w: &mut World,
    ctx: &Ctx,
    key_name: Option<&str>,
    key_pair_id: Option<&str>,
) -> Result<Output> {
    let scope = ctx.scope();
    let found = match (key_pair_id, key_name) {
        (Some(id), _) => {
            let k = w
                .key_pairs
                .get_in(scope, id)
                .ok_or_else(|| Kind::KeyPair.not_found(id))?;
            if key_name.is_some_and(|n| n != k.name) {
                return Err(Kind::KeyPair.not_found(id));
            }
            Some(k.id.clone())
        }
        (None, Some(name)) => by_name(w, scope, name).map(|k| k.id.clone()),
        (None, None) => {
            return Err(ApiError::new(
                ErrorCode::MissingParameter,
                "The request must contain the parameter KeyName or KeyPairId",
            ))
        }
    };
    let Some(id) = found else {
        return Ok(Output::Done);
    };
    w.key_pairs.remove(&id);
    tags::forget(w, &id);
    Ok(Output::Id(id))
}
