"""``kino play``, ``kino watched``, ``kino history`` and ``kino ls --section`` as a user runs
them: real subprocesses, real mpv, a real watch-state file."""

from __future__ import annotations

import json
import shlex
from datetime import UTC, datetime, timedelta
from pathlib import Path

from kino_tui.config.paths import KinoPaths
from kino_tui.core.models import Progress
from kino_tui.core.watch.store import WatchStore
from kino_tui.service import Library
from tests.conftest import LibraryBuilder

HEADLESS_MPV = 'playback = "window"\n\n[mpv]\nargs = ["--vo=null", "--ao=null"]\n'
HOSTILE = "-rf $(touch pwned) 'x'.mkv"


def write_config(paths: KinoPaths, text: str) -> None:
    paths.config_dir.mkdir(parents=True, exist_ok=True)
    paths.config_file.write_text(text)


def items(run_kino, *args: str) -> list[dict]:  # type: ignore[no-untyped-def]
    return json.loads(run_kino("ls", "--json", *args).stdout)


def test_hostile_file_name_plays_and_nothing_runs(
    run_kino, kino_paths: KinoPaths, build_library: LibraryBuilder, tmp_path: Path, monkeypatch
) -> None:
    write_config(kino_paths, HEADLESS_MPV)
    root = build_library({f"Videos/{HOSTILE}": "h264.mkv"})
    run_kino("scan", str(root))
    target = root / "Videos" / HOSTILE
    monkeypatch.chdir(tmp_path)

    argv = shlex.split(run_kino("play", str(target), "--print-command").stdout)
    # the path is one word (in the item's own option group), never an option
    assert argv[0] == "mpv" and argv[-2:] == [str(target), "--}"]
    assert "--no-resume-playback" in argv and any(a.startswith("--input-ipc-server=") for a in argv)

    result = run_kino("play", str(target))
    assert "watched" in result.stdout  # the 1-second clip played to its end
    assert not list(tmp_path.rglob("pwned")) and not list(root.rglob("pwned"))
    (item,) = items(run_kino)
    assert item["progress"]["watched"] and item["progress"]["play_count"] == 1

    plays = json.loads(run_kino("history", "--json").stdout)
    assert len(plays) == 1
    assert plays[0]["path"] == str(target) and plays[0]["watched"] and plays[0]["player"] == "mpv"
    assert plays[0]["error"] is None and plays[0]["ended_at"]
    assert "$(touch pwned) 'x'  (watched, mpv)" in run_kino("history").stdout


def test_crashing_player_is_reported(run_kino, kino_paths: KinoPaths, build_library) -> None:  # type: ignore[no-untyped-def]
    write_config(
        kino_paths, 'playback = "window"\n[mpv]\nargs = ["--vo=null", "--ao=null", "--bogus"]\n'
    )
    root = build_library({"Movies/Alien (1979)/Alien (1979).avi": "mpeg4.avi"})
    run_kino("scan", str(root))
    result = run_kino("play", str(root / "Movies/Alien (1979)/Alien (1979).avi"), check=False)
    assert result.returncode == 1 and "mpv exited with status" in result.stderr
    assert "bogus (option not found)" in result.stderr  # mpv's reason, not "Exiting..."
    assert "Traceback" not in result.stderr
    missing = run_kino("play", "no-such-id", check=False)
    assert missing.returncode == 2 and "nothing in the catalog" in missing.stderr


def test_play_start_override(run_kino, kino_paths: KinoPaths, build_library) -> None:  # type: ignore[no-untyped-def]
    write_config(kino_paths, HEADLESS_MPV)
    root = build_library({"Movies/Alien (1979)/Alien (1979).avi": "mpeg4.avi"})
    run_kino("scan", str(root))
    path = str(root / "Movies/Alien (1979)/Alien (1979).avi")
    command = run_kino("play", path, "--start", "42.5", "--player", "vlc", "--print-command").stdout
    argv = shlex.split(command)
    assert argv[0] == "vlc" and argv[argv.index("--") + 1 :] == [path]
    assert "--start-time=42.500" in argv  # one item: VLC's own start option


