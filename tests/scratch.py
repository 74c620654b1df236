"""What the pytest suites (tests/e2e, tests/faults) share to leave nothing behind in the
temporary directory: whatever a test makes (servers, scratch directories) is closed and
removed after that test, passed or failed; a failed test's report first gets the tail of
each of its servers' logs, so the log is seen although its file is gone.

A server or directory made by a fixture belongs to that fixture, which closes it itself
(`close()`); the failure report of a test shows the logs of the fixture servers it used.

A suite's conftest takes the hooks at the end of this file by importing them
(`from scratch import pytest_runtest_call, ...`); one with a report hook of its own calls
`report_logs` from it.
"""

import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest

LOG_LINES = 60  # lines of a server log shown in a failed test's report
LOGS_SHOWN = 3  # the last servers a failed test made whose logs are shown

_made = []  # what is being made: claimed by the running test (`owned_by`) or a fixture


def made(thing):
    """Records `thing` (it has `close()`; `log_path` and `endpoint` if it is a server): if a test's body
    made it, it is closed after that test. Returns `thing`."""
    _made.append(thing)
    return thing


class Scratch:
    """A fresh temporary directory (`path`), removed by `close()`."""

    def __init__(self, prefix):
        self.path = Path(tempfile.mkdtemp(prefix=prefix))

    def close(self):
        remove_tree(self.path)


def scratch(prefix):
    """A fresh temporary directory, removed after the test whose body made it (a fixture
    uses tempfile.TemporaryDirectory instead)."""
    return made(Scratch(prefix)).path


def remove_tree(path):
    """Removes `path`, also where a fault test left a file immutable (chattr +i) or a
    directory read-only: the attributes and modes are restored first."""
    path = Path(path)
    if not path.exists() and not path.is_symlink():
        return
    try:
        shutil.rmtree(path)
    except OSError:
        subprocess.run(["chattr", "-R", "-i", str(path)], capture_output=True, check=False)
        subprocess.run(["chmod", "-R", "u+rwX", str(path)], capture_output=True, check=False)
        shutil.rmtree(path)


def tail(path, lines=LOG_LINES):
    try:
        text = Path(path).read_text(errors="replace")
    except OSError as e:
        return f"(no log: {e})"
    return "\n".join(text.splitlines()[-lines:]) or "(empty)"


@contextmanager
def owned_by(item):
    """Around a test's body (pytest_runtest_call): what it makes becomes the test's."""
    start = len(_made)
    try:
        yield
    finally:
        item.openvpc_owned = _made[start:]
        del _made[start:]


def report_logs(item, report):
    """In pytest_runtest_makereport: a failed test's report gets the log tails of the
    fixture servers it used and of the last servers it made."""
    if not report.failed:
        return
    mine = [t for t in getattr(item, "openvpc_owned", []) if hasattr(t, "log_path")]
    shared = [v for v in getattr(item, "funcargs", {}).values() if hasattr(v, "log_path")]
    for server in shared + mine[-LOGS_SHOWN:]:
        report.sections.append((f"openvpc at {server.endpoint}: the last {LOG_LINES} lines "
                                "of its log", tail(server.log_path)))


def close_owned(item):
    """In pytest_runtest_teardown: stops the test's servers, then removes its files."""
    owned = getattr(item, "openvpc_owned", [])
    item.openvpc_owned = []
    errors = []
    servers_first = [t for t in owned if hasattr(t, "log_path")] + \
        [t for t in owned if not hasattr(t, "log_path")]
    for thing in servers_first:  # stopped before the directories they run in go
        try:
            thing.close()
        except Exception as e:  # noqa: BLE001 -- close the rest, then say what failed
            errors.append(f"{thing!r}: {e}")
    if errors:
        raise RuntimeError("cleaning up after the test failed: " + "; ".join(errors))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    """What the test's body makes (servers, scratch directories) is the test's."""
    with owned_by(item):
        yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed test's report shows its servers' log tails."""
    outcome = yield
    report_logs(item, outcome.get_result())


def pytest_runtest_teardown(item):
    """The test's servers are stopped and its files removed after it."""
    close_owned(item)
