"""The watcher's parts that decide: the burst debouncer, network-mount detection, which
changes matter, how each root is followed; and the real watcher on a real folder."""

from __future__ import annotations

import os
import shutil
import sys
import threading
import time
from pathlib import Path

import pytest

from kino_tui.core.follow.follower import (
    DEFAULT_NETWORK_MINUTES,
    Batch,
    Debouncer,
    FolderFollower,
    changed_folder,
    filesystem_of,
    is_network_filesystem,
    mounts,
    plan_following,
)
from kino_tui.core.models import LibraryRoot

MOUNTINFO = """\
22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
25 22 0:22 / /proc rw,nosuid shared:12 - proc proc rw
40 22 0:35 / /mnt/nas rw,relatime shared:20 - nfs4 nas:/export rw,vers=4.2
41 22 0:36 / /mnt/win\\040share rw,relatime shared:21 - cifs //pc/share rw
42 22 0:37 / /home/me/remote rw,nosuid shared:22 - fuse.sshfs me@box:/media rw
43 22 8:17 / /media/usb rw,relatime shared:23 - fuseblk /dev/sdb1 rw
44 40 8:2 / /mnt/nas/local rw shared:24 - ext4 /dev/sda2 rw
"""


def test_mount_points_are_read_with_their_escapes() -> None:
    assert ("/mnt/win share", "cifs") in mounts(MOUNTINFO)
    assert mounts("garbage\n\n") == []


def test_the_deepest_mount_decides() -> None:
    assert filesystem_of("/mnt/nas/Movies", MOUNTINFO) == "nfs4"
    assert filesystem_of("/mnt/nas/local/Movies", MOUNTINFO) == "ext4"  # mounted inside
    assert filesystem_of("/mnt/nasty", MOUNTINFO) == "ext4"  # a prefix is not a parent
    assert filesystem_of("/mnt/win share/TV", MOUNTINFO) == "cifs"
    assert filesystem_of("/home/me/remote/Music", MOUNTINFO) == "fuse.sshfs"
    assert filesystem_of("/anything", "") is None  # no mount table (not Linux)


def test_network_file_systems() -> None:
    for kind in ("nfs", "nfs4", "cifs", "smb3", "fuse.sshfs", "fuse.rclone", "9p"):
        assert is_network_filesystem(kind), kind
    for kind in ("ext4", "btrfs", "xfs", "tmpfs", "fuseblk", "fuse.ntfs-3g", None):
        assert not is_network_filesystem(kind), kind


def test_network_roots_get_a_timer_and_local_ones_events(tmp_path: Path) -> None:
    local = tmp_path / "local"
    local.mkdir()
    roots = [
        LibraryRoot("/mnt/nas/Movies"),
        LibraryRoot("/mnt/win share/TV", rescan_minutes=2),
        LibraryRoot(str(local)),
        LibraryRoot(str(tmp_path / "unplugged")),
    ]
    table = MOUNTINFO + f"50 22 8:3 / {tmp_path} rw - ext4 /dev/sda3 rw\n"
    plans = {p.root.path: p for p in plan_following(roots, table, {"/mnt/win share/TV": 2.0})}
    nas = plans["/mnt/nas/Movies"]
    assert (nas.events, nas.minutes, nas.filesystem) == (False, DEFAULT_NETWORK_MINUTES, "nfs4")
    assert "network mount (nfs4)" in nas.why and "every 10 minutes" in nas.why
    share = plans["/mnt/win share/TV"]
    assert (share.events, share.minutes) == (False, 2.0)
    here = plans[str(local)]
    assert (here.events, here.minutes, here.filesystem) == (True, None, "ext4")
    assert plans[str(tmp_path / "unplugged")].events is False  # looked at on a timer
    # rescan_minutes = 0 turns the timer off
    (off,) = plan_following([LibraryRoot("/mnt/nas/Movies")], MOUNTINFO, {"/mnt/nas/Movies": 0})
    assert off.minutes is None and "never" in off.why


def test_a_burst_is_one_batch() -> None:
    debouncer = Debouncer(quiet=1.0, longest=10.0)
    season = "/lib/Show/Season 01"
    for n in range(12):  # a season copied in, a file every half second
        debouncer.add([season], now=n * 0.5)
        assert debouncer.due(now=n * 0.5 + 0.4) == set()
    assert debouncer.due(now=5.5 + 0.9) == set()  # not quiet long enough yet
    assert debouncer.due(now=5.5 + 1.0) == {season}
    assert debouncer.due(now=100.0) == set()  # given once
    assert debouncer.deadline() is None


def test_steady_changes_are_given_after_the_longest_wait() -> None:
    debouncer = Debouncer(quiet=1.0, longest=3.0)
    given = []
    for tick in range(0, 80):  # a change every 0.1 s for 8 s
        now = tick * 0.1
        debouncer.add([f"/lib/{tick % 3}"], now)
        folders = debouncer.due(now)
        if folders:
            given.append((round(now, 1), folders))
    assert [when for when, _ in given] == [3.0, 6.1]  # every `longest` seconds, not never
    assert given[0][1] == {"/lib/0", "/lib/1", "/lib/2"}