def test_watched_by_hand_for_a_season(run_kino, build_library: LibraryBuilder) -> None:
    root = build_library(
        {
            "TV/Dark/Season 01/Dark S01E01.mkv": "h264.mkv",
            "TV/Dark/Season 01/Dark S01E02.mkv": "h264.mkv",
            "TV/Dark/Season 02/Dark S02E01.mkv": "h264.mkv",
        }
    )
    run_kino("scan", str(root))
    output = run_kino("watched", str(root / "TV/Dark/Season 01")).stdout
    assert "marked 2 items watched" in output
    by_name = {Path(i["path"]).name: i["progress"] for i in items(run_kino)}
    assert by_name["Dark S01E01.mkv"]["watched"] and by_name["Dark S01E02.mkv"]["watched"]
    assert not by_name["Dark S02E01.mkv"]["watched"]
    assert by_name["Dark S01E01.mkv"]["play_count"] == 1
    run_kino("watched", str(root / "TV/Dark/Season 01/Dark S01E02.mkv"), "--unset")
    by_name = {Path(i["path"]).name: i["progress"] for i in items(run_kino)}
    assert not by_name["Dark S01E02.mkv"]["watched"]


def test_sections_follow_a_realistic_history(
    run_kino, kino_paths: KinoPaths, build_library: LibraryBuilder
) -> None:
    episodes = {
        f"TV/{show}/Season {s:02d}/{show} S{s:02d}E{e:02d}.mkv": "h264.mkv"
        for show, numbers in {
            "Dark": [(1, 1), (1, 2), (1, 3), (2, 1), (0, 1)],
            "Lost": [(1, 1), (1, 2)],
            "Fargo": [(1, 1), (1, 2), (1, 3)],
            "Old Show": [(1, 1), (1, 2)],
        }.items()
        for s, e in numbers
    }
    episodes["Movies/Alien (1979)/Alien (1979).avi"] = "mpeg4.avi"
    root = build_library(episodes)
    run_kino("scan", str(root))
    library = Library(kino_paths)
    catalog = {Path(i.path).stem: i for i in library.load()[0].items.values()}
    store = WatchStore(kino_paths.watch_file)
    now = datetime.now(UTC)

    def at(hours_ago: float) -> str:
        return (now - timedelta(hours=hours_ago)).isoformat(timespec="seconds")

    def watched(name: str, hours_ago: float) -> None:
        store.save(catalog[name], Progress(watched=True, play_count=1, last_played=at(hours_ago)))

    def stopped(name: str, position: float, hours_ago: float) -> None:
        store.save(
            catalog[name], Progress(position=position, duration=3000, last_played=at(hours_ago))
        )

    watched("Dark S01E01", 50)
    watched("Dark S01E03", 10)  # skipped E02: Next Up follows the latest, not the first gap
    watched("Dark S00E01", 1)  # a special, watched last: specials stay out of Next Up
    watched("Lost S01E01", 40)
    watched("Lost S01E02", 30)  # finished show: nothing next
    watched("Fargo S01E01", 20)
    stopped("Fargo S01E02", 600, 5)
    watched("Old Show S01E01", 24 * 400)  # not played for over a year
    stopped("Alien (1979)", 1200, 60)

    next_up = [Path(i["path"]).stem for i in items(run_kino, "--section", "next-up")]
    assert next_up == ["Dark S02E01", "Fargo S01E02"]
    continuing = [Path(i["path"]).stem for i in items(run_kino, "--section", "continue-watching")]
    assert continuing == ["Fargo S01E02", "Alien (1979)"]
    progress = items(run_kino, "--section", "continue-watching")[0]["progress"]
    assert progress["position"] == 600 and not progress["watched"]
    recent = items(run_kino, "--section", "recently-added", "--kind", "movie")
    assert [Path(i["path"]).stem for i in recent] == ["Alien (1979)"]
    text = run_kino("ls", "--section", "next-up").stdout.splitlines()
    assert len(text) == 2 and "S02E01" in text[0]

    write_config(
        kino_paths,
        (
            kino_paths.config_file.read_text()
            + "\n[next_up]\ninclude_specials = true\ndays = 100000\n"
        ),
    )
    with_old = [Path(i["path"]).stem for i in items(run_kino, "--section", "next-up")]
    assert "Old Show S01E02" in with_old


