"""Remote mode against a hostile neighbour and hard stops, on a real box and laptop
(sshd on loopback, see sshbox.py): another user of the laptop reading ``ps``, a box
whose ``serve`` stops answering, and signals to the laptop's kino. The numbers are the
attacks of issue 20; the ones spoken straight to ``serve`` are in test_hostile_peer.py.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import resource
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.remote.sshbox import Link
from tests.remote.test_remote_play import (
    box_progress,
    children,
    item_id,
    start_slow_play,
    wait_for_position,
)


def descendants(pid: int) -> dict[int, str]:
    found = {}
    for child, name in children(pid).items():
        found[child] = name
        found.update(descendants(child))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def temporary_folders(uid: int, prefix: str) -> set[str]:
    """This user's temporary folders (a user id of an earlier run may be this run's)."""
    found = set()
    for path in Path("/tmp").glob(f"{prefix}*"):
        with contextlib.suppress(OSError):
            if path.stat().st_uid == uid:
                found.add(path.name)
    return found


def serves(link: Link) -> list[int]:
    out = subprocess.run(
        ["ps", "-u", link.box.user.pw_name, "-o", "pid=,args="], capture_output=True, text=True
    ).stdout
    return [int(line.split()[0]) for line in out.splitlines() if "serve --stdio" in line]


def wait_until(condition, timeout: float = 30) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return bool(condition())


def fetch_status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as error:
        return error.code


def play_url(mpv: int) -> str:
    """The stream URL mpv plays: on its command line, or in the EDL file named there."""
    argv = Path(f"/proc/{mpv}/cmdline").read_bytes().split(b"\0")
    for word in argv:
        if word.startswith(b"http://") or word.endswith(b".edl"):
            text = word.decode() if word.startswith(b"http") else Path(word.decode()).read_text()
            return re.search(r"http://\S+", text).group(0)  # type: ignore[union-attr]
    raise AssertionError(f"no stream in {argv}")


def test_6_another_user_cannot_read_the_stream_url_from_ps(box_state: Link) -> None:
    link = box_state
    film = item_id(link, "Long Film")
    play = start_slow_play(link, film)
    try:
        wait_for_position(link, film, 10)
        [mpv] = [pid for pid, name in descendants(play.pid).items() if name == "mpv"]
        # What any user of the laptop sees of mpv (ps, /proc/PID/cmdline):
        argv = Path(f"/proc/{mpv}/cmdline").read_bytes().split(b"\0")
        assert not any(b"http:" in word for word in argv), argv
        # The URL is in a file of a folder only the laptop user can enter.
        edl = Path(next(w for w in argv if w.endswith(b".edl")).decode())
        assert (edl.parent.stat().st_mode & 0o777) == 0o700
        assert (edl.parent.parent.stat().st_mode & 0o777) == 0o700
        url = re.search(r"http://\S+", edl.read_text()).group(0)  # type: ignore[union-attr]
        assert fetch_status(url) in (200, 206)
        # Even with it, another item of the box is not open to its token.
        other = item_id(link, "Secret")
        base, token, kind, _, index, name = url.rsplit("/", 5)
        assert fetch_status(f"{base}/{token}/{kind}/{other}/{index}/{name}") == 403
        os.killpg(play.pid, signal.SIGINT)
        play.communicate(timeout=60)
    finally:
        if play.poll() is None:
            os.killpg(play.pid, signal.SIGKILL)
    with pytest.raises(urllib.error.URLError):  # the forward ended with the play
        fetch_status(url)


def test_6_a_thousand_idle_connections_to_the_forward_do_not_end_the_play(
    box_state: Link,
) -> None:
    """Another user opens 1,000 connections to the play's forwarded port and sends
    nothing: the box closes them (over its cap at once, the rest when idle), so the
    laptop's ssh does not run out of descriptors and the play goes on."""
    link = box_state
    film = item_id(link, "Long Film")
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 4096), hard))
    play = start_slow_play(link, film)
    idle: list[socket.socket] = []
    try:
        wait_for_position(link, film, 10)
        [mpv] = [pid for pid, name in descendants(play.pid).items() if name == "mpv"]
        port = int(play_url(mpv).split(":")[2].split("/")[0])
        for _ in range(1000):
            with contextlib.suppress(OSError):
                idle.append(socket.create_connection(("127.0.0.1", port), timeout=5))
        assert len(idle) > 500
        at = box_progress(link, film)["position"]
        wait_for_position(link, film, at + 30)  # the play goes on
        closed = sum(1 for client in idle if _closed_within(client, 20))
        assert closed == len(idle)
        os.killpg(play.pid, signal.SIGINT)
        out, err = play.communicate(timeout=60)
    finally:
        for client in idle:
            client.close()
        if play.poll() is None:
            os.killpg(play.pid, signal.SIGKILL)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    assert "stopped at" in out, out + err


