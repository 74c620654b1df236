"""The fault suite: crashes, damage, full and read-only disks, two servers on one
directory, and the wire under hostile input. Needs the built binary ($OPENVPC_BIN) and,
for the tmpfs cases, root. What a test makes (servers, their logs, scratch directories) is
removed after it; a failed test's report shows its servers' log tails first (see
tests/scratch.py)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from scratch import (  # noqa: E402,F401 -- the hooks pytest finds here
    pytest_runtest_call,
    pytest_runtest_makereport,
    pytest_runtest_teardown,
)
