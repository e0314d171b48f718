"""Remote mode against a hostile box (and a stopped one): the laptop's connection and
library given junk, floods and silence by a fake ``kino serve``. The numbers are the
attacks of issue 20 (see docs/architecture.md, "Security model")."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

import pytest

from kino_tui.config.paths import KinoPaths
from kino_tui.config.settings import RemoteSettings, Settings
from kino_tui.core.errors import KinoError
from kino_tui.service.remote.connection import Connection
from kino_tui.service.remote.protocol import PROTOCOL, RemoteError
from tests.remote.peer import fake_box


@pytest.mark.parametrize(
    "answers",
    [
        {"load": '{"id": {id}, "result": ' + "[" * 100_000 + "]" * 100_000 + "}"},
        {"load": '{"id": {id}, "result": null}'},
        {"load": '{"id": {id}, "result": {"items": [{"id": 5}], "warnings": []}}'},
        {
            "load": '{"id": {id}, "result": {"items": [{"id": "a", "kind": "movie", "path": "/x",'
            ' "title": 7}], "warnings": [1]}}'
        },
        {"load": '{"id": {id}, "error": ' + "[" * 100_000 + "]" * 100_000 + "}"},
    ],
    ids=["deep", "null", "not-an-item", "bad-types", "deep-error"],
)
def test_3_a_hostile_box_gets_a_clear_error_on_the_laptop(
    answers: dict[str, str], tmp_path: Path
) -> None:
    from kino_tui.service.remote.library import RemoteLibrary

    paths = KinoPaths(tmp_path / "config", tmp_path / "data", tmp_path / "cache")
    settings = Settings(remote=RemoteSettings("box", ("kino",), fake_box(answers, tmp_path)))
    library = RemoteLibrary(paths, "box", settings)
    try:
        with pytest.raises(KinoError) as refused:
            library.load()
        assert "box" in str(refused.value)
        assert len(str(refused.value)) < 500
    finally:
        library.close()


def test_3_progress_from_a_hostile_box_is_checked_on_the_laptop(tmp_path: Path) -> None:
    from kino_tui.service.remote.library import RemoteLibrary

    answers = {"progress": '{"id": {id}, "result": {"a": {"position": "1:23"}}}'}
    paths = KinoPaths(tmp_path / "config", tmp_path / "data", tmp_path / "cache")
    settings = Settings(remote=RemoteSettings("box", ("kino",), fake_box(answers, tmp_path)))
    library = RemoteLibrary(paths, "box", settings)
    try:
        with pytest.raises(KinoError, match="position"):
            library.watch.all()
    finally:
        library.close()


def test_6_the_laptop_ssh_log_is_capped_and_rotated(tmp_path: Path) -> None:
    """ssh's messages (a box that writes tracebacks without end, say) go to a log in the
    connection's private folder that never grows past its cap, and is never read whole."""
    from kino_tui.service.remote import connection as connection_module

    script = tmp_path / "noisy_box.py"
    script.write_text(
        "import json, sys\n"
        "for n in range(40000):\n"
        "    sys.stderr.write(f'Traceback line {n} ' + 'x' * 500 + '\\n')\n"
        "sys.stderr.write('the last words\\n'); sys.stderr.flush()\n"
        f"print(json.dumps({{'kino': 'serve', 'protocol': {PROTOCOL}}}), flush=True)\n"
        "sys.stdin.read()\n"
    )
    connection = Connection("box", (sys.executable, str(script))).open()
    log = connection.directory / "ssh.log"
    try:
        deadline = time.monotonic() + 30
        while b"the last words" not in log.read_bytes() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert b"the last words" in log.read_bytes()
        logs = sorted(p.name for p in connection.directory.iterdir() if "log" in p.name)
        assert logs == ["ssh.log", "ssh.log.1"]
        for name in logs:
            assert (connection.directory / name).stat().st_size <= connection_module.LOG_CAP
    finally:
        connection.close()
    assert not connection.directory.exists()


# -- 7. no timeout on protocol calls --------------------------------------------------------


def test_7_a_box_that_stops_answering_times_out(tmp_path: Path) -> None:
    script = (
        f"import json, sys, time\n"
        f"print(json.dumps({{'kino': 'serve', 'protocol': {PROTOCOL}}}), flush=True)\n"
        "sys.stdin.readline(); time.sleep(600)\n"
    )
    connection = Connection("box", (sys.executable, "-c", script), timeout=2)
    connection.open()
    started = time.monotonic()
    try:
        with pytest.raises(RemoteError, match="stopped answering"):
            connection.call("items")
        assert time.monotonic() - started < 10
        with pytest.raises(RemoteError):  # and the connection is given up
            connection.call("items")
    finally:
        connection.close()
    assert time.monotonic() - started < 20


def test_7_an_interrupt_ends_a_hung_call_at_once(tmp_path: Path) -> None:
    script = (
        f"import json, sys, time\n"
        f"print(json.dumps({{'kino': 'serve', 'protocol': {PROTOCOL}}}), flush=True)\n"
        "sys.stdin.readline(); time.sleep(600)\n"
    )
    connection = Connection("box", (sys.executable, "-c", script), timeout=300)
    connection.open()
    threading.Timer(0.5, connection.interrupt).start()
    started = time.monotonic()
    try:
        with pytest.raises(RemoteError, match="interrupted"):
            connection.call("items")
        assert time.monotonic() - started < 5
    finally:
        connection.close()