def test_play_a_season_plays_it_all_through_one_player(
    run_kino, kino_paths: KinoPaths, build_library: LibraryBuilder
) -> None:
    write_config(kino_paths, HEADLESS_MPV)
    root = build_library(
        {f"TV/Dark/Season 01/Dark S01E0{n}.mkv": "h264.mkv" for n in (3, 1, 2)}
    )
    run_kino("scan", str(root))
    season = str(root / "TV/Dark/Season 01")
    argv = shlex.split(run_kino("play", season, "--print-command").stdout)
    files = [arg for arg in argv if arg.startswith(str(root))]
    assert [Path(f).name for f in files] == [f"Dark S01E0{n}.mkv" for n in (1, 2, 3)]
    played = run_kino("play", season)
    assert "playing 3 items with mpv, first Dark S01E01" in played.stdout
    assert played.stdout.count("watched Dark S01E0") == 3
    plays = json.loads(run_kino("history", "--json").stdout)
    assert sorted(p["episode"] for p in plays) == [1, 2, 3]
    assert all(i["progress"]["watched"] and i["progress"]["play_count"] == 1
               for i in items(run_kino))  # fmt: skip
    shuffled = run_kino("play", season, "--shuffle")
    assert shuffled.stdout.count("watched Dark S01E0") == 3
    assert all(i["progress"]["play_count"] == 2 for i in items(run_kino))


def in_a_terminal(*args: str) -> str:
    """``kino ARGS`` with a real pseudo-terminal as its input and output: what it printed."""
    import os
    import pty
    import subprocess
    import sys

    leader, follower = pty.openpty()
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "kino_tui", *args],
            stdin=follower, stdout=follower, stderr=follower, env=os.environ.copy(),
        )  # fmt: skip
        os.close(follower)
        output = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal's other end closed: kino ended
                break
            if not chunk:
                break
            output += chunk
        process.wait(timeout=60)
    finally:
        os.close(leader)
    return output.decode("utf-8", "replace")


def test_kino_play_keeps_music_in_the_terminal(run_kino, build_library: LibraryBuilder) -> None:
    """Only the TUI plays music in the background: `kino play ALBUM` in a terminal leaves
    the player the terminal and its keys (a detached player could not be stopped there)."""
    root = build_library({"Music/A/B/01 - Song.mp3": "song.mp3", "Music/A/B/02 - Two.mp3": "song.mp3"})
    run_kino("scan", str(root))
    argv = shlex.split(in_a_terminal("play", str(root / "Music/A/B"), "--print-command"))
    assert argv[0] == "mpv"
    assert "--no-video" not in argv and "--no-input-terminal" not in argv


def test_kino_play_into_a_pipe_writes_no_video_there(
    run_kino, kino_paths: KinoPaths, build_library: LibraryBuilder
) -> None:
    """`kino play ID </dev/null | cat` with no display: mpv drew the film in terminal
    escape codes into the pipe. Now the sound only plays, nothing of the player reaches
    kino's output, the user is told why, and --print-command shows that command."""
    write_config(kino_paths, '[mpv]\nargs = ["--ao=null"]\n')  # playback "auto", no display
    root = build_library({"Movies/Alien (1979)/Alien (1979).avi": "mpeg4.avi"})
    run_kino("scan", str(root))
    (item,) = items(run_kino)
    shown = run_kino("play", item["id"], "--print-command")
    argv = shlex.split(shown.stdout)
    assert "--no-video" in argv and not any(a.startswith("--vo=") for a in argv)
    assert "playing the sound only" in shown.stderr
    played = run_kino("play", item["id"])
    assert "\x1b" not in played.stdout and "\x1b" not in played.stderr
    assert played.stdout.splitlines() == [
        "playing Alien with mpv",
        "watched Alien (played 1×)",
    ]
    assert "playing the sound only" in played.stderr
    (after,) = items(run_kino)
    assert after["progress"]["watched"]
    in_terminal = shlex.split(in_a_terminal("play", item["id"], "--print-command"))
    assert "--vo=tct" in in_terminal and "--no-video" not in in_terminal


