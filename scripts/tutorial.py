#!/usr/bin/env python3
"""Runs docs/tutorial.md as a reader would and checks that every block prints what it shows.

    scripts/tutorial.py             check: run every shell block, compare with its output block
    scripts/tutorial.py --write     rewrite the output blocks with what the commands printed
    scripts/tutorial.py --pictures  also save the console pictures the tutorial shows (docs/img/)

The blocks run in order in one bash session, in a fresh temporary directory where `tests`
points at the repository's (the import section reads tests/fixtures/import, relative to the
repository root, where the tutorial says to run it). `openvpc` is target/debug/openvpc
(build it first) or $OPENVPC_BIN; the aws CLI and, for pictures, node with tests/browser's
packages are needed.

Marks in the Markdown (HTML comments, invisible when rendered):
  <!-- tutorial: background -->   the next block starts a server "in another terminal":
                                   it runs in the background and the run waits until the
                                   server answers (and stops it at the end)
  <!-- tutorial: skip -->         the next block is not run
  <!-- picture: FILE QUERY -->     after the previous block, save the console at
                                   /console?QUERY (shell variables expanded) as docs/img/FILE

An output block is the fenced block right after a shell block with no language, `text` or
`json`. A line `…` in it stands for whatever follows. The tutorial's ports (4566 to 4569)
are mapped to free ports for the run and back in the outputs, so that a server already on
4566 does not get in the way.
"""

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "tutorial.md"
IMG = ROOT / "docs" / "img"
PORTS = [4566, 4567, 4568, 4569]
FENCE = re.compile(r"^```(\w*)\s*$")
MARK = re.compile(r"^<!--\s*(tutorial|picture):\s*(.*?)\s*-->\s*$")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def parse(lines):
    """The document's blocks: (kind, start, end, language, mark) with kind 'sh', 'out' or
    'picture'; start/end are the indexes of the content lines."""
    blocks = []
    i = 0
    pending = None
    last_sh = False
    while i < len(lines):
        m = MARK.match(lines[i])
        if m:
            if m.group(1) == "picture":
                blocks.append(("picture", i, i, "", m.group(2)))
            else:
                pending = m.group(2)
            i += 1
            continue
        f = FENCE.match(lines[i])
        if not f:
            if lines[i].strip():
                last_sh = False
            i += 1
            continue
        lang = f.group(1)
        j = i + 1
        while j < len(lines) and not lines[j].startswith("```"):
            j += 1
        if lang == "sh":
            blocks.append(("sh", i + 1, j, lang, pending))
            last_sh = True
        elif lang in ("", "text", "json") and last_sh:
            blocks.append(("out", i + 1, j, lang, None))
            last_sh = False
        else:
            last_sh = False
        pending = None
        i = j + 1
    return blocks


def script(lines, blocks, ports, pictures):
    """One bash script running every block, each announced by a marker line."""
    out = [
        "exec 2>&1",
        "cd \"$TUTORIAL_DIR\"",
        "tutorial_wait() { for _ in $(seq 300); do curl -sf \"http://127.0.0.1:$1/_openvpc/health\" >/dev/null && return; sleep 0.1; done; echo \"server on $1 did not start\"; }",
        # A picture is taken from a copy of the state served by a server of its own, so that
        # the console's own requests (analyses take ids) never change what the tutorial prints.
        "tutorial_picture() {"
        " local copy port pid; copy=$(mktemp -d -p \"$TUTORIAL_DIR\"); cp -r \"$TUTORIAL_DIR/openvpc-data/.\" \"$copy/\";"
        " port=$(python3 -c 'import socket; s=socket.socket(); s.bind((\"127.0.0.1\", 0)); print(s.getsockname()[1])');"
        " openvpc serve --listen 127.0.0.1:$port --data-dir \"$copy\" >>\"$TUTORIAL_DIR/pictures.log\" 2>&1 & pid=$!;"
        " tutorial_wait $port >/dev/null;"
        " node \"$TUTORIAL_ROOT/tests/browser/picture.mjs\" \"$TUTORIAL_IMG/$1\" \"http://127.0.0.1:$port/console?$2\" >>\"$TUTORIAL_DIR/pictures.log\" 2>&1"
        " || echo \"picture $1 failed (see pictures.log)\" >>\"$TUTORIAL_DIR/failures\";"
        " kill $pid; wait $pid 2>/dev/null; rm -rf \"$copy\"; }",
    ]
    for n, (kind, start, end, _lang, mark) in enumerate(blocks):
        if kind == "picture":
            if pictures:
                name, _, query = mark.partition(" ")
                out.append(f'tutorial_picture {name} "{query.strip()}"')
            continue
        if kind != "sh":
            continue
        out.append(f"echo '@@@ {n}'")
        if mark == "skip":
            continue
        body = [mapped(l, ports) for l in lines[start:end]]
        if mark == "background":
            for cmd in body:
                if cmd.strip():
                    port = re.search(r"--listen 127\.0\.0\.1:(\d+)", cmd)
                    out.append(f"{cmd} > \"$TUTORIAL_DIR/server-$RANDOM.log\" 2>&1 &")
                    out.append(f"tutorial_wait {port.group(1) if port else ports[4566]}")
        else:
            out.extend(body)
    out.append("echo '@@@ end'")
    return "\n".join(out) + "\n"


