//! Key-pair material as EC2 hands it out and takes it in: key generation from an injected
//! 32-byte seed (CreateKeyPair), OpenSSH public keys parsed (ImportKeyPair), AWS's
//! fingerprints, and the private key as PEM (PKCS#1 for RSA, OpenSSH for ED25519) or PuTTY's
//! PPK. The core stores only what [`Material`] gives it: the type, the public key line and the
//! fingerprint.
//!
//! Generating an RSA key takes a while, so the server makes the key on a thread of its own
//! before it takes the world's lock ([`key_to_make`], [`generate`]) and the handler finds it
//! in the request's [`Params`].

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use ed25519_dalek::SigningKey;
use hmac::{Hmac, Mac};
use md5::Md5;
use openvpc_core::keypair::KeyType;
use openvpc_core::{ApiError, ErrorCode, Result};
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha20Rng;
use rsa::pkcs1::EncodeRsaPrivateKey;
use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};
use rsa::traits::{PrivateKeyParts, PublicKeyParts};
use rsa::{BigUint, RsaPrivateKey, RsaPublicKey};
use sha1::Sha1;
use sha2::{Digest, Sha256};

use crate::params::Params;

/// The size of the RSA keys CreateKeyPair makes.
pub const RSA_BITS: usize = 2048;

/// The RSA moduli ImportKeyPair takes, in bits (AWS documents 1024, 2048 and 4096).
pub const RSA_IMPORT_BITS: std::ops::RangeInclusive<usize> = 1024..=4096;

/// What EC2 keeps of a key pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Material {
    pub key_type: KeyType,
    /// `ssh-rsa AAAA…` or `ssh-ed25519 AAAA…`, with the comment if any.
    pub public_key: String,
    pub fingerprint: String,
}

/// A freshly made private key.
#[derive(Clone)]
pub enum Generated {
    Rsa(Box<RsaPrivateKey>),
    Ed25519(Box<SigningKey>),
}

impl std::fmt::Debug for Generated {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print private keys.
        f.write_str(match self {
            Generated::Rsa(_) => "Generated::Rsa(..)",
            Generated::Ed25519(_) => "Generated::Ed25519(..)",
        })
    }
}

/// The private key formats CreateKeyPair offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyFormat {
    Pem,
    Ppk,
}

impl KeyFormat {
    /// The format named by its wire spelling.
    pub fn parse(s: &str) -> Option<KeyFormat> {
        match s {
            "pem" => Some(KeyFormat::Pem),
            "ppk" => Some(KeyFormat::Ppk),
            _ => None,
        }
    }
}

/// The key a request needs made before it runs: CreateKeyPair's `KeyType` (RSA by default).
/// `None` for other actions, and for a `KeyType` the handler will refuse. The server makes
/// it ([`generate`]) off its request thread, after authentication and before any lock, and
/// hands it to the handler in the request's [`Params`] (`set_generated_key`).
pub fn key_to_make(action: &str, params: &Params) -> Option<KeyType> {
    if action != "CreateKeyPair" {
        return None;
    }
    match params.peek("KeyType") {
        None => Some(KeyType::Rsa),
        Some(t) => KeyType::parse(t),
    }
}

/// A new private key of `key_type` drawn from `seed` (2048-bit RSA, or ED25519).
pub fn generate(key_type: KeyType, seed: [u8; 32]) -> Generated {
    match key_type {
        KeyType::Ed25519 => Generated::Ed25519(Box::new(SigningKey::from_bytes(&seed))),
        KeyType::Rsa => {
            let mut rng = ChaCha20Rng::from_seed(seed);
            let key = RsaPrivateKey::new(&mut rng, RSA_BITS).expect("2048-bit RSA keys generate");
            Generated::Rsa(Box::new(key))
        }
    }
}

impl Generated {
    /// Its type.
    pub fn key_type(&self) -> KeyType {
        match self {
            Generated::Rsa(_) => KeyType::Rsa,
            Generated::Ed25519(_) => KeyType::Ed25519,
        }
    }

    /// The public half and fingerprint EC2 stores; `comment` ends the public key line.
    pub fn material(&self, comment: &str) -> Material {
        let blob = self.public_blob();
        let fingerprint = match self {
            // SHA-1 of the DER PKCS#8 private key, as AWS documents for keys it made.
            Generated::Rsa(k) => {
                let der = k.to_pkcs8_der().expect("RSA keys encode");
                colon_hex(&Sha1::digest(der.as_bytes()))
            }
            Generated::Ed25519(_) => sha256_fingerprint(&blob),
        };
        Material {
            key_type: self.key_type(),
            public_key: format!("{} {} {comment}", self.algorithm(), B64.encode(&blob)),
            fingerprint,
        }
    }