def _closed_within(client: socket.socket, timeout: float) -> bool:
    client.settimeout(timeout)
    try:
        return client.recv(1) == b""
    except TimeoutError:
        return False
    except OSError:
        return True


def test_7_a_stopped_serve_ends_the_play_with_a_message(box_state: Link) -> None:
    link = box_state
    film = item_id(link, "Long Film")
    before = temporary_folders(link.laptop.user.pw_uid, "kino-")
    box_before = temporary_folders(link.box.user.pw_uid, "kino-stream-")
    play = start_slow_play(link, film)  # the box must answer within 30 s (the default)
    stopped: list[int] = []
    try:
        wait_for_position(link, film, 20)
        stopped = serves(link)
        assert len(stopped) == 1
        os.kill(stopped[0], signal.SIGSTOP)
        out, err = play.communicate(timeout=90)  # hung for good before
        players = [pid for pid in descendants(play.pid) if alive(pid)]
    finally:
        if play.poll() is None:
            os.killpg(play.pid, signal.SIGKILL)
        for pid in stopped:  # on again, it finds its input gone and cleans up
            os.kill(pid, signal.SIGCONT)
            if not wait_until(lambda pid=pid: not alive(pid), timeout=15):
                os.kill(pid, signal.SIGKILL)
    assert "box stopped answering" in err, out + err
    assert "kept on this machine" in err, out + err
    assert players == []
    pending = json.loads((link.laptop.data_dir / "remote-pending.json").read_text())
    assert pending["box"]["progress"][film]["position"] >= 20
    assert temporary_folders(link.laptop.user.pw_uid, "kino-") <= before
    assert temporary_folders(link.box.user.pw_uid, "kino-stream-") <= box_before


def test_7_ctrl_c_ends_a_call_the_stopped_box_never_answers(box_state: Link) -> None:
    """Ctrl+C stops the player; kino then waits to save on a box that does not answer:
    the second Ctrl+C ends that wait at once (it hung through three before)."""
    link = box_state
    film = item_id(link, "Long Film")
    play = start_slow_play(link, film)
    stopped: list[int] = []
    try:
        wait_for_position(link, film, 20)
        stopped = serves(link)
        os.kill(stopped[0], signal.SIGSTOP)
        os.killpg(play.pid, signal.SIGINT)  # Ctrl+C: mpv quits, kino saves (and waits)
        time.sleep(2)
        started = time.monotonic()
        os.killpg(play.pid, signal.SIGINT)  # again
        out, err = play.communicate(timeout=60)
        took = time.monotonic() - started
    finally:
        if play.poll() is None:
            os.killpg(play.pid, signal.SIGKILL)
        for pid in stopped:  # on again, it finds its input gone and cleans up
            os.kill(pid, signal.SIGCONT)
            if not wait_until(lambda pid=pid: not alive(pid), timeout=15):
                os.kill(pid, signal.SIGKILL)
    assert took < 10, (took, out, err)  # not the 30 s of the timeout
    assert "interrupted" in err and "kept on this machine" in err, out + err
    pending = json.loads((link.laptop.data_dir / "remote-pending.json").read_text())
    assert pending["box"]["progress"][film]["position"] >= 20
    assert [line["id"] for line in pending["box"]["history"]] == [film]


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGHUP])
def test_8_a_signal_to_the_laptop_kino_saves_and_leaves_nothing(
    box_state: Link, number: int
) -> None:
    link = box_state
    film = item_id(link, "Long Film")
    before = temporary_folders(link.laptop.user.pw_uid, "kino-")
    box_before = temporary_folders(link.box.user.pw_uid, "kino-stream-")
    play = start_slow_play(link, film)
    try:
        wait_for_position(link, film, 20)
        started = descendants(play.pid)
        assert {"mpv", "ssh"} <= set(started.values()), started
        os.kill(play.pid, number)  # kino alone: its player and ssh are for it to stop
        play.wait(timeout=60)
        # No orphan plays on (mpv had the whole film in its cache: 40 s more).
        gone = wait_until(lambda: not any(alive(pid) for pid in started), timeout=5)
        out, err = play.communicate(timeout=60)
    finally:
        if play.poll() is None:
            os.killpg(play.pid, signal.SIGKILL)
    assert gone, started
    assert play.returncode == 128 + number, out + err
    assert "Traceback" not in err
    progress = box_progress(link, film)
    assert progress["position"] >= 20 and not progress["watched"]
    history = json.loads(link.box.run("history", "--json").stdout)
    assert history and history[0]["id"] == film and history[0]["position"] >= 20
    assert temporary_folders(link.laptop.user.pw_uid, "kino-") <= before
    assert wait_until(lambda: serves(link) == [])
    assert temporary_folders(link.box.user.pw_uid, "kino-stream-") <= box_before


