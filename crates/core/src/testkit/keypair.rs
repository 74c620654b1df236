//! Builders for the key-pair area.

use super::Kit;
use crate::keypair::{Cmd, KeyType, NewKeyPair};

/// A key pair named `name` as the wire would store it (a made-up ED25519 public key).
pub fn new_key(name: &str) -> NewKeyPair {
    NewKeyPair {
        key_name: name.to_string(),
        key_type: KeyType::Ed25519,
        public_key: format!("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB {name}"),
        fingerprint: format!("fp-{name}="),
        tags: vec![],
    }
}

impl Kit {
    /// A created key pair named `name`; its id.
    pub fn key_pair(&mut self, name: &str) -> String {
        self.id(Cmd::Create(new_key(name)))
    }
}