    /// The private key as CreateKeyPair returns it: PEM (PKCS#1 for RSA, OpenSSH for
    /// ED25519) or PuTTY's PPK (version 2, unencrypted).
    pub fn private_key(&self, format: KeyFormat, comment: &str) -> String {
        match (format, self) {
            (KeyFormat::Pem, Generated::Rsa(k)) => k
                .to_pkcs1_pem(LineEnding::LF)
                .expect("RSA keys encode")
                .trim_end()
                .to_string(),
            (KeyFormat::Pem, Generated::Ed25519(k)) => openssh_ed25519(k, comment),
            (KeyFormat::Ppk, _) => self.ppk(comment),
        }
    }

    fn algorithm(&self) -> &'static str {
        match self {
            Generated::Rsa(_) => "ssh-rsa",
            Generated::Ed25519(_) => "ssh-ed25519",
        }
    }

    /// The SSH wire encoding of the public key (RFC 4253 §6.6, RFC 8709).
    fn public_blob(&self) -> Vec<u8> {
        let mut b = SshBuf::default();
        b.string(self.algorithm().as_bytes());
        match self {
            Generated::Rsa(k) => {
                b.mpint(k.e());
                b.mpint(k.n());
            }
            Generated::Ed25519(k) => b.string(k.verifying_key().as_bytes()),
        }
        b.0
    }

    /// PuTTY's PPK version 2 without encryption: the MAC key is SHA-1 of the fixed label.
    fn ppk(&self, comment: &str) -> String {
        let public = self.public_blob();
        let mut private = SshBuf::default();
        match self {
            Generated::Rsa(k) => {
                let primes = k.primes();
                let iqmp = k.crt_coefficient().expect("two-prime keys have one");
                private.mpint(k.d());
                private.mpint(&primes[0]);
                private.mpint(&primes[1]);
                private.mpint(&iqmp);
            }
            Generated::Ed25519(k) => private.string(k.as_bytes()),
        }
        let mut mac_data = SshBuf::default();
        for part in [
            self.algorithm().as_bytes(),
            b"none",
            comment.as_bytes(),
            &public,
            &private.0,
        ] {
            mac_data.string(part);
        }
        let mac_key = Sha1::digest(b"putty-private-key-file-mac-key");
        let mut mac = Hmac::<Sha1>::new_from_slice(&mac_key).expect("any key length");
        mac.update(&mac_data.0);
        let public_lines = wrap(&B64.encode(&public), 64);
        let private_lines = wrap(&B64.encode(&private.0), 64);
        format!(
            "PuTTY-User-Key-File-2: {}\nEncryption: none\nComment: {comment}\nPublic-Lines: {}\n{}\nPrivate-Lines: {}\n{}\nPrivate-MAC: {}",
            self.algorithm(),
            public_lines.len(),
            public_lines.join("\n"),
            private_lines.len(),
            private_lines.join("\n"),
            hex::encode(mac.finalize().into_bytes()),
        )
    }
}

/// An unencrypted OpenSSH private key file (`openssh-key-v1`) holding one ED25519 key.
fn openssh_ed25519(k: &SigningKey, comment: &str) -> String {
    let public = Generated::Ed25519(Box::new(k.clone())).public_blob();
    // The two equal check words only detect a wrong passphrase; derive them from the key.
    let check = Sha256::digest(k.as_bytes());
    let mut section = SshBuf::default();
    section.0.extend_from_slice(&check[..4]);
    section.0.extend_from_slice(&check[..4]);
    section.string(b"ssh-ed25519");
    section.string(k.verifying_key().as_bytes());
    let mut secret = k.to_bytes().to_vec();
    secret.extend_from_slice(k.verifying_key().as_bytes());
    section.string(&secret);
    section.string(comment.as_bytes());
    let mut pad = 1u8;
    while section.0.len() % 8 != 0 {
        section.0.push(pad);
        pad += 1;
    }
    let mut file = SshBuf(b"openssh-key-v1\0".to_vec());
    file.string(b"none");
    file.string(b"none");
    file.string(b"");
    file.0.extend_from_slice(&1u32.to_be_bytes());
    file.string(&public);
    file.string(&section.0);
    format!(
        "-----BEGIN OPENSSH PRIVATE KEY-----\n{}\n-----END OPENSSH PRIVATE KEY-----",
        wrap(&B64.encode(&file.0), 70).join("\n")
    )
}

