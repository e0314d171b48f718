"""Plays streamed from the box to the laptop's real mpv, progress saved on the box."""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import time

from tests.helpers.remote import box_progress, item_id
from tests.remote.sshbox import Link


def test_remote_play_marks_the_film_watched_on_the_box(box_state: Link) -> None:
    link = box_state
    film = item_id(link, "Long Film")
    result = link.laptop.run("--remote", "box", "play", film, timeout=180)
    assert "watched Long Film" in result.stdout, result.stdout + result.stderr
    progress = box_progress(link, film)
    assert progress["watched"] is True
    assert progress["play_count"] == 1
    history = json.loads(link.box.run("history", "--json").stdout)
    assert history[0]["id"] == film
    assert history[0]["path"].startswith(str(link.media))  # the box's path, not a URL


def wait_for_position(link: Link, identifier: str, at_least: float, timeout: float = 60) -> float:
    """Wait until the box has saved a position of at least ``at_least`` for the item
    (progress flows to the box while the laptop plays)."""
    deadline = time.monotonic() + timeout
    position = 0.0
    while time.monotonic() < deadline:
        position = box_progress(link, identifier)["position"] or 0.0
        if position >= at_least:
            return position
        time.sleep(0.3)
    raise AssertionError(f"the box's position stayed at {position}")