def test_8_a_signal_to_the_whole_laptop_group_queues_the_position_and_history(
    box_state: Link,
) -> None:
    """SIGTERM to kino, mpv and ssh at once: the link is down when kino saves, so the
    position and the history line wait on the laptop and reach the box next time."""
    link = box_state
    film = item_id(link, "Long Film")
    before = temporary_folders(link.laptop.user.pw_uid, "kino-")
    play = start_slow_play(link, film)
    try:
        wait_for_position(link, film, 20)
        started = descendants(play.pid)
        os.killpg(play.pid, signal.SIGTERM)
        _, err = play.communicate(timeout=60)
    finally:
        if play.poll() is None:
            os.killpg(play.pid, signal.SIGKILL)
    assert "Traceback" not in err, err
    assert wait_until(lambda: not any(alive(pid) for pid in started)), started
    pending = json.loads((link.laptop.data_dir / "remote-pending.json").read_text())
    kept = pending["box"]["progress"][film]["position"]
    assert kept >= 20
    assert [line["id"] for line in pending["box"]["history"]] == [film]
    assert temporary_folders(link.laptop.user.pw_uid, "kino-") <= before
    result = link.laptop.run("--remote", "box", "ls")
    assert "gave box the position of 1 item" in result.stderr
    history = json.loads(link.box.run("history", "--json").stdout)
    assert [line["id"] for line in history] == [film]
    assert box_progress(link, film)["position"] == kept


@pytest.mark.parametrize("how", ["sigterm", "hangup"])
def test_8_the_remote_browser_ended_by_a_signal_saves_and_leaves_nothing(
    box_state: Link, how: str
) -> None:
    """The TUI in a real terminal (tmux) playing from the box, ended by SIGTERM or by its
    terminal going away (SIGHUP)."""
    from tests.remote.test_remote_tui import SOCKET, TMUX, Terminal

    link = box_state
    film = item_id(link, "Long Film")
    before = temporary_folders(link.laptop.user.pw_uid, "kino-")
    terminal = Terminal(link)
    env = ["env", f"XDG_CONFIG_HOME={link.laptop.slow['XDG_CONFIG_HOME']}"]
    terminal.start([*env, *link.laptop.kino("--remote", "box", "--images", "off")])
    try:
        terminal.wait_for("Long Film")
        terminal.keys("g", "j", "Enter")  # Long Film (see test_remote_tui)
        wait_for_position(link, film, 20)
        pane = int(terminal.tmux("list-panes", "-t", terminal.session, "-F", "#{pane_pid}"))
        started = {pane: "pane", **descendants(pane)}
        assert {"mpv", "ssh"} <= set(started.values()), started
        if how == "sigterm":
            kino = next(pid for pid, name in started.items() if name.startswith("python"))
            os.kill(kino, signal.SIGTERM)
        else:
            terminal.tmux("kill-server")  # the terminal goes away
        others = [pid for pid in started if pid != pane]
        assert wait_until(lambda: not any(alive(pid) for pid in others), timeout=10), started
    finally:
        link.laptop.popen([TMUX, "-L", SOCKET, "kill-server"],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).wait(30)  # fmt: skip
    progress = box_progress(link, film)
    assert progress["position"] >= 20 and not progress["watched"]
    # A hangup reaches ssh too (the terminal's whole group): the history line then
    # waits on the laptop for the next connection.
    history = json.loads(link.box.run("history", "--json").stdout)
    pending = link.laptop.data_dir / "remote-pending.json"
    if pending.exists():
        history += [
            line["record"] | line for line in json.loads(pending.read_text())["box"]["history"]
        ]
    assert [line["id"] for line in history] == [film]
    assert temporary_folders(link.laptop.user.pw_uid, "kino-") <= before
    assert wait_until(lambda: serves(link) == [])