/// ImportKeyPair's `PublicKeyMaterial`, as sent on the wire (base64 of the key file): an
/// OpenSSH public key line (`ssh-rsa` or `ssh-ed25519`), an RFC 4716 file, or an RSA key in
/// DER (raw, base64 or PEM); kept as its OpenSSH line.
pub fn import(public_key_material: &str) -> Result<Material> {
    let file = B64
        .decode(public_key_material.trim())
        .map_err(|_| format_error())?;
    let line = match std::str::from_utf8(&file) {
        Ok(text) => formats::openssh_line(text.trim())?,
        Err(_) => formats::der(&file)?,
    };
    parse_openssh(&line)
}

/// `InvalidKeyPair.Format`: the parameter is not base64 at all.
fn format_error() -> ApiError {
    ApiError::new(
        ErrorCode::InvalidKeyPairFormat,
        "The format of the public key you are attempting to import is not valid.",
    )
}

/// `InvalidKey.Format`, AWS's answer to anything but an OpenSSH RSA or ED25519 public key.
fn malformed() -> ApiError {
    ApiError::new(
        ErrorCode::InvalidKeyFormat,
        "Key is not in valid OpenSSH public key format",
    )
}

/// Parses `type base64 [comment]` into what EC2 stores, fingerprinted as AWS does for
/// imported keys (MD5 of the DER public key for RSA, base64 SHA-256 for ED25519).
pub fn parse_openssh(line: &str) -> Result<Material> {
    let mut parts = line.split_whitespace();
    let (Some(algorithm), Some(encoded)) = (parts.next(), parts.next()) else {
        return Err(malformed());
    };
    let comment: Vec<&str> = parts.collect();
    let blob = B64.decode(encoded).map_err(|_| malformed())?;
    let mut r = SshReader(&blob);
    if r.string()? != algorithm.as_bytes() {
        return Err(malformed());
    }
    let (key_type, fingerprint) = match algorithm {
        "ssh-rsa" => {
            let e = BigUint::from_bytes_be(r.string()?);
            let n = BigUint::from_bytes_be(r.string()?);
            if !RSA_IMPORT_BITS.contains(&(n.bits())) {
                return Err(malformed());
            }
            let key = RsaPublicKey::new(n, e).map_err(|_| malformed())?;
            let der = key.to_public_key_der().map_err(|_| malformed())?;
            (KeyType::Rsa, colon_hex(&Md5::digest(der.as_bytes())))
        }
        "ssh-ed25519" => {
            let public = r.string()?;
            ed25519_dalek::VerifyingKey::try_from(public).map_err(|_| malformed())?;
            (KeyType::Ed25519, sha256_fingerprint(&blob))
        }
        _ => return Err(malformed()),
    };
    if !r.0.is_empty() {
        return Err(malformed());
    }
    let mut public_key = format!("{algorithm} {encoded}");
    if !comment.is_empty() {
        public_key = format!("{public_key} {}", comment.join(" "));
    }
    Ok(Material {
        key_type,
        public_key,
        fingerprint,
    })
}

/// `aa:bb:…`, lowercase.
fn colon_hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// OpenSSH's fingerprint (since 6.8): base64 of SHA-256 of the public key blob.
fn sha256_fingerprint(blob: &[u8]) -> String {
    B64.encode(Sha256::digest(blob))
}

fn wrap(text: &str, width: usize) -> Vec<String> {
    text.as_bytes()
        .chunks(width)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect()
}

/// SSH wire encoding (RFC 4251 §5).
#[derive(Default)]
struct SshBuf(Vec<u8>);

impl SshBuf {
    fn string(&mut self, bytes: &[u8]) {
        self.0
            .extend_from_slice(&(bytes.len() as u32).to_be_bytes());
        self.0.extend_from_slice(bytes);
    }

    fn mpint(&mut self, n: &BigUint) {
        let mut bytes = n.to_bytes_be();
        if bytes == [0] {
            bytes.clear();
        } else if bytes[0] & 0x80 != 0 {
            bytes.insert(0, 0);
        }
        self.string(&bytes);
    }
}

/// Reads SSH strings; anything short is `InvalidKey.Format`.
struct SshReader<'a>(&'a [u8]);

impl<'a> SshReader<'a> {
    fn string(&mut self) -> Result<&'a [u8]> {
        let (len, rest) = self.0.split_at_checked(4).ok_or_else(malformed)?;
        let len = u32::from_be_bytes(len.try_into().expect("four bytes")) as usize;
        let (s, rest) = rest.split_at_checked(len).ok_or_else(malformed)?;
        self.0 = rest;
        Ok(s)
    }
}

mod formats;
#[cfg(test)]
mod tests;
