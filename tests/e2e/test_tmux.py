"""The installed ``kino`` in a real terminal: tmux at 80×24, keys in, screen out."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

from kino_tui.config.paths import KinoPaths
from tests.conftest import LibraryBuilder
from tests.helpers.terminals import exit_status, send, tmux, until_gone


def test_browse_search_and_quit_in_tmux(
    terminal: Callable[[str], str], kino_paths: KinoPaths, build_library: LibraryBuilder, run_kino
) -> None:
    root = build_library(
        {
            "Movies/Alien (1979)/Alien (1979).avi": "mpeg4.avi",
            "Movies/Zodiac (2007)/Zodiac (2007).mkv": "h264.mkv",
            "TV/Dark/Season 01/Dark S01E01.mkv": "h264.mkv",
            "TV/Dark/Season 01/Dark S01E02.mkv": "h264.mkv",
        }
    )
    run_kino("scan", str(root))
    wait = terminal
    wait.start()  # type: ignore[attr-defined]
    session = wait.session  # type: ignore[attr-defined]
    screen = wait("Zodiac (2007)")
    assert "Alien (1979)" in screen and "Movies" in screen
    send(session, "/")
    wait("Search titles")
    send(session, "-l", "dark s01e02")
    screen = wait("Search: dark s01e02")
    assert "S01E02" in screen and "S01E01" not in screen
    send(session, "Escape")
    time.sleep(0.3)
    send(session, "Escape")
    wait("Zodiac (2007)")
    send(session, "?")
    wait("Remap a key by its id")  # the help's first lines (sort is further down)
    send(session, "Escape")
    deadline = time.monotonic() + 15
    while "Remap a key by its id" in tmux("capture-pane", "-p", "-t", session):
        assert time.monotonic() < deadline, "the help screen did not close"
        time.sleep(0.1)
    time.sleep(0.3)  # an Escape followed at once by q would read as alt+q
    send(session, "q")
    assert exit_status(wait) == "0"


def test_play_in_the_terminal_suspends_and_returns(
    terminal: Callable[[str], str], kino_paths: KinoPaths, build_library: LibraryBuilder, run_kino
) -> None:
    """Over SSH there is no screen: mpv draws in the terminal (tct), then kino comes back."""
    kino_paths.config_dir.mkdir(parents=True, exist_ok=True)
    kino_paths.config_file.write_text('playback = "terminal"\n\n[mpv]\nargs = ["--ao=null"]\n')
    root = build_library({"Movies/Zodiac (2007)/Zodiac (2007).mkv": "h264.mkv"})
    run_kino("scan", str(root))
    wait = terminal
    wait.start()  # type: ignore[attr-defined]
    session = wait.session  # type: ignore[attr-defined]
    wait("Zodiac (2007)")
    send(session, "Enter")
    deadline = time.monotonic() + 20
    history: list = []
    while time.monotonic() < deadline and not history:
        history = json.loads(run_kino("history", "--json").stdout)
        time.sleep(0.2)
    assert history and history[0]["watched"] and history[0]["error"] is None
    screen = wait("Zodiac (2007)")  # the TUI is back
    assert "Movies" in screen
    (item,) = json.loads(run_kino("ls", "--json").stdout)
    assert item["progress"]["watched"]
    send(session, "q")
    assert exit_status(wait) == "0"


def test_a_burst_of_keys_after_slash_goes_to_the_search_box(
    terminal: Callable[[str], str], kino_paths: KinoPaths, build_library: LibraryBuilder, run_kino
) -> None:
    """Over SSH keys arrive in one packet: nothing typed after "/" may reach the list
    (l plays, w marks watched, r rescans, a adds a folder)."""
    root = build_library(
        {
            "Movies/Alien (1979)/Alien (1979).avi": "mpeg4.avi",
            "Movies/Zodiac (2007)/Zodiac (2007).mkv": "h264.mkv",
        }
    )
    run_kino("scan", str(root))
    wait = terminal
    wait.start()  # type: ignore[attr-defined]
    session = wait.session  # type: ignore[attr-defined]
    wait("Alien (1979)")
    send(session, "-l", "/Zodiac lwra")  # one write, right after the first screen
    screen = wait("Search: Zodiac lwra")
    assert "No matches" in screen
    send(session, "BSpace", "BSpace", "BSpace", "BSpace", "BSpace")
    screen = wait("Zodiac (2007)")
    assert "Search: Zodiac" in screen and "lwra" not in screen
    time.sleep(0.5)
    assert json.loads(run_kino("history", "--json").stdout) == []  # nothing played
    items = json.loads(run_kino("ls", "--json").stdout)
    assert not any(item["progress"]["watched"] for item in items)  # nothing marked
    assert "Add a library folder" not in tmux("capture-pane", "-p", "-t", session)
    send(session, "Escape")
    wait("Alien (1979)")
    time.sleep(0.3)  # an Escape followed at once by q would read as alt+q
    send(session, "q")
    assert exit_status(wait) == "0"


def test_a_play_that_cannot_start_keeps_kino_on_screen(
    terminal: Callable[[str], str], kino_paths: KinoPaths, build_library: LibraryBuilder, run_kino
) -> None:
    """The SSH case (the player takes the terminal): a file deleted since the scan is
    explained on kino's screen, and q still quits."""
    kino_paths.config_dir.mkdir(parents=True, exist_ok=True)
    kino_paths.config_file.write_text('playback = "terminal"\n')
    root = build_library(
        {
            "Movies/Alien (1979)/Alien (1979).avi": "mpeg4.avi",
            "Movies/Zodiac (2007)/Zodiac (2007).mkv": "h264.mkv",
        }
    )
    run_kino("scan", str(root))
    (root / "Movies/Alien (1979)/Alien (1979).avi").unlink()
    wait = terminal
    wait.start()  # type: ignore[attr-defined]
    session = wait.session  # type: ignore[attr-defined]
    wait("Alien (1979)")
    send(session, "Enter")
    screen = wait("is not there any more")
    assert "Zodiac (2007)" in screen and "Cannot play" in screen
    assert json.loads(run_kino("history", "--json").stdout) == []
    send(session, "q")
    assert exit_status(wait) == "0"