def start_slow_play(link: Link, identifier: str) -> subprocess.Popen[str]:
    """``kino --remote box play`` in its own session, like a program in a terminal whose
    Ctrl+C reaches the whole foreground group."""
    return link.laptop.popen(
        link.laptop.kino("--remote", "box", "play", identifier),
        extra_env=link.laptop.slow,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def children(pid: int) -> dict[int, str]:
    out = subprocess.run(
        ["ps", "--ppid", str(pid), "-o", "pid=,comm="], capture_output=True, text=True
    ).stdout
    return {int(line.split()[0]): line.split()[1] for line in out.splitlines() if line.strip()}


FRAME = 0.5  # seconds: the long film has two frames a second (tests/remote/sshbox.py)


def test_ctrl_c_leaves_the_resume_point_on_the_box_and_the_next_play_starts_there(
    box_state: Link,
) -> None:
    link = box_state
    film = item_id(link, "Long Film")
    play = start_slow_play(link, film)
    try:
        wait_for_position(link, film, 40)
        os.killpg(play.pid, signal.SIGINT)  # Ctrl+C in the terminal
        out, err = play.communicate(timeout=60)
    finally:
        if play.poll() is None:
            os.killpg(play.pid, signal.SIGKILL)
    assert "stopped at" in out, out + err
    first = box_progress(link, film)
    assert 40 <= first["position"] < 300
    assert first["watched"] is False

    # The next play resumes there: mpv seeks over the stream. The first position it
    # saves is already past the resume point.
    again = start_slow_play(link, film)
    try:
        deadline = time.monotonic() + 60
        second = first
        while second["last_played"] == first["last_played"] and time.monotonic() < deadline:
            time.sleep(0.2)
            second = box_progress(link, film)
        os.killpg(again.pid, signal.SIGINT)
        out, err = again.communicate(timeout=60)
    finally:
        if again.poll() is None:
            os.killpg(again.pid, signal.SIGKILL)
    assert f"from {int(first['position']) // 60}:" in out, out + err
    # mpv lands on the frame at the resume point: its time may be a hair before it
    # (42.92375 for 42.924629 once)
    assert first["position"] - FRAME <= second["position"] < first["position"] + 60, (
        first, second,
    )  # fmt: skip
    # Where it stopped is past the resume point too (mpv's last report may be a frame
    # before the position saved a moment earlier: not exactly the later one).
    assert box_progress(link, film)["position"] >= first["position"]


def test_a_dropped_link_keeps_the_position_and_delivers_it_next_time(box_state: Link) -> None:
    link = box_state
    film = item_id(link, "Long Film")
    play = start_slow_play(link, film)
    try:
        wait_for_position(link, film, 30)
        ssh = [pid for pid, name in children(play.pid).items() if name == "ssh"]
        assert ssh, children(play.pid)
        os.kill(ssh[0], signal.SIGKILL)  # the link drops
        time.sleep(2)  # mpv plays on from its cache; the laptop keeps each position
        os.killpg(play.pid, signal.SIGINT)
        out, err = play.communicate(timeout=60)
    finally:
        if play.poll() is None:
            os.killpg(play.pid, signal.SIGKILL)
    assert "kept on this machine" in err, out + err
    pending = json.loads((link.laptop.data_dir / "remote-pending.json").read_text())
    kept = pending["box"]["progress"][film]["position"]
    on_the_box = box_progress(link, film)["position"]
    assert kept > on_the_box  # the box missed the last positions

    # The next connection delivers it.
    result = link.laptop.run("--remote", "box", "ls", "--json")
    assert "gave box the position of 1 item" in result.stderr
    delivered = next(i for i in json.loads(result.stdout) if i["id"] == film)
    assert delivered["progress"]["position"] == kept
    assert box_progress(link, film)["position"] == kept
    assert not (link.laptop.data_dir / "remote-pending.json").exists()


def test_a_multi_part_movie_plays_as_one_over_the_stream(box_state: Link) -> None:
    link = box_state
    film = item_id(link, "Parted Film")
    result = link.laptop.run("--remote", "box", "play", film, timeout=180)
    assert "watched Parted Film" in result.stdout, result.stdout + result.stderr
    progress = box_progress(link, film)
    assert progress["watched"] is True  # past 90 % of both parts: the second part played


def test_external_subtitles_come_along(box_state: Link) -> None:
    link = box_state
    film = item_id(link, "Short Film")
    output = in_a_terminal(link, "--remote", "box", "play", film)  # mpv's lines show there
    loaded = [line for line in output.splitlines() if "--sid=" in line]
    assert any(".srt" in line and "(external)" in line for line in loaded), output
    assert box_progress(link, film)["watched"] is True


def in_a_terminal(link: Link, *args: str) -> str:
    """The laptop's ``kino ARGS`` in a real pseudo-terminal (the player draws there and
    prints its tracks): everything it printed."""
    import pty

    leader, follower = pty.openpty()
    os.chown(os.ttyname(follower), link.laptop.user.pw_uid, link.laptop.user.pw_gid)
    try:
        play = link.laptop.popen(
            link.laptop.kino(*args), stdin=follower, stdout=follower, stderr=follower
        )
        os.close(follower)
        output = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the other end closed: kino ended
                break
            if not chunk:
                break
            output += chunk
        play.wait(timeout=180)
    finally:
        os.close(leader)
    return output.decode("utf-8", "replace")


def test_vlc_plays_the_stream_too(box_state: Link) -> None:
    link = box_state
    film = item_id(link, "Long Film")
    result = link.laptop.run(
        "--remote", "box", "play", film, "--player", "vlc", "--start", "300", timeout=180
    )
    assert "watched Long Film" in result.stdout, result.stdout + result.stderr
    assert box_progress(link, film)["watched"] is True


def test_a_name_that_is_not_utf8_plays(box_state: Link) -> None:
    link = box_state
    items = json.loads(link.box.run("ls", "--json").stdout)
    film = next(i["id"] for i in items if "path_bytes" in i)
    result = link.laptop.run("--remote", "box", "play", film, timeout=180)
    assert "watched Caf\\xe9 (played 1×)" in result.stdout, result.stdout + result.stderr
    assert box_progress(link, film)["watched"] is True


def test_a_kept_position_older_than_the_box_state_is_dropped(box_state: Link) -> None:
    link = box_state
    film = item_id(link, "Secret")
    link.box.run("watched", film)  # played on the box since the link dropped
    pending = link.laptop.data_dir / "remote-pending.json"
    pending.parent.mkdir(parents=True, exist_ok=True)
    old = {"position": 120.0, "duration": 400.0, "watched": False, "play_count": 0,
           "last_played": "2000-01-01T00:00:00+00:00"}  # fmt: skip
    pending.write_text(json.dumps({"box": {"progress": {film: old}, "history": []}}))
    user = link.laptop.user
    for path in (link.laptop.home / ".local", *pending.parents[:3], pending):
        if path.is_relative_to(link.laptop.home):
            os.chown(path, user.pw_uid, user.pw_gid)
    result = link.laptop.run("--remote", "box", "ls", "--json")
    assert "gave box" not in result.stderr
    assert box_progress(link, film)["watched"] is True
    assert box_progress(link, film)["position"] == 0
    assert not pending.exists()


def test_a_folder_plays_as_one_queue_recording_each_item(box_state: Link) -> None:
    link = box_state
    folder = str(link.media / "Movies")
    result = link.laptop.run("--remote", "box", "play", folder, timeout=300)
    assert "playing 5 items with mpv" in result.stdout, result.stdout + result.stderr
    items = json.loads(link.box.run("ls", "--json").stdout)
    assert all(i["progress"]["watched"] for i in items), [i["progress"] for i in items]
    history = json.loads(link.box.run("history", "--json").stdout)
    assert len(history) == 5


def test_kept_lines_the_box_cannot_take_are_dropped_without_failing(box_state: Link) -> None:
    link = box_state
    pending = link.laptop.data_dir / "remote-pending.json"
    pending.parent.mkdir(parents=True, exist_ok=True)
    gone = {"position": 50.0, "last_played": "2030-01-01T00:00:00+00:00"}
    damaged = "not a progress record"
    pending.write_text(json.dumps({"box": {"progress": {"gone-id": gone, "x": damaged}}}))
    user = link.laptop.user
    for path in (link.laptop.home / ".local", *pending.parents[:3], pending):
        if path.is_relative_to(link.laptop.home):
            os.chown(path, user.pw_uid, user.pw_gid)
    result = link.laptop.run("--remote", "box", "ls", "--json")
    assert len(json.loads(result.stdout)) == 5
    assert not pending.exists()


def test_a_file_the_box_cannot_send_is_explained_before_the_player_starts(
    box_state: Link,
) -> None:
    link = box_state
    film = item_id(link, "Secret")
    path = link.media / "Movies" / "Secret (2003)" / "Secret (2003).mkv"
    moved = path.with_name("elsewhere.mkv")
    path.rename(moved)
    try:
        result = link.laptop.run("--remote", "box", "play", film, check=False)
    finally:
        moved.rename(path)
    assert result.returncode == 2
    assert "on the box:" in result.stderr and "cannot be read" in result.stderr, result.stderr
    assert "playing" not in result.stdout


def test_a_chosen_subtitle_file_beside_the_video_is_streamed_once(box_state: Link) -> None:
    """`--subtitles 1` picks the .srt beside the box's film: the laptop's mpv gets it
    fetched through the stream into the play's private folder (the box's path means
    nothing here, and a URL would show its token in `ps`), given once, with the item."""
    link = box_state
    film = item_id(link, "Short Film")
    result = link.laptop.run(
        "--remote", "box", "play", film, "--subtitles", "1", "--print-command", timeout=180
    )
    argv = result.stdout.strip().splitlines()[-1]
    files = [word for word in shlex.split(argv) if word.startswith("--sub-file=")]
    assert len(files) == 1, argv
    assert files[0].startswith("--sub-file=/tmp/kino-remote-") and files[0].endswith(".srt"), argv
    assert "http:" not in argv  # the film's URL is in an EDL file of that folder too
