"""Key pairs through boto3 and the aws CLI: made and imported keys with AWS's fingerprints,
the private key checked with the `cryptography` library, and RunInstances' KeyName."""

import base64
import hashlib

import botocore.exceptions
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from conftest import error_code

AL2023 = "ami-0e2c8caa4b6378d8c"


def colon_hex(digest):
    return ":".join(f"{b:02x}" for b in digest)


def openssh_public(key):
    return key.public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode()


def sha256_fingerprint(public_line):
    blob = base64.b64decode(public_line.split()[1])
    return base64.b64encode(hashlib.sha256(blob).digest()).decode()


def test_created_rsa_key_is_pkcs1_with_the_sha1_of_its_pkcs8_form(ec2):
    made = ec2.create_key_pair(KeyName="deploy", TagSpecifications=[
        {"ResourceType": "key-pair", "Tags": [{"Key": "team", "Value": "net"}]}])
    assert made["KeyPairId"].startswith("key-") and made["KeyName"] == "deploy"
    assert made["Tags"] == [{"Key": "team", "Value": "net"}]
    pem = made["KeyMaterial"]
    assert pem.startswith("-----BEGIN RSA PRIVATE KEY-----\n")
    key = serialization.load_pem_private_key(pem.encode(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey) and key.key_size == 2048
    pkcs8 = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption())
    assert made["KeyFingerprint"] == colon_hex(hashlib.sha1(pkcs8).digest())

    [info] = ec2.describe_key_pairs(KeyNames=["deploy"], IncludePublicKey=True)["KeyPairs"]
    assert info["KeyPairId"] == made["KeyPairId"] and info["KeyType"] == "rsa"
    assert info["KeyFingerprint"] == made["KeyFingerprint"]
    assert info["PublicKey"].split()[:2] == openssh_public(key).split()[:2]
    assert "CreateTime" in info and info["Tags"] == made["Tags"]
    # The public key is shown only when asked for.
    [plain] = ec2.describe_key_pairs(KeyPairIds=[made["KeyPairId"]])["KeyPairs"]
    assert "PublicKey" not in plain

    with pytest.raises(botocore.exceptions.ClientError) as e:
        ec2.create_key_pair(KeyName="deploy", KeyType="ed25519")
    assert error_code(e) == "InvalidKeyPair.Duplicate"


def test_created_ed25519_key_in_both_formats(server, ec2):
    made = ec2.create_key_pair(KeyName="ed", KeyType="ed25519")
    assert made["KeyMaterial"].startswith("-----BEGIN OPENSSH PRIVATE KEY-----\n")
    key = serialization.load_ssh_private_key(made["KeyMaterial"].encode(), password=None)
    assert isinstance(key, ed25519.Ed25519PrivateKey)
    assert made["KeyFingerprint"] == sha256_fingerprint(openssh_public(key))
    [info] = ec2.describe_key_pairs(KeyNames=["ed"], IncludePublicKey=True)["KeyPairs"]
    assert info["KeyType"] == "ed25519"
    assert info["PublicKey"].split()[:2] == openssh_public(key).split()[:2]

    # The aws CLI, PuTTY's format.
    out = server.aws("ec2", "create-key-pair", "--key-name", "putty",
                     "--key-type", "ed25519", "--key-format", "ppk")
    assert out["KeyMaterial"].startswith("PuTTY-User-Key-File-2: ssh-ed25519\n")
    assert "Private-MAC: " in out["KeyMaterial"]
    for bad in (["--key-type", "dsa"], ["--key-format", "der"]):
        proc = server.aws("ec2", "create-key-pair", "--key-name", "x", *bad, check=False)
        assert proc.returncode != 0 and "InvalidParameterValue" in proc.stderr


def test_imported_keys_get_aws_fingerprints(server, ec2, tmp_path):
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    rsa_line = openssh_public(rsa_key) + " me@laptop"
    der = rsa_key.public_key().public_bytes(serialization.Encoding.DER,
                                            serialization.PublicFormat.SubjectPublicKeyInfo)
    got = ec2.import_key_pair(KeyName="laptop", PublicKeyMaterial=rsa_line.encode())
    assert got["KeyFingerprint"] == colon_hex(hashlib.md5(der).digest())
    assert got["KeyPairId"].startswith("key-")

    ed_line = openssh_public(ed25519.Ed25519PrivateKey.generate())
    path = tmp_path / "id_ed25519.pub"
    path.write_text(ed_line + "\n")
    out = server.aws("ec2", "import-key-pair", "--key-name", "ed-laptop",
                     "--public-key-material", f"fileb://{path}")
    assert out["KeyFingerprint"] == sha256_fingerprint(ed_line)
    [info] = ec2.describe_key_pairs(
        Filters=[{"Name": "fingerprint", "Values": [out["KeyFingerprint"]]}])["KeyPairs"]
    assert info["KeyName"] == "ed-laptop" and info["KeyType"] == "ed25519"

    for material in (b"", b"garbage", b"ssh-rsa AAAA", b"ssh-dss AAAAB3NzaC1kc3MAAACBAP"):
        with pytest.raises(botocore.exceptions.ClientError) as e:
            ec2.import_key_pair(KeyName="bad", PublicKeyMaterial=material)
        assert error_code(e) == "InvalidKey.Format", material
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ec2.import_key_pair(KeyName="laptop", PublicKeyMaterial=rsa_line.encode())
    assert error_code(e) == "InvalidKeyPair.Duplicate"


