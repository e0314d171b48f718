"""``kino play`` (a local play, mpv in its own window) ended by a signal to kino alone:
the player stops, the position and the history line are saved, nothing is left running
(before, SIGTERM and SIGHUP left mpv playing on as an orphan and lost the position, and
Ctrl+C was ignored while mpv played in its window)."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from kino_tui.config.paths import KinoPaths
from tests.conftest import LibraryBuilder

SLOW_MPV = (
    'playback = "window"\nresume = "never"\n[progress]\nsave_interval = 1\n'
    '[mpv]\nargs = ["--no-config", "--vo=null", "--ao=null", "--speed=10"]\n'
)


def mpv_children(pid: int) -> list[int]:
    out = subprocess.run(
        ["ps", "--ppid", str(pid), "-o", "pid=,comm="], capture_output=True, text=True
    ).stdout
    return [int(line.split()[0]) for line in out.splitlines() if line.split()[1:] == ["mpv"]]


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_signal_to_kino_stops_the_player_and_saves(
    number: int,
    kino_paths: KinoPaths,
    build_library: LibraryBuilder,
    run_kino: Callable[..., subprocess.CompletedProcess[str]],
) -> None:
    kino_paths.config_dir.mkdir(parents=True, exist_ok=True)
    kino_paths.config_file.write_text(SLOW_MPV)
    root = build_library({"Movies/Long (2001)/Long (2001).mkv": "long.mkv"})
    run_kino("scan", "--type", "movies", str(root))
    play = subprocess.Popen(
        [sys.executable, "-m", "kino_tui", "play", str(root / "Movies")],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        position = 0.0
        while position < 20 and time.monotonic() < deadline:
            time.sleep(0.3)
            [item] = json.loads(run_kino("ls", "--json").stdout)
            position = item["progress"]["position"] or 0.0
        assert position >= 20
        players = mpv_children(play.pid)
        assert players
        play.send_signal(number)
        out, err = play.communicate(timeout=30)
        deadline = time.monotonic() + 5
        while any(alive(pid) for pid in players) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(alive(pid) for pid in players)  # mpv did not play on
    finally:
        if play.poll() is None:
            play.kill()
            play.communicate()
    expected = 0 if number == signal.SIGINT else 128 + number
    assert play.returncode == expected, out + err
    assert "stopped at" in out and "Traceback" not in err, out + err
    [item] = json.loads(run_kino("ls", "--json").stdout)
    assert item["progress"]["position"] >= position and not item["progress"]["watched"]
    [line] = json.loads(run_kino("history", "--json").stdout)
    assert line["position"] >= position
