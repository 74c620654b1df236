"""The damage matrix: every file of the data directory, emptied, halved, deleted or
overwritten mid-file, after a kill -9 and after a clean stop. The server starts with every
acknowledged write or refuses naming the damage; `store recover` then keeps the longest
intact prefix and says what was lost.

The journal is written ahead in chunks of zeros, so cutting it in half or overwriting its
middle may touch only bytes past its commit point: nothing acknowledged is lost and the
server must start. Which outcome is right is fixed per case, and the current journal is
also damaged inside its committed bytes."""

import re
import shutil
import subprocess
import urllib.request
from pathlib import Path

import pytest

from faultkit import BIN, Server, all_vpcs, create_vpc, created_vpcs, scratch

DAMAGE = ("emptied", "halved", "deleted", "overwritten")
# The current journal's committed bytes (header to commit point) halved or overwritten.
COMMITTED = ("halved committed", "overwritten committed")


def populated(stop):
    """A data directory with three generations (two snapshots) and acknowledged VPCs."""
    data = scratch("openvpc-damage-") / "data"
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


def commit_point(data):
    """The current journal's name, its commit point and its file's length, as `store
    check` reports them."""
    out = subprocess.run([str(BIN), "store", "check", str(data)],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr
    m = re.search(r"^(journal-\d+): (\d+) of (\d+) bytes committed", out.stdout, re.M)
    assert m, out.stdout
    return m.group(1), int(m.group(2)), int(m.group(3))


def damage(path, how, committed):
    """Damages the file; returns the first byte damaged."""
    span = committed if how.endswith("committed") else path.stat().st_size
    if how == "emptied":
        path.write_bytes(b"")
        return 0
    if how == "deleted":
        path.unlink()
        return 0
    with open(path, "r+b") as f:
        if how.startswith("halved"):
            f.truncate(span // 2)
            return span // 2
        at = max(0, span // 2 - 32)
        f.seek(at)
        f.write(b"\xa5" * 64)
        return at


def must_start(name, how, at, journal, committed):
    """True: the damage loses nothing, the server must start with everything; False: it
    must refuse; None: either (a halved MANIFEST may keep the newer of its two records)."""
    generation = journal.split("-")[1]
    if name == journal:
        return at >= committed
    if name in (f"snapshot-{generation}", "MANIFEST"):
        return None if (name, how) == ("MANIFEST", "halved") else False
    return True  # the LOCK and the previous generation's files


@pytest.mark.parametrize("stop", ["kill -9", "clean stop"])
def test_damage_matrix_never_starts_with_less(stop):
    template, acked = populated(stop)
    files = sorted(p.name for p in template.iterdir())
    assert {"LOCK", "MANIFEST"} <= set(files) and len(files) >= 6, files
    journal, committed, size = commit_point(template)
    assert size >= 2 * committed, "the journal is written ahead"
    outcomes = {True: 0, False: 0}
    for name in files:
        for how in DAMAGE + (COMMITTED if name == journal else ()):
            data = scratch("openvpc-case-") / "data"
            shutil.copytree(template, data)
            at = damage(data / name, how, committed)
            case = f"{name} {how} (byte {at}, commit point {committed}) after {stop}"
            expected = must_start(name, how, at, journal, committed)
            s = Server(data)
            started = s.start(expect_up=False)
            outcomes[started] += 1
            if started:
                try:
                    assert acked <= all_vpcs(s.endpoint), f"{case}: started with less"
                finally:
                    s.stop()
                assert expected is not False, f"{case}: the damage went unnoticed"
                continue
            assert expected is not True, f"{case}: refused though nothing is lost: {s.log}"
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
    # The current journal (emptied, deleted, its committed bytes halved or overwritten),
    # the current snapshot (4) and the MANIFEST (3 at least): every such damage is noticed.
    assert outcomes[False] >= 11, outcomes


def test_store_check_and_backup_of_a_running_server():
    data = scratch("openvpc-backup-") / "data"
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