def mapped(text, ports):
    for theirs, ours in ports.items():
        text = text.replace(f"127.0.0.1:{theirs}", f"127.0.0.1:{ours}")
    # Commands that use the default port 4566 without naming it.
    if re.search(r"\bopenvpc serve\b", text) and "--listen" not in text:
        text = text.replace("openvpc serve", f"openvpc serve --listen 127.0.0.1:{ports[4566]}", 1)
    if re.search(r"\bopenvpc demo\b", text) and "--endpoint" not in text:
        text = text.replace("openvpc demo", f"openvpc demo --endpoint http://127.0.0.1:{ports[4566]}", 1)
    return text


def unmapped(text, ports):
    for theirs, ours in ports.items():
        text = text.replace(f"127.0.0.1:{ours}", f"127.0.0.1:{theirs}")
    return text


def matches(expected, actual):
    if "…" in expected:
        cut = expected.index("…")
        return actual[:cut] == expected[:cut]
    return actual == expected


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--write", action="store_true", help="rewrite output blocks with what was printed")
    ap.add_argument("--pictures", action="store_true", help="also save the console pictures into docs/img")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = ap.parse_args()

    binary = Path(os.environ.get("OPENVPC_BIN", ROOT / "target" / "debug" / "openvpc"))
    if not binary.exists():
        sys.exit(f"{binary} is missing: cargo build -p openvpc")
    lines = DOC.read_text().split("\n")
    blocks = parse(lines)
    ports = {p: free_port() for p in PORTS}
    work = Path(tempfile.mkdtemp(prefix="openvpc-tutorial-"))
    try:
        failures = check(args, binary, lines, blocks, ports, work)
    except BaseException:
        print(f"kept {work}")  # the run broke off: its servers' logs and state, for a look
        raise
    if args.keep or (failures and not args.write):
        # A failed check keeps the servers' logs and the state for a look.
        print(f"kept {work}")
    else:
        shutil.rmtree(work)
    if failures and not args.write:
        sys.exit(1)
    print(f"tutorial: {sum(1 for b in blocks if b[0] == 'sh')} blocks run, "
          f"{'all as shown' if not failures else f'{len(failures)} rewritten'}")


def check(args, binary, lines, blocks, ports, work):
    """Runs the blocks in `work` and compares (or, --write, rewrites) their outputs; prints
    and returns the failures. Every process the run started has exited on return."""
    (work / "tests").symlink_to(ROOT / "tests")
    IMG.mkdir(parents=True, exist_ok=True)
    env = dict(
        os.environ,
        PATH=f"{binary.parent}:{os.environ['PATH']}",
        TUTORIAL_DIR=str(work),
        TUTORIAL_ROOT=str(ROOT),
        TUTORIAL_IMG=str(IMG),
        TUTORIAL_PORT=str(ports[4566]),
        AWS_MAX_ATTEMPTS="1",
    )
    for k in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION"):
        env.pop(k, None)
    (work / "run.sh").write_text(script(lines, blocks, ports, args.pictures))
    proc = subprocess.Popen(["bash", str(work / "run.sh")], env=env, stdout=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        printed, _ = proc.communicate(timeout=900)
    finally:
        # Background servers share the session: stop them all, before `work` goes.
        stop_group(proc.pid)
        proc.wait()

    outputs = {}
    current = None
    for line in printed.split("\n"):
        m = re.match(r"^@@@ (\d+|end)$", line)
        if m:
            current = None if m.group(1) == "end" else int(m.group(1))
            outputs[current] = []
        elif current is not None:
            outputs[current].append(unmapped(line, ports))

    failures = []
    edits = []
    for n, (kind, start, end, _lang, mark) in enumerate(blocks):
        if kind != "sh" or n + 1 >= len(blocks) or blocks[n + 1][0] != "out" or mark == "skip":
            continue
        _, ostart, oend, _, _ = blocks[n + 1]
        expected = lines[ostart:oend]
        actual = [l.rstrip() for l in outputs.get(n, [])]
        while actual and not actual[-1]:
            actual.pop()
        if not matches([l.rstrip() for l in expected], actual):
            failures.append((start, expected, actual))
            if args.write:
                keep = actual[: expected.index("…")] + ["…"] if "…" in expected else actual
                edits.append((ostart, oend, keep))
    if (work / "failures").exists():
        failures.append((0, [], (work / "failures").read_text().split("\n")))
    if args.write and edits:
        for ostart, oend, new in sorted(edits, reverse=True):
            lines[ostart:oend] = new
        DOC.write_text("\n".join(lines))
        print(f"rewrote {len(edits)} output blocks of {DOC.relative_to(ROOT)}")
    for start, expected, actual in failures if not args.write else []:
        print(f"docs/tutorial.md:{start}: the block printed something else")
        print("  expected:\n    " + "\n    ".join(expected))
        print("  printed:\n    " + "\n    ".join(actual))
    return failures


def stop_group(pgid, grace=30):
    """SIGTERM to every process of the group (SIGKILL after `grace` seconds); returns once
    none runs any more."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(pgid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            if not running_in_group(pgid):
                return
            time.sleep(0.05)  # waiting for the processes to exit, not for model time


def running_in_group(pgid):
    """Whether a process of group `pgid` still runs (a zombie has exited: it holds no file)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            state, _ppid, group = stat.read_text().rsplit(")", 1)[1].split()[:3]
        except (OSError, IndexError, ValueError):
            continue
        if int(group) == pgid and state != "Z":
            return True
    return False


if __name__ == "__main__":
    main()
