//! Key material: fingerprints against values OpenSSH and OpenSSL compute, formats, refusals.

use super::*;

/// `ssh-keygen -t ed25519 -C me@host`; `ssh-keygen -lf` prints its SHA256 fingerprint.
const ED25519_PUB: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGsK3lOeWBH8iWhEOjcTiq4+1Cl/r7w3EROANHAnP6a4 me@host";
const ED25519_FP: &str = "s+iOVZ75k5M8Asly7xxu+2pL5KjQvF3NPXzEAfiuN84=";

/// `ssh-keygen -t rsa -b 2048`; its fingerprint is
/// `openssl rsa -in KEY -pubout -outform DER | openssl md5 -c`, as AWS documents.
const RSA_PUB: &str = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDL1esJTUdjGbflHrsUa4zNSNFuZqvxt9ShDmTtRghsQOs79o2fNVEeNhDapJS0GfUmBm9ozWSVYSeWFZidwCuKBA8yaHxZubrnCY33IXwltkHpjd5J4cfmRnka6aMP6yXMURUOIaahvUOWVscRt5/ZXNiWOxwAyT0YZTaO2MD0c2LM5a4dj70dr6oPgK2Gc5OULUtEV2vwcu5UWc3/IPtwSEWTUngyB5xUMnCJZbrIbbTbMF9vPgOhmzhuUvw0p83sPwsQhh/1tIzpbnFAyNKFeneX6w/onXA4cBFIpvjtZAjPza6UxNXqWMj2uEP6oY175A96cTM2WceHDAY5+mvJ rsa@host";
const RSA_FP: &str = "4c:2b:f8:43:32:13:bc:32:20:cd:84:94:49:8c:93:ff";

fn wire(text: &str) -> String {
    B64.encode(text)
}

#[test]
fn imported_keys_get_aws_fingerprints() {
    let ed = import(&wire(ED25519_PUB)).unwrap();
    assert_eq!(
        (ed.key_type, ed.fingerprint.as_str(), ed.public_key.as_str()),
        (KeyType::Ed25519, ED25519_FP, ED25519_PUB)
    );
    let rsa = import(&wire(&format!("{RSA_PUB}\n"))).unwrap();
    assert_eq!(
        (
            rsa.key_type,
            rsa.fingerprint.as_str(),
            rsa.public_key.as_str()
        ),
        (KeyType::Rsa, RSA_FP, RSA_PUB)
    );
    // The comment is optional.
    let bare = ED25519_PUB.rsplit_once(' ').unwrap().0;
    assert_eq!(import(&wire(bare)).unwrap().fingerprint, ED25519_FP);
}

#[test]
fn malformed_keys_are_refused_as_aws_refuses_them() {
    let code = |material: &str| import(material).unwrap_err().code;
    assert_eq!(code("not base64 at all!"), "InvalidKeyPair.Format");
    for text in [
        "",
        "garbage",
        "ssh-rsa",
        "ssh-rsa AAAA",
        "ssh-dss AAAAB3NzaC1kc3MAAACBAP",
        // An ECDSA key: EC2 takes RSA and ED25519 only.
        "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBEmKSENjQEezOmxkZMy7opKgwFB9nkt5YRrYMjNuG5N87uRgg6CLrbo5wAdT/y6v0mKV0U2w0WZ2YB/++Tpockg=",
        // The type on the line differs from the type in the blob.
        &ED25519_PUB.replace("ssh-ed25519 ", "ssh-rsa "),
        // A truncated blob.
        &ED25519_PUB.replace("P6a4", ""),
    ] {
        assert_eq!(code(&wire(text)), "InvalidKey.Format", "{text}");
    }
}

#[test]
fn a_created_ed25519_key_is_an_openssh_private_key_of_its_public_key() {
    let key = generate(KeyType::Ed25519, [7; 32]);
    let m = key.material("deploy");
    assert!(m
        .public_key
        .starts_with("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI"));
    assert!(m.public_key.ends_with(" deploy"));
    // The fingerprint is that of the public key, computed as for imported keys.
    assert_eq!(
        parse_openssh(&m.public_key).unwrap().fingerprint,
        m.fingerprint
    );
    let pem = key.private_key(KeyFormat::Pem, "deploy");
    assert!(pem.starts_with("-----BEGIN OPENSSH PRIVATE KEY-----\n"));
    assert!(pem.ends_with("\n-----END OPENSSH PRIVATE KEY-----"));
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    assert!(pem.lines().all(|l| l.len() <= 70));
    let file = B64.decode(body).unwrap();
    assert!(file.starts_with(b"openssh-key-v1\0"));
    // The file carries the same public blob as the public key line.
    let blob = B64.decode(m.public_key.split(' ').nth(1).unwrap()).unwrap();
    assert!(file.windows(blob.len()).any(|w| w == blob.as_slice()));
    // Same seed, same key; another seed, another key.
    assert_eq!(generate(KeyType::Ed25519, [7; 32]).material("deploy"), m);
    assert_ne!(generate(KeyType::Ed25519, [8; 32]).material("deploy"), m);
}