def test_a_burst_into_the_add_folder_dialog_adds_what_was_typed(
    terminal: Callable[[str], str], kino_paths: KinoPaths, build_library: LibraryBuilder, run_kino
) -> None:
    """A path pasted with its newline (one write): the whole path is added, not a prefix;
    arrows then Enter on the type buttons in one write choose the highlighted type."""
    root = build_library({"Films/Sub/Deep/Alien (1979).avi": "mpeg4.avi"})
    deep = root / "Films/Sub/Deep"
    wait = terminal
    wait.start()  # type: ignore[attr-defined]
    session = wait.session  # type: ignore[attr-defined]
    wait("No library folders yet")
    send(session, "a")
    wait("Add a library folder")
    send(session, "-l", str(deep) + "\t")  # the path, then Tab to the type buttons
    send(session, "Down", "Down", "Enter")  # one write: from the pressed type, two down
    wait("Alien (1979)", timeout=30)
    (line,) = run_kino("roots").stdout.splitlines()
    assert line.startswith(f"{deep}  (")  # the whole path, not a prefix of it
    assert "(mixed," not in line  # the arrows moved off the pressed type before Enter
    send(session, "q")
    assert exit_status(wait) == "0"


def test_keys_typed_ahead_of_the_first_screen_do_not_crash_kino(
    terminal: Callable[[str], str], kino_paths: KinoPaths, build_library: LibraryBuilder, run_kino
) -> None:
    """ "/" pressed while kino starts (typing ahead over SSH) used to crash it."""
    root = build_library({"Movies/Alien (1979)/Alien (1979).avi": "mpeg4.avi"})
    run_kino("scan", str(root))
    wait = terminal
    session = wait.session  # type: ignore[attr-defined]
    for delay in (0.05, 0.1, 0.15, 0.25, 0.4):
        wait.start()  # type: ignore[attr-defined]
        time.sleep(delay)
        send(session, "-l", "/")
        screen = wait("Alien (1979)")
        time.sleep(0.3)
        screen = tmux("capture-pane", "-p", "-t", session)
        assert "Traceback" not in screen and "NoMatches" not in screen, screen
        if "Search titles" in screen:  # the "/" opened the search box: closed first
            send(session, "Escape")
            # gone from the screen, and a moment more: an Escape and a q read together
            # (on a loaded machine) are one Alt+q, which is not q
            until_gone(session, "Search titles")
            time.sleep(0.3)
        send(session, "q")
        assert exit_status(wait) == "0"
        status_file: Path = wait.status_file  # type: ignore[attr-defined]
        status_file.unlink()
        tmux("kill-session", "-t", session)


def test_a_search_typed_ahead_of_the_first_screen_searches(
    terminal: Callable[[str], str], kino_paths: KinoPaths, build_library: LibraryBuilder, run_kino
) -> None:
    """ "/abc" typed while kino starts is held until the screen is there, then searches: the
    "/" was dropped and "a" opened the add-folder dialog."""
    root = build_library({"Movies/Alien (1979)/Alien (1979).avi": "mpeg4.avi"})
    run_kino("scan", str(root))
    wait = terminal
    session = wait.session  # type: ignore[attr-defined]
    for delay in (0.05, 0.2, 0.4):
        wait.start()  # type: ignore[attr-defined]
        time.sleep(delay)
        send(session, "-l", "/abc")
        screen = wait("Search: abc")
        assert "Add a library folder" not in screen, screen
        send(session, "Escape")
        time.sleep(0.3)
        send(session, "q")
        assert exit_status(wait) == "0"
        status_file: Path = wait.status_file  # type: ignore[attr-defined]
        status_file.unlink()
        tmux("kill-session", "-t", session)


