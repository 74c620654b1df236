//! The key-pair area's data: a key pair as EC2 keeps it (the public half only) and the
//! commands. Plain data and small methods.

use serde::{Deserialize, Serialize};

use crate::table::Resource;
use crate::tags::TagSpec;
use crate::world::Scope;
use crate::Millis;

/// The longest key name AWS takes, in ASCII characters.
pub const MAX_NAME_LEN: usize = 255;

/// The two key types EC2 makes and imports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum KeyType {
    Rsa,
    Ed25519,
}

impl KeyType {
    /// The wire spelling (`rsa`, `ed25519`).
    pub fn as_str(self) -> &'static str {
        match self {
            KeyType::Rsa => "rsa",
            KeyType::Ed25519 => "ed25519",
        }
    }

    /// The type named by its wire spelling.
    pub fn parse(s: &str) -> Option<KeyType> {
        match s {
            "rsa" => Some(KeyType::Rsa),
            "ed25519" => Some(KeyType::Ed25519),
            _ => None,
        }
    }
}

/// A key pair (`key-`): EC2 keeps the public key and its fingerprint, never the private key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyPair {
    pub id: String,
    pub scope: Scope,
    pub name: String,
    pub key_type: KeyType,
    /// As AWS computes it (see [`NewKeyPair::fingerprint`]).
    pub fingerprint: String,
    /// The OpenSSH public key line (`ssh-ed25519 AAAA… comment`).
    pub public_key: String,
    /// When it was created or imported.
    pub created: Millis,
}

impl Resource for KeyPair {
    fn id(&self) -> &str {
        &self.id
    }
    fn scope(&self) -> &Scope {
        &self.scope
    }
}

/// What CreateKeyPair and ImportKeyPair store. The key material is made (or parsed) outside
/// the core, from randomness the server injects, so the journal carries its public half and a
/// replay never generates a key again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewKeyPair {
    pub key_name: String,
    pub key_type: KeyType,
    pub public_key: String,
    /// Created RSA keys: SHA-1 of the DER PKCS#8 private key; imported RSA keys: MD5 of the
    /// DER public key (both colon-separated hex); ED25519: base64 SHA-256 of the public key.
    pub fingerprint: String,
    pub tags: Vec<TagSpec>,
}

/// Key-pair commands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cmd {
    /// CreateKeyPair, with the key made by the wire.
    Create(NewKeyPair),
    /// ImportKeyPair, with the public key parsed by the wire.
    Import(NewKeyPair),
    /// DeleteKeyPair by name or by id.
    Delete {
        key_name: Option<String>,
        key_pair_id: Option<String>,
    },
}
