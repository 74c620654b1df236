//! The public key formats ImportKeyPair takes besides an OpenSSH line, as AWS documents them
//! ("OpenSSH public key format, Base64 encoded DER format, SSH public key file format as
//! specified in RFC 4716"): each is turned into the OpenSSH line EC2 keeps, then parsed as
//! one ([`super::parse_openssh`]), so fingerprints and refusals stay in one place.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use openvpc_core::Result;
use rsa::pkcs1::DecodeRsaPublicKey;
use rsa::pkcs8::DecodePublicKey;
use rsa::traits::PublicKeyParts;
use rsa::RsaPublicKey;

use super::{malformed, SshBuf};

const RFC4716_BEGIN: &str = "---- BEGIN SSH2 PUBLIC KEY ----";
const RFC4716_END: &str = "---- END SSH2 PUBLIC KEY ----";

/// The OpenSSH line of a key file's text: an OpenSSH line as it is, an RFC 4716 file, a
/// PEM `PUBLIC KEY`/`RSA PUBLIC KEY` or the base64 of a DER RSA public key.
pub(super) fn openssh_line(text: &str) -> Result<String> {
    if text.starts_with(RFC4716_BEGIN) {
        return rfc4716(text);
    }
    if text.starts_with("-----BEGIN ") {
        let body: String = text.lines().filter(|l| !l.starts_with("-----")).collect();
        return der(&B64.decode(body.trim()).map_err(|_| malformed())?);
    }
    if text.contains(char::is_whitespace) {
        return Ok(text.to_string());
    }
    der(&B64.decode(text).map_err(|_| malformed())?)
}

/// An RSA public key in DER (SubjectPublicKeyInfo, or PKCS#1 `RSAPublicKey`) as an OpenSSH
/// line. EC2 takes ED25519 keys in OpenSSH form only.
pub(super) fn der(der: &[u8]) -> Result<String> {
    let key = RsaPublicKey::from_public_key_der(der)
        .or_else(|_| RsaPublicKey::from_pkcs1_der(der))
        .map_err(|_| malformed())?;
    let mut blob = SshBuf::default();
    blob.string(b"ssh-rsa");
    blob.mpint(key.e());
    blob.mpint(key.n());
    Ok(format!("ssh-rsa {}", B64.encode(&blob.0)))
}

/// RFC 4716 §3: `---- BEGIN SSH2 PUBLIC KEY ----`, headers (`Tag: value`, continued by a
/// trailing backslash), the base64 of the SSH public key blob, the end line. The `Comment`
/// header (quotes removed) becomes the line's comment.
fn rfc4716(text: &str) -> Result<String> {
    let mut lines = text.lines().map(str::trim_end).skip(1);
    let mut comment = None;
    let mut body = String::new();
    let mut ended = false;
    while let Some(line) = lines.next() {
        if line == RFC4716_END {
            ended = true;
            break;
        }
        if let Some((tag, value)) = line.split_once(':').filter(|_| body.is_empty()) {
            let mut value = value.trim().to_string();
            while value.ends_with('\\') {
                value.pop();
                value.push_str(lines.next().ok_or_else(malformed)?.trim());
            }
            if tag.eq_ignore_ascii_case("Comment") {
                comment = Some(value.trim_matches('"').to_string());
            }
            continue;
        }
        body.push_str(line.trim());
    }
    if !ended || lines.any(|l| !l.trim().is_empty()) {
        return Err(malformed());
    }
    let blob = B64.decode(&body).map_err(|_| malformed())?;
    let algorithm = super::SshReader(&blob).string()?;
    let algorithm = std::str::from_utf8(algorithm).map_err(|_| malformed())?;
    Ok(match comment.filter(|c| !c.is_empty()) {
        Some(c) => format!("{algorithm} {body} {c}"),
        None => format!("{algorithm} {body}"),
    })
}