def test_which_changes_matter(tmp_path: Path) -> None:
    root = str(tmp_path)
    (tmp_path / "Film (2010) 1080p.x264").mkdir()
    assert changed_folder(f"{root}/Show/Season 01/E01.mkv", [root]) == f"{root}/Show/Season 01"
    assert changed_folder(f"{root}/Show/Season 01", [root]) == f"{root}/Show"  # gone
    assert (
        changed_folder(f"{root}/Film (2010) 1080p.x264", [root]) == f"{root}/Film (2010) 1080p.x264"
    )
    assert changed_folder(f"{root}/Film (2010)/movie.nfo", [root]) == f"{root}/Film (2010)"
    assert changed_folder(root, [root]) == root
    assert changed_folder(f"{root}/Movie.mkv.part", [root]) is None  # still downloading
    assert changed_folder(f"{root}/.hidden/E01.mkv", [root]) is None
    assert changed_folder(f"{root}/@eaDir/E01.mkv", [root]) is None
    assert changed_folder(f"{root}/Show/.E01.mkv.swp", [root]) is None
    assert changed_folder("/elsewhere/E01.mkv", [root]) is None


def test_the_real_watcher_gives_one_batch_for_a_burst(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    season = root / "Show/Season 01"
    season.mkdir(parents=True)
    batches: list[Batch] = []
    got = threading.Event()

    def on_batch(batch: Batch) -> None:
        batches.append(batch)
        got.set()

    (plan,) = plan_following([LibraryRoot(str(root))], "", {})
    watcher = FolderFollower([plan], on_batch, quiet=0.6, longest=10.0, tick=0.1)
    watcher.start()
    try:
        assert watcher.ready.wait(10)
        for n in range(1, 13):
            (season / f"Show S01E{n:02d}.mkv").write_bytes(b"x" * 1000)
        (season / "notes.txt").write_text("not media")
        assert got.wait(10)
        watcher.stop_event.wait(1.5)  # nothing more comes
        assert batches == [Batch(folders=(str(season),))]
    finally:
        watcher.stop()
    # The events came from a child process (the watches' set-up holds its GIL, not
    # kino's), which ends with the watcher.
    assert watcher._child is not None and watcher._child.returncode == 0


def test_a_watcher_that_ends_falls_back_to_a_timer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (plan,) = plan_following([LibraryRoot(str(tmp_path))], "", {})
    monkeypatch.setattr(sys, "executable", shutil.which("false"))  # the child ends at once
    failures: list[str] = []
    watcher = FolderFollower([plan], lambda batch: None, on_failure=failures.append, tick=0.05)
    watcher.start()
    try:
        assert watcher.ready.wait(10)
        watcher.stop_event.wait(0.3)
    finally:
        watcher.stop()
    assert failures == ["RuntimeError: the watcher ended (1)"]
    assert str(tmp_path) in watcher._next_timer  # scanned again on the default timer


def test_a_network_root_is_scanned_again_on_its_timer(tmp_path: Path) -> None:
    nas = LibraryRoot(str(tmp_path / "nas"))
    (plan,) = plan_following(
        [nas], f"40 22 0:35 / {nas.path} rw - nfs4 nas:/x rw\n", {nas.path: 0.005}
    )
    assert (plan.events, plan.minutes) == (False, 0.005)  # every 0.3 s
    batches: list[Batch] = []
    watcher = FolderFollower([plan], batches.append, tick=0.05)
    watcher.start()
    try:
        watcher.stop_event.wait(1.0)
    finally:
        watcher.stop()
    assert 2 <= len(batches) <= 4, batches
    assert set(batches) == {Batch(roots=(nas.path,), reason="timer")}


def test_without_a_python_to_start_it_watches_on_its_own_thread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "lib"
    root.mkdir()
    (plan,) = plan_following([LibraryRoot(str(root))], "", {})
    monkeypatch.setattr(sys, "executable", str(tmp_path / "no-python"))
    batches: list[Batch] = []
    watcher = FolderFollower([plan], batches.append, quiet=0.3, tick=0.05)
    watcher.start()
    try:
        assert watcher.ready.wait(10)
        (root / "Film (2010).mkv").write_bytes(b"x")
        for _ in range(100):
            if batches:
                break
            watcher.stop_event.wait(0.05)
    finally:
        watcher.stop()
    assert watcher._child is None and batches == [Batch(folders=(str(root),))]


def test_a_name_that_is_not_utf8_does_not_end_the_watching(tmp_path: Path) -> None:
    """watchfiles cannot decode such a path and ends its watch: the child says the root
    changed and watches again, so a file copied in later is still seen."""
    root = tmp_path / "lib"
    movies = root / "Movies"
    movies.mkdir(parents=True)
    odd = os.path.join(os.fsencode(movies), b"Caf\xe9 (1999).mkv")
    with open(odd, "wb") as handle:
        handle.write(b"x" * 1000)
    batches: list[Batch] = []
    (plan,) = plan_following([LibraryRoot(str(root))], "", {})
    failures: list[str] = []
    watcher = FolderFollower(
        [plan], batches.append, on_failure=failures.append, quiet=0.3, longest=5.0, tick=0.05
    )
    watcher.start()
    try:
        assert watcher.ready.wait(10)
        with open(odd, "rb") as handle:  # an event on the odd name
            handle.read()
        with open(odd, "ab") as handle:
            handle.write(b"y")
        deadline = time.monotonic() + 10
        while not batches:
            assert time.monotonic() < deadline, f"no batch for the odd name ({failures})"
            time.sleep(0.05)
        batches.clear()
        watcher.stop_event.wait(1.0)  # watching again
        (movies / "Zeta (2023).mkv").write_bytes(b"z" * 1000)
        deadline = time.monotonic() + 10
        while not any(str(movies) in batch.folders for batch in batches):
            assert time.monotonic() < deadline, f"the new file was not seen ({failures})"
            time.sleep(0.05)
    finally:
        watcher.stop()
    assert failures == []
