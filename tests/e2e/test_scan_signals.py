"""``kino scan`` ended by a signal while its process pool reads files (issue 9).

A real scan of a synthetic library big enough for the pool, signalled once the pool runs:
no process of that scan may stay behind (they are found by a marker in their environment,
read from /proc, so other processes on the machine are never looked at), anything reading
kino's stderr must get its end, and a scan stopped by SIGTERM, SIGINT (Ctrl+C, sent to the
whole process group as a terminal does) or SIGHUP keeps what it read: the catalog holds
those files and the next scan reads only the rest.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from bench.synthetic_library import build
from kino_tui.core.scan.readers import PARALLEL_THRESHOLD

FILES = 2000
MARK = "KINO_E2E_SCAN_MARK"
assert FILES > 10 * PARALLEL_THRESHOLD
pytestmark = [
    pytest.mark.skipif(
        (os.cpu_count() or 1) < 2, reason="one core: kino reads without worker processes"
    ),
    # its module fixture (a library of many files) is costly: one worker builds it
    pytest.mark.xdist_group("scan-signals"),
]


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("signals") / "library"
    assert build(root, FILES) == FILES
    return root


def marked(token: str) -> list[int]:
    """Live processes (not zombies) whose environment holds ``MARK=token``."""
    wanted = f"{MARK}={token}".encode()
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            environ = Path(entry.path, "environ").read_bytes()
            state = Path(entry.path, "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if wanted in environ.split(b"\0") and state not in ("Z", "X"):
            found.append(int(entry.name))
    return found


def environment(tmp_path: Path, token: str) -> dict[str, str]:
    env = os.environ.copy()
    for name in ("CONFIG", "DATA", "CACHE"):
        env[f"XDG_{name}_HOME"] = str(tmp_path / "xdg" / name.lower())
    env[MARK] = token
    return env


def kino(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kino_tui", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        stdin=subprocess.DEVNULL,
    )


def start_scan(library: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "kino_tui", "scan", str(library)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        start_new_session=True,  # its own process group, as a terminal's foreground job
    )


def wait_for_pool(scan: subprocess.Popen[bytes], token: str) -> None:
    """Until the pool reads: two processes of the scan besides kino itself (the walk's
    helper is one, and only while it walks), and half a second more."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert scan.poll() is None, "the scan ended before its pool ran"
        if len([pid for pid in marked(token) if pid != scan.pid]) >= 2:
            time.sleep(0.5)  # the walk (and its helper) is long over: workers are reading
            others = [pid for pid in marked(token) if pid != scan.pid]
            assert scan.poll() is None and len(others) >= 2, "the pool ended too soon"
            return
        time.sleep(0.02)
    raise AssertionError("no process pool seen in 60 s")


def assert_nothing_left(scan: subprocess.Popen[bytes], token: str) -> bytes:
    """Every process of the scan ends within a few seconds, and stderr reaches its end."""
    deadline = time.monotonic() + 5
    while (left := marked(token)) and time.monotonic() < deadline:
        time.sleep(0.05)
    if left:
        for pid in left:  # do not leave them to the next test
            os.kill(pid, signal.SIGKILL)
    assert not left, f"processes left behind: {left}"
    try:
        _, stderr = scan.communicate(timeout=5)  # EOF only when no process holds it open
    except subprocess.TimeoutExpired:
        raise AssertionError("kino's stderr is still held open") from None
    return stderr


def listed(env: dict[str, str]) -> int:
    result = kino(env, "ls", "--json")
    assert result.returncode == 0, result.stderr
    return len(json.loads(result.stdout))


def test_sigkill_during_the_pool_leaves_no_process(library: Path, tmp_path: Path) -> None:
    token = uuid.uuid4().hex
    env = environment(tmp_path, token)
    scan = start_scan(library, env)
    wait_for_pool(scan, token)
    os.kill(scan.pid, signal.SIGKILL)
    assert scan.wait(timeout=10) == -signal.SIGKILL
    assert_nothing_left(scan, token)


@pytest.mark.parametrize(
    ("number", "status", "to_group"),
    [(signal.SIGTERM, 143, False), (signal.SIGINT, 130, True), (signal.SIGHUP, 129, True)],
    ids=["SIGTERM", "SIGINT", "SIGHUP"],
)
def test_a_signalled_scan_stops_and_keeps_what_it_read(
    library: Path, tmp_path: Path, number: int, status: int, to_group: bool
) -> None:
    token = uuid.uuid4().hex
    env = environment(tmp_path, token)
    scan = start_scan(library, env)
    wait_for_pool(scan, token)
    if to_group:
        os.killpg(scan.pid, number)
    else:
        os.kill(scan.pid, number)
    assert scan.wait(timeout=20) == status
    stderr = assert_nothing_left(scan, token).decode()
    found = re.search(r"scan stopped: ([\d,]+) of ([\d,]+) files read and kept", stderr)
    assert found, stderr
    assert "Traceback" not in stderr, stderr
    read, total = (int(number.replace(",", "")) for number in (found[1], found[2]))
    assert total == FILES and 0 < read < FILES, stderr
    assert listed(env) == read  # one item a file in this library

    again = kino(env, "scan", "--json")
    assert again.returncode == 0, again.stderr
    summary = json.loads(again.stdout)
    assert (summary["added"], summary["unchanged"], summary["removed"]) == (FILES - read, read, 0)
    assert listed(env) == FILES
