"""The damage matrix: every file of the data directory, emptied, halved, deleted or
overwritten mid-file, after a kill -9 and after a clean stop. The server starts with every
acknowledged write or refuses naming the damage; `store recover` then keeps the longest
intact prefix and says what was lost."""

import shutil
import subprocess
import tempfile
import urllib.request
from pathlib import Path

import pytest

from faultkit import BIN, Server, all_vpcs, create_vpc, created_vpcs

DAMAGE = ("emptied", "halved", "deleted", "overwritten")


def populated(stop):
    """A data directory with three generations (two snapshots) and acknowledged VPCs."""
    data = Path(tempfile.mkdtemp(prefix="openvpc-damage-")) / "data"
    s = Server(data, "--admin-api")
    s.start()
    acked = set()
    for i in range(24):
        status, vpc, body = create_vpc(s.endpoint, f"10.{i}.0.0/16")
        assert status == 200, body
        acked.add(vpc)
        if i in (7, 15):
            req = urllib.request.Request(s.endpoint + "/_openvpc/snapshot", method="POST", data=b"")
            urllib.request.urlopen(req, timeout=30).read()
    (s.stop if stop == "clean stop" else s.kill9)()
    return data, acked


def damage(path, how):
    size = path.stat().st_size
    if how == "emptied":
        path.write_bytes(b"")
    elif how == "halved":
        with open(path, "r+b") as f:
            f.truncate(size // 2)
    elif how == "deleted":
        path.unlink()
    else:
        with open(path, "r+b") as f:
            f.seek(max(0, size // 2 - 32))
            f.write(b"\xa5" * 64)


@pytest.mark.parametrize("stop", ["kill -9", "clean stop"])
def test_damage_matrix_never_starts_with_less(stop):
    template, acked = populated(stop)
    files = sorted(p.name for p in template.iterdir())
    assert {"LOCK", "MANIFEST"} <= set(files) and len(files) >= 6, files
    refused = 0
    for name in files:
        for how in DAMAGE:
            case = f"{name} {how} after {stop}"
            data = Path(tempfile.mkdtemp(prefix="openvpc-case-")) / "data"
            shutil.copytree(template, data)
            damage(data / name, how)
            s = Server(data)
            if s.start(expect_up=False):
                try:
                    assert acked <= all_vpcs(s.endpoint), f"{case}: started with less"
                finally:
                    s.stop()
                continue
            refused += 1
            assert s.exit_code != 0, case
            assert "damaged" in s.log and name.split("-")[0] in s.log, f"{case}: {s.log}"
            out = subprocess.run([str(BIN), "store", "recover", str(data)],
                                 capture_output=True, text=True, timeout=60)
            assert out.returncode == 0, f"{case}: {out.stderr}"
            assert "lost:" in out.stdout and "damaged-" in out.stdout, out.stdout
            s = Server(data)
            s.start()
            try:
                kept = created_vpcs(s.endpoint)
                assert kept <= acked, case
                if "lost: nothing" in out.stdout:
                    assert acked <= kept, f"{case}: recover said nothing was lost"
            finally:
                s.stop()
    # The journal, the current snapshot and the manifest: every damage is noticed.
    assert refused >= 11, refused


def test_store_check_and_backup_of_a_running_server():
    data = Path(tempfile.mkdtemp(prefix="openvpc-backup-")) / "data"
    s = Server(data)
    s.start()
    try:
        acked = {create_vpc(s.endpoint, f"10.{i}.0.0/16")[1] for i in range(10)}
        check = subprocess.run([str(BIN), "store", "check", str(data)],
                               capture_output=True, text=True, timeout=60)
        assert check.returncode == 0 and "intact" in check.stdout, check.stdout + check.stderr
        out = data.parent / "copy"
        b = subprocess.run([str(BIN), "store", "backup", str(data), str(out)],
                           capture_output=True, text=True, timeout=60)
        assert b.returncode == 0, b.stderr
    finally:
        s.stop()
    copy = Server(out)
    copy.start()
    try:
        assert acked <= all_vpcs(copy.endpoint)
    finally:
        copy.stop()