def test_an_empty_or_damaged_file_is_said_before_the_player_starts(
    run_kino, kino_paths: KinoPaths, build_library: LibraryBuilder
) -> None:
    """kino knows from the scan: no player is started (no history line), and the message
    names the file and what to do."""
    write_config(kino_paths, HEADLESS_MPV)
    root = build_library(
        {
            "Movies/Empty (2020)/Empty (2020).mkv": "",
            "Movies/Junk (2021)/Junk (2021).mkv": "not a video at all\n" * 50,
        }
    )
    run_kino("scan", str(root))
    by_title = {i["title"]: i for i in items(run_kino)}
    empty = run_kino("play", by_title["Empty"]["id"], check=False)
    assert empty.returncode != 0 and "is empty (0 bytes)" in empty.stderr, empty.stderr
    assert "Empty (2020).mkv" in empty.stderr and "rescan" in empty.stderr
    junk = run_kino("play", by_title["Junk"]["id"], check=False)
    assert junk.returncode != 0 and "cannot play: the scan found" in junk.stderr, junk.stderr
    assert "playing" not in empty.stdout + junk.stdout
    assert json.loads(run_kino("history", "--json").stdout) == []


def test_kino_play_path_of_a_file_not_in_the_catalog(
    run_kino, kino_paths: KinoPaths, build_library: LibraryBuilder, tmp_path: Path
) -> None:
    """`kino play ~/Downloads/film.mkv` as one types `mpv …`: it plays and its progress is
    kept; a file new under a library folder is scanned into the catalog first."""
    write_config(kino_paths, HEADLESS_MPV)
    root = build_library({"Movies/Alien (1979)/Alien (1979).avi": "mpeg4.avi"})
    run_kino("scan", str(root))
    downloads = build_library({"Downloads/Zodiac (2007).mkv": "h264.mkv"}) / "Downloads"
    loose = downloads / "Zodiac (2007).mkv"
    played = run_kino("play", str(loose))
    assert "watched Zodiac (played 1×)" in played.stdout, played.stdout + played.stderr
    (play,) = json.loads(run_kino("history", "--json").stdout)
    assert play["path"] == str(loose) and play["watched"] and play["title"] == "Zodiac"
    assert "Zodiac" in run_kino("history").stdout
    assert [i["title"] for i in items(run_kino)] == ["Alien"]  # not in the catalog
    again = run_kino("play", str(loose))  # the same loose item: its count goes on
    assert "played 2×" in again.stdout

    new = root / "Movies/Dune (2021)/Dune (2021).mkv"
    new.parent.mkdir(parents=True)
    new.write_bytes((root / "Movies/Alien (1979)/Alien (1979).avi").read_bytes())
    played = run_kino("play", str(new))
    assert "watched Dune" in played.stdout, played.stdout + played.stderr
    dune = next(i for i in items(run_kino) if i["title"] == "Dune")
    assert dune["progress"]["watched"] and dune["progress"]["play_count"] == 1
    text = tmp_path / "notes.txt"
    text.write_text("not media")
    refused = run_kino("play", str(text), check=False)
    assert refused.returncode != 0 and "not a video or audio file" in refused.stderr


def test_play_without_a_sound_device_says_so(
    run_kino, kino_paths: KinoPaths, build_library: LibraryBuilder
) -> None:  # type: ignore[no-untyped-def]
    """mpv opens no sound device (over SSH on a box without one): the track still counts,
    and kino says once, after the play, that nothing was heard and what to do."""
    from tests.helpers.players import NO_SOUND_DEVICE, make_album

    write_config(kino_paths, f'playback = "window"\n[mpv]\nargs = {json.dumps(NO_SOUND_DEVICE)}\n')
    root = build_library({})
    make_album(root / "Music/Band/Short (2020)", ["One", "Two"], seconds=1.0)
    run_kino("scan", str(root))
    result = run_kino("play", str(root / "Music/Band/Short (2020)/01 - Track 1.mp3"))
    assert "watched One" in result.stdout
    assert result.stderr.count("mpv found no sound device: nothing is heard") == 1, result.stderr
    assert "--audio-device" in result.stderr
    write_config(kino_paths, HEADLESS_MPV)  # --ao=null: a sound output that works
    quiet = run_kino("play", str(root / "Music/Band/Short (2020)/02 - Track 2.mp3"))
    assert "watched Two" in quiet.stdout and "sound device" not in quiet.stderr