def test_rfc4716_der_and_pem_public_keys_import(server, ec2, tmp_path):
    """AWS's other documented formats: an RFC 4716 file (`ssh-keygen -e`), and an RSA key
    in DER, raw or PEM. Each is kept as its OpenSSH line, with the same fingerprint."""
    import subprocess
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    rsa_line = openssh_public(rsa_key)
    der = rsa_key.public_key().public_bytes(serialization.Encoding.DER,
                                            serialization.PublicFormat.SubjectPublicKeyInfo)
    fingerprint = colon_hex(hashlib.md5(der).digest())
    openssh = tmp_path / "id_rsa.pub"
    openssh.write_text(rsa_line + " me@laptop\n")
    rfc = tmp_path / "id_rsa.rfc4716"
    rfc.write_text(subprocess.run(["ssh-keygen", "-e", "-f", str(openssh)], check=True,
                                  capture_output=True, text=True).stdout)
    pem = rsa_key.public_key().public_bytes(serialization.Encoding.PEM,
                                            serialization.PublicFormat.PKCS1)
    (tmp_path / "id_rsa.der").write_bytes(der)
    (tmp_path / "id_rsa.pem").write_bytes(pem)
    for name in ("id_rsa.rfc4716", "id_rsa.der", "id_rsa.pem"):
        out = server.aws("ec2", "import-key-pair", "--key-name", name,
                         "--public-key-material", f"fileb://{tmp_path / name}")
        assert out["KeyFingerprint"] == fingerprint, name
        [info] = ec2.describe_key_pairs(KeyNames=[name], IncludePublicKey=True)["KeyPairs"]
        assert info["PublicKey"].split()[:2] == rsa_line.split()[:2], name
    ed_line = openssh_public(ed25519.Ed25519PrivateKey.generate())
    ed = tmp_path / "id_ed25519.pub"
    ed.write_text(ed_line + "\n")
    rfc_text = subprocess.run(["ssh-keygen", "-e", "-f", str(ed)], check=True,
                              capture_output=True, text=True).stdout
    got = ec2.import_key_pair(KeyName="ed-rfc", PublicKeyMaterial=rfc_text.encode())
    assert got["KeyFingerprint"] == sha256_fingerprint(ed_line)
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ec2.import_key_pair(KeyName="cut", PublicKeyMaterial=rfc_text.encode()[:-40])
    assert error_code(e) == "InvalidKey.Format"


def test_describe_filters_and_delete(server, ec2):
    a = ec2.create_key_pair(KeyName="a", KeyType="ed25519")["KeyPairId"]
    ec2.create_key_pair(KeyName="b", KeyType="ed25519",
                        TagSpecifications=[{"ResourceType": "key-pair",
                                            "Tags": [{"Key": "env", "Value": "prod"}]}])
    names = lambda **kw: sorted(k["KeyName"] for k in ec2.describe_key_pairs(**kw)["KeyPairs"])
    assert names() == ["a", "b"]
    assert names(Filters=[{"Name": "tag:env", "Values": ["prod"]}]) == ["b"]
    assert names(Filters=[{"Name": "tag-key", "Values": ["env"]}]) == ["b"]
    assert names(Filters=[{"Name": "key-pair-id", "Values": [a]}]) == ["a"]
    assert names(Filters=[{"Name": "key-type", "Values": ["rsa"]}]) == []
    assert names(Filters=[{"Name": "key-name", "Values": ["?"]}]) == ["a", "b"]
    for kw in ({"KeyNames": ["nope"]}, {"KeyPairIds": ["key-0123456789abcdef0"]}):
        with pytest.raises(botocore.exceptions.ClientError) as e:
            ec2.describe_key_pairs(**kw)
        assert error_code(e) == "InvalidKeyPair.NotFound"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ec2.describe_key_pairs(Filters=[{"Name": "owner", "Values": ["x"]}])
    assert error_code(e) == "InvalidParameterValue"
    # Key pairs are per account and Region.
    assert server.client(region="eu-west-1").describe_key_pairs()["KeyPairs"] == []

    # Delete: an unknown name succeeds, as AWS answers; an unknown id does not.
    assert ec2.delete_key_pair(KeyName="nope")["Return"] is True
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ec2.delete_key_pair(KeyPairId="key-0123456789abcdef0")
    assert error_code(e) == "InvalidKeyPair.NotFound"
    gone = ec2.delete_key_pair(KeyName="a")
    assert gone["Return"] is True and gone["KeyPairId"] == a
    out = server.aws("ec2", "delete-key-pair", "--key-name", "b")
    assert out["Return"] is True
    assert names() == []


def test_run_instances_needs_a_known_key_name(server, ec2):
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ec2.run_instances(ImageId=AL2023, MinCount=1, MaxCount=1, KeyName="missing")
    assert error_code(e) == "InvalidKeyPair.NotFound"
    assert ec2.describe_instances()["Reservations"] == []
    ec2.create_key_pair(KeyName="ops", KeyType="ed25519")
    ec2.run_instances(ImageId=AL2023, MinCount=1, MaxCount=1, KeyName="ops")
    [r] = ec2.describe_instances(Filters=[{"Name": "key-name", "Values": ["ops"]}])["Reservations"]
    assert r["Instances"][0]["KeyName"] == "ops"