def test_closing_the_terminal_during_a_terminal_play_stops_the_player_at_once(
    terminal: Callable[[str], str], kino_paths: KinoPaths, build_library: LibraryBuilder, run_kino
) -> None:
    """The SSH case: mpv draws in the terminal; the connection drops; mpv and kino are
    gone within seconds and the position is saved (mpv outlived the hang-up for 5 s)."""
    kino_paths.config_dir.mkdir(parents=True, exist_ok=True)
    kino_paths.config_file.write_text(
        'playback = "terminal"\nresume = "always"\n[mpv]\nargs = ["--ao=null"]\n'
    )
    root = build_library({"Movies/Long (2020)/Long (2020).mkv": "long.mkv"})
    run_kino("scan", str(root))
    (item,) = json.loads(run_kino("ls", "--json").stdout)
    from kino_tui.core.models import Progress
    from kino_tui.service import Library

    library = Library(kino_paths)
    library.watch.save(
        library.find_items(item["id"])[0][0], Progress(position=100.0, duration=400.0)
    )
    wait = terminal
    wait.start()  # type: ignore[attr-defined]
    session = wait.session  # type: ignore[attr-defined]
    wait("Long (2020)")
    send(session, "Enter")
    marker = str(root / "Movies/Long (2020)/Long (2020).mkv")

    def players() -> list[str]:
        found = []
        for entry in Path("/proc").iterdir():
            try:
                cmdline = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if cmdline and cmdline[0].endswith(b"mpv") and marker.encode() in cmdline:
                found.append(entry.name)
        return found

    deadline = time.monotonic() + 20
    while not players():
        assert time.monotonic() < deadline, "mpv did not start"
        time.sleep(0.1)
    time.sleep(3)
    tmux("kill-session", "-t", session)
    killed = time.monotonic()
    while players():
        assert time.monotonic() - killed < 2.5, "mpv outlived the terminal"
        time.sleep(0.1)
    deadline = time.monotonic() + 5
    while True:
        saved = library.watch.get(item["id"])
        if saved.position > 100:
            break
        assert time.monotonic() < deadline, f"the position was not saved: {saved}"
        time.sleep(0.2)
    assert saved.position < 125


def test_a_rescan_from_the_tui_reads_many_files_in_reader_processes(
    terminal: Callable[[str], str], kino_paths: KinoPaths, build_library: LibraryBuilder, run_kino
) -> None:
    """Enough files for the reader processes: in the TUI they are spawned (threads run),
    which failed at once under Textual ("bad value(s) in fds_to_keep")."""
    from kino_tui.core.scan.readers import PARALLEL_THRESHOLD

    count = PARALLEL_THRESHOLD + 12
    root = build_library({f"Movies/Film {n} ({1950 + n})/Film {n} ({1950 + n}).avi": "mpeg4.avi"
                          for n in range(count)})  # fmt: skip
    run_kino("add", "--type", "movies", str(root))
    wait = terminal
    wait.start()  # type: ignore[attr-defined]
    session = wait.session  # type: ignore[attr-defined]
    wait("No movies found")
    send(session, "r")
    screen = wait("Scan finished", timeout=60)
    assert f"{count} added" in screen and "Scan failed" not in screen
    wait("Film 0 (1950)")
    send(session, "q")
    assert exit_status(wait) == "0"


def test_a_burst_of_moves_then_enter_opens_the_menu_of_the_row_moved_to(
    terminal: Callable[[str], str], kino_paths: KinoPaths, build_library: LibraryBuilder, run_kino
) -> None:
    """ "j Enter" in one packet: Enter (a priority binding, acted on as it is read) must
    find the cursor where j put it, not on the row before (the list's moves were queued
    behind it)."""
    root = build_library(
        {
            "TV/Locked Show/Season 01/Locked Show S01E01.mkv": "h264.mkv",
            "TV/Quiet Town/Season 01/Quiet Town S01E01.mkv": "h264.mkv",
            "TV/Zebra Coast/Season 01/Zebra Coast S01E01.mkv": "h264.mkv",
        }
    )
    run_kino("scan", str(root))
    wait = terminal
    wait.start()  # type: ignore[attr-defined]
    session = wait.session  # type: ignore[attr-defined]
    wait("Zebra Coast")
    shows = ("Locked Show", "Quiet Town", "Zebra Coast")
    for moves, title in ((["j"], "Quiet Town"), (["j", "j"], "Zebra Coast")):
        send(session, *moves, "Enter", "Enter")  # the menu, then Open: one packet
        screen = wait(f"TV Shows › {title}")
        assert not [other for other in shows if other != title and other in screen], screen
        send(session, "Escape")
        wait("Locked Show")
        time.sleep(0.3)
        send(session, "g")  # back to the first row
        time.sleep(0.3)
    send(session, "q")
    assert exit_status(wait) == "0"