#[test]
fn a_created_rsa_key_is_pkcs1_with_the_sha1_fingerprint_of_its_pkcs8_form() {
    let key = generate(KeyType::Rsa, [3; 32]);
    let m = key.material("deploy");
    let Generated::Rsa(k) = &key else {
        panic!("an RSA key")
    };
    assert_eq!(k.n().bits(), RSA_BITS);
    let pkcs8 = k.to_pkcs8_der().unwrap();
    assert_eq!(m.fingerprint, colon_hex(&Sha1::digest(pkcs8.as_bytes())));
    assert_eq!(m.fingerprint.len(), 20 * 3 - 1);
    let pem = key.private_key(KeyFormat::Pem, "deploy");
    assert!(pem.starts_with("-----BEGIN RSA PRIVATE KEY-----\n"));
    assert!(pem.ends_with("-----END RSA PRIVATE KEY-----"));
    // Its public line parses back to the same key.
    let parsed = parse_openssh(&m.public_key).unwrap();
    assert_eq!(parsed.key_type, KeyType::Rsa);
}

#[test]
fn ppk_files_carry_the_public_key_and_a_mac() {
    for key_type in [KeyType::Ed25519, KeyType::Rsa] {
        let key = generate(key_type, [5; 32]);
        let ppk = key.private_key(KeyFormat::Ppk, "deploy");
        let lines: Vec<&str> = ppk.lines().collect();
        assert_eq!(
            lines[0],
            format!("PuTTY-User-Key-File-2: {}", key.algorithm())
        );
        assert_eq!(lines[1..3], ["Encryption: none", "Comment: deploy"]);
        let n: usize = lines[3]
            .strip_prefix("Public-Lines: ")
            .unwrap()
            .parse()
            .unwrap();
        let public: String = lines[4..4 + n].concat();
        let line = key.material("deploy").public_key;
        assert_eq!(public, line.split(' ').nth(1).unwrap());
        let mac = lines.last().unwrap().strip_prefix("Private-MAC: ").unwrap();
        assert_eq!(mac.len(), 40);
    }
}

#[test]
fn create_key_pair_alone_needs_a_key_of_its_type() {
    let p = |pairs: &[(&str, &str)]| {
        Params::from_pairs(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())))
    };
    assert_eq!(key_to_make("DescribeKeyPairs", &p(&[])), None);
    assert_eq!(key_to_make("CreateKeyPair", &p(&[])), Some(KeyType::Rsa));
    let ed = p(&[("KeyType", "ed25519")]);
    assert_eq!(key_to_make("CreateKeyPair", &ed), Some(KeyType::Ed25519));
    assert_eq!(
        key_to_make("CreateKeyPair", &p(&[("KeyType", "dsa")])),
        None
    );
}

/// `ssh-keygen -e -m PKCS8 -f rsa.pub` of [`RSA_PUB`]: a PEM SubjectPublicKeyInfo.
const RSA_SPKI_PEM: &str = "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAy9XrCU1HYxm35R67FGuM\nzUjRbmar8bfUoQ5k7UYIbEDrO/aNnzVRHjYQ2qSUtBn1JgZvaM1klWEnlhWYncAr\nigQPMmh8Wbm65wmN9yF8JbZB6Y3eSeHH5kZ5GumjD+slzFEVDiGmob1DllbHEbef\n2VzYljscAMk9GGU2jtjA9HNizOWuHY+9Ha+qD4CthnOTlC1LRFdr8HLuVFnN/yD7\ncEhFk1J4MgecVDJwiWW6yG202zBfbz4DoZs4blL8NKfN7D8LEIYf9bSM6W5xQMjS\nhXp3l+sP6J1wOHARSKb47WQIz82ulMTV6ljI9rhD+qGNe+QPenEzNlnHhwwGOfpr\nyQIDAQAB\n-----END PUBLIC KEY-----";

