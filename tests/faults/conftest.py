"""The fault suite: crashes, damage, full and read-only disks, two servers on one
directory, and the wire under hostile input. Needs the built binary ($OPENVPC_BIN) and,
for the tmpfs cases, root. What a test makes (servers, their logs, scratch directories) is
removed after it; a failed test's report shows its servers' log tails first (see
tests/scratch.py)."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import scratch  # noqa: E402


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    """What the test's body makes is the test's: closed after it."""
    with scratch.owned_by(item):
        yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    scratch.report_logs(item, outcome.get_result())


def pytest_runtest_teardown(item):
    scratch.close_owned(item)
