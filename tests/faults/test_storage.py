"""Storage faults are errors, not crashes: a full disk and a read-only data directory get
ServiceUnavailable and change nothing, reads go on (a never-seen account included), and
writes resume once the fault is gone, without a restart. Needs root (tmpfs)."""

import shutil
import subprocess
from pathlib import Path

from faultkit import BIN, Server, all_vpcs, code_of, create_vpc, created_vpcs, fill, ids, \
    parses, query, remount, require_root, scratch, tmpfs


def create_tagged_vpc(endpoint, cidr):
    """A VPC with 50 tags of the largest size: some 20 KB of journal each, so the space the
    journal has written ahead (up to 1 MiB) is used up within about 60 of them."""
    params = {"Action": "CreateVpc", "CidrBlock": cidr, "TagSpecification.1.ResourceType": "vpc"}
    for t in range(1, 51):
        params[f"TagSpecification.1.Tag.{t}.Key"] = f"{t:03d}" + "k" * 125
        params[f"TagSpecification.1.Tag.{t}.Value"] = "v" * 256
    status, body = query(endpoint, params)
    return status, (ids(body) or [None])[0], body


def writes_until_refused(endpoint, first_octet):
    """Creates large VPCs until one is refused (once the journal's written-ahead space is
    used up, it must grow); returns (acked ids, the refusal's status, body)."""
    acked = set()
    for i in range(200):
        status, vpc, body = create_tagged_vpc(endpoint, f"10.{first_octet}.{i}.0/24")
        if status != 200:
            return acked, status, body
        acked.add(vpc)
    raise AssertionError("no write was refused on a full disk")


def test_disk_full_answers_service_unavailable_and_recovers_without_restart():
    with tmpfs("4m") as mnt:
        s = Server(mnt / "data")
        s.start()
        try:
            before = {create_vpc(s.endpoint, f"10.0.{i}.0/24")[1] for i in range(3)}
            filler = fill(mnt)
            more, status, body = writes_until_refused(s.endpoint, 1)
            assert (status, code_of(body)) == (503, "ServiceUnavailable"), body
            parses(body)
            # Reads go on, also the first request of an account never seen before.
            assert before | more <= all_vpcs(s.endpoint)
            status, body = query(s.endpoint, {"Action": "DescribeVpcs"}, account="555555555555")
            assert status == 200 and "<isDefault>true</isDefault>" in body, body
            refused = created_vpcs(s.endpoint)
            assert refused == before | more, "the refused write changed nothing"
            filler.unlink()
            status, after, body = create_vpc(s.endpoint, "10.2.0.0/24")
            assert status == 200, body
        finally:
            s.kill9()
        s = Server(mnt / "data")
        s.start()
        try:
            assert created_vpcs(s.endpoint) == before | more | {after}
        finally:
            s.stop()


def immutable(data, on):
    """chattr +i / -i on every file of the data directory: writes through the server's
    open descriptors then fail with EPERM, as on a read-only disk."""
    for f in Path(data).iterdir():
        if f.is_file():
            subprocess.run(["chattr", "+i" if on else "-i", str(f)], check=True)


def test_read_only_data_directory_is_survived_and_refused_at_start():
    require_root()
    data = scratch("openvpc-ro-") / "data"
    s = Server(data)
    s.start()
    try:
        acked = {create_vpc(s.endpoint, f"10.0.{i}.0/24")[1] for i in range(3)}
        immutable(data, True)
        status, _, body = create_vpc(s.endpoint, "10.1.0.0/24")
        assert (status, code_of(body)) == (503, "ServiceUnavailable"), body
        assert created_vpcs(s.endpoint) == acked
        immutable(data, False)
        status, vpc, body = create_vpc(s.endpoint, "10.1.0.0/24")
        assert status == 200, body
        acked.add(vpc)
    finally:
        immutable(data, False)
        s.stop()
    immutable(data, True)
    try:
        refused = Server(data)
        assert not refused.start(expect_up=False)
        assert refused.exit_code != 0 and "cannot be written" in refused.log, refused.log
    finally:
        immutable(data, False)
    with tmpfs("8m") as mnt:
        shutil.copytree(data, mnt / "data")
        remount(mnt, "ro")
        refused = Server(mnt / "data")
        assert not refused.start(expect_up=False)
        assert refused.exit_code != 0 and "cannot be written" in refused.log, refused.log
        remount(mnt, "rw")
        s = Server(mnt / "data")
        s.start()
        try:
            assert created_vpcs(s.endpoint) == acked
        finally:
            s.stop()


def test_two_servers_on_one_directory():
    data = scratch("openvpc-two-") / "data"
    first = Server(data)
    first.start()
    try:
        second = Server(data)
        assert not second.start(expect_up=False)
        assert second.exit_code != 0
        assert str(data) in second.log and f"pid {first.proc.pid}" in second.log, second.log
        # `store recover` refuses too: the directory is in use.
        out = subprocess.run([str(BIN), "store", "recover", str(data)],
                             capture_output=True, text=True, timeout=60)
        assert out.returncode != 0 and "in use" in out.stderr
    finally:
        first.stop()