/// `ssh-keygen -e -m PEM -f rsa.pub` of [`RSA_PUB`]: a PEM PKCS#1 `RSAPublicKey`.
const RSA_PKCS1_PEM: &str = "-----BEGIN RSA PUBLIC KEY-----\nMIIBCgKCAQEAy9XrCU1HYxm35R67FGuMzUjRbmar8bfUoQ5k7UYIbEDrO/aNnzVR\nHjYQ2qSUtBn1JgZvaM1klWEnlhWYncArigQPMmh8Wbm65wmN9yF8JbZB6Y3eSeHH\n5kZ5GumjD+slzFEVDiGmob1DllbHEbef2VzYljscAMk9GGU2jtjA9HNizOWuHY+9\nHa+qD4CthnOTlC1LRFdr8HLuVFnN/yD7cEhFk1J4MgecVDJwiWW6yG202zBfbz4D\noZs4blL8NKfN7D8LEIYf9bSM6W5xQMjShXp3l+sP6J1wOHARSKb47WQIz82ulMTV\n6ljI9rhD+qGNe+QPenEzNlnHhwwGOfpryQIDAQAB\n-----END RSA PUBLIC KEY-----";

/// The base64 body of a PEM file.
fn pem_body(pem: &str) -> String {
    pem.lines().filter(|l| !l.starts_with("-----")).collect()
}

#[test]
fn rfc4716_der_and_pem_keys_import_as_their_openssh_line() {
    let (rsa_line, rsa_comment) = RSA_PUB.rsplit_once(' ').unwrap();
    let blob = rsa_line.split_once(' ').unwrap().1;
    let lines: Vec<&str> = blob
        .as_bytes()
        .chunks(70)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    // `ssh-keygen -e` writes this shape; a header may continue on the next line.
    let rfc = format!(
        "---- BEGIN SSH2 PUBLIC KEY ----\nComment: \"{rsa_comment}\\\n, converted\"\nx-Tag: 1\n{}\n---- END SSH2 PUBLIC KEY ----\n",
        lines.join("\n")
    );
    let k = import(&wire(&rfc)).unwrap();
    assert_eq!(
        (k.key_type, k.fingerprint.as_str(), k.public_key.as_str()),
        (
            KeyType::Rsa,
            RSA_FP,
            format!("{rsa_line} {rsa_comment}, converted").as_str()
        )
    );
    let (ed_line, _) = ED25519_PUB.rsplit_once(' ').unwrap();
    let rfc = format!(
        "---- BEGIN SSH2 PUBLIC KEY ----\n{}\n---- END SSH2 PUBLIC KEY ----",
        ed_line.split_once(' ').unwrap().1
    );
    let k = import(&wire(&rfc)).unwrap();
    assert_eq!(
        (k.fingerprint.as_str(), k.public_key.as_str()),
        (ED25519_FP, ed_line)
    );

    // DER (SubjectPublicKeyInfo or PKCS#1): raw, base64 text, or PEM; RSA only.
    for pem in [RSA_SPKI_PEM, RSA_PKCS1_PEM] {
        let der = B64.decode(pem_body(pem)).unwrap();
        for material in [B64.encode(&der), wire(&pem_body(pem)), wire(pem)] {
            let k = import(&material).unwrap();
            assert_eq!(
                (k.key_type, k.fingerprint.as_str(), k.public_key.as_str()),
                (KeyType::Rsa, RSA_FP, rsa_line)
            );
        }
    }
}

#[test]
fn damaged_rfc4716_and_der_keys_are_refused() {
    let code = |text: &str| import(&wire(text)).unwrap_err().code;
    let blob = ED25519_PUB.split(' ').nth(1).unwrap();
    for text in [
        // No end line; text after it; a header continued past the end; a damaged body.
        format!("---- BEGIN SSH2 PUBLIC KEY ----\n{blob}\n"),
        format!("---- BEGIN SSH2 PUBLIC KEY ----\n{blob}\n---- END SSH2 PUBLIC KEY ----\nmore"),
        "---- BEGIN SSH2 PUBLIC KEY ----\nComment: a\\".to_string(),
        format!(
            "---- BEGIN SSH2 PUBLIC KEY ----\n{}\n---- END SSH2 PUBLIC KEY ----",
            &blob[4..]
        ),
        "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----".to_string(),
        pem_body(RSA_SPKI_PEM)[..40].to_string(),
    ] {
        assert_eq!(code(&text), "InvalidKey.Format", "{text}");
    }
    assert_eq!(
        import(&B64.encode([0x30, 0x82, 0xff])).unwrap_err().code,
        "InvalidKey.Format"
    );
}
