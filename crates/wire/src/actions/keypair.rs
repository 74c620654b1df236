//! Key pairs: CreateKeyPair, ImportKeyPair, DescribeKeyPairs, DeleteKeyPair. The key
//! material (generation, parsing, fingerprints, formats) is [`crate::keys`].

use openvpc_core::keypair::{self, Cmd, KeyPair, KeyType, NewKeyPair};
use openvpc_core::{tags, ApiError, Command, ErrorCode, Output, Result, Scope, World};

use super::{created_id, Call, Handler};
use crate::keys::{self, KeyFormat, Material};
use crate::time::iso8601;
use crate::xml::Xml;

/// Actions of this module.
pub const ACTIONS: &[(&str, Handler)] = &[
    ("CreateKeyPair", create_key_pair),
    ("ImportKeyPair", import_key_pair),
    ("DescribeKeyPairs", describe_key_pairs),
    ("DeleteKeyPair", delete_key_pair),
];

fn invalid_choice(name: &str, value: &str, valid: &str) -> ApiError {
    ApiError::invalid_value(format!(
        "Value ({value}) for parameter {name} is invalid. Valid values: {valid}"
    ))
}

fn create_key_pair(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let key_name = p.req("KeyName")?;
    let key_type = match p.str("KeyType") {
        None => KeyType::Rsa,
        Some(t) => {
            KeyType::parse(&t).ok_or_else(|| invalid_choice("KeyType", &t, "rsa, ed25519"))?
        }
    };
    let format = match p.str("KeyFormat") {
        None => KeyFormat::Pem,
        Some(f) => {
            KeyFormat::parse(&f).ok_or_else(|| invalid_choice("KeyFormat", &f, "pem, ppk"))?
        }
    };
    let tags = p.tag_specs()?;
    // The server makes the key before it locks the world (`keys::key_to_make`).
    let key = cx
        .generated_key()
        .filter(|k| k.key_type() == key_type)
        .cloned()
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::InternalError,
                "No key material was prepared for this request.",
            )
        })?;
    let Material {
        public_key,
        fingerprint,
        ..
    } = key.material(&key_name);
    let cmd = Cmd::Create(NewKeyPair {
        key_name: key_name.clone(),
        key_type,
        public_key,
        fingerprint,
        tags,
    });
    let id = created_id(cx.mutate(Command::KeyPair(cmd))?)?;
    let (w, scope) = (cx.world(), cx.ctx().scope());
    let k = stored(w, &id)?;
    let mut x = Xml::new();
    x.leaf("keyName", &k.name)
        .leaf("keyFingerprint", &k.fingerprint)
        .leaf("keyMaterial", key.private_key(format, &key_name))
        .leaf("keyPairId", &k.id)
        .tag_set(tags::of(w, scope, &k.id));
    Ok(x)
}

fn import_key_pair(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let key_name = p.req("KeyName")?;
    // An empty value is a key in no valid format, not a missing one.
    let material = p
        .str("PublicKeyMaterial")
        .ok_or_else(|| ApiError::missing("PublicKeyMaterial"))?;
    let material = keys::import(&material)?;
    let cmd = Cmd::Import(NewKeyPair {
        key_name,
        key_type: material.key_type,
        public_key: material.public_key,
        fingerprint: material.fingerprint,
        tags: p.tag_specs()?,
    });
    let id = created_id(cx.mutate(Command::KeyPair(cmd))?)?;
    let (w, scope) = (cx.world(), cx.ctx().scope());
    let k = stored(w, &id)?;
    let mut x = Xml::new();
    x.leaf("keyFingerprint", &k.fingerprint)
        .leaf("keyName", &k.name)
        .leaf("keyPairId", &k.id)
        .tag_set(tags::of(w, scope, &k.id));
    Ok(x)
}

fn stored<'w>(w: &'w World, id: &str) -> Result<&'w KeyPair> {
    w.key_pairs
        .get(id)
        .ok_or_else(|| openvpc_core::Kind::KeyPair.not_found(id))
}

fn describe_key_pairs(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let names = p.list("KeyName");
    let ids = p.list("KeyPairId");
    let filters = p.filters()?;
    let include_public_key = p.flag("IncludePublicKey")?;
    cx.read()?;
    let (w, scope) = (cx.world(), cx.ctx().scope());
    let found = keypair::describe(w, cx.ctx(), &names, &ids, &filters)?;
    let mut x = Xml::new();
    x.list("keySet", found, |x, k| {
        render(x, w, scope, k, include_public_key)
    });
    Ok(x)
}

/// Renders one key pair's members (DescribeKeyPairs' `KeyPairInfo`).
fn render(x: &mut Xml, w: &World, scope: &Scope, k: &KeyPair, include_public_key: bool) {
    x.leaf("keyPairId", &k.id)
        .leaf("keyType", k.key_type.as_str())
        .tag_set(tags::of(w, scope, &k.id))
        .leaf("keyName", &k.name)
        .leaf("keyFingerprint", &k.fingerprint);
    if include_public_key {
        x.leaf("publicKey", &k.public_key);
    }
    x.leaf("createTime", iso8601(k.created));
}

fn delete_key_pair(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let cmd = Cmd::Delete {
        key_name: p.str("KeyName"),
        key_pair_id: p.str("KeyPairId"),
    };
    let out = cx.mutate(Command::KeyPair(cmd))?;
    let mut x = Xml::new();
    x.leaf("return", "true");
    if let Output::Id(id) = out {
        x.leaf("keyPairId", id);
    }
    Ok(x)
}
