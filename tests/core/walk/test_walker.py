"""The walk on real trees: files that are not regular files, and symlinks that leave the root."""

from __future__ import annotations

import json
import os
import socket
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import LibraryBuilder

RunKino = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def unix_socket() -> Iterator[Callable[[Path], None]]:
    """Bind real Unix sockets at the given paths (closed after the test)."""
    sockets: list[socket.socket] = []

    def bind(path: Path) -> None:
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind(str(path))
        sockets.append(server)

    yield bind
    for server in sockets:
        server.close()


def test_a_fifo_or_socket_named_like_media_is_skipped_not_waited_on(
    build_library: LibraryBuilder, run_kino: RunKino, unix_socket: Callable[[Path], None]
) -> None:
    root = build_library({"Movies/Film (2010)/Film (2010).mkv": "h264.mkv"})
    folder = root / "Movies/Film (2010)"
    os.mkfifo(folder / "Other (2011).mkv")
    os.mkfifo(folder / "poster.jpg")  # a sidecar: skipped without a word
    unix_socket(folder / "s.mp3")
    result = run_kino("scan", "--json", str(root), timeout=30)  # used to wait forever
    summary = json.loads(result.stdout)
    assert summary["added"] == 1, summary
    problems = {p["path"].rpartition("/")[2]: p["message"] for p in summary["problems"]}
    assert problems == {
        "Other (2011).mkv": "not a regular file (a FIFO): skipped",
        "s.mp3": "not a regular file (a socket): skipped",
    }
    listed = json.loads(run_kino("ls", "--json").stdout)
    assert [item["path"] for item in listed] == [str(folder / "Film (2010).mkv")]
    assert listed[0]["poster"] is None


@pytest.fixture
def private_tmp() -> Iterator[Path]:
    """A folder of this test's own under /tmp (a link to / is made in it)."""
    import shutil
    import tempfile

    base = Path(tempfile.mkdtemp(prefix="kino-links-", dir="/tmp"))
    yield base
    shutil.rmtree(base, ignore_errors=True)  # does not follow the links


def test_links_leaving_the_root_are_not_followed_unless_the_root_says_so(
    private_tmp: Path, media: dict[str, Path], run_kino: RunKino, kino_paths
) -> None:
    import shutil

    root, outside = private_tmp / "lib", private_tmp / "outside"
    for folder in (root / "Movies/Film (2010)", root / ".store/Kept (2012)", outside / "Far"):
        folder.mkdir(parents=True)
    shutil.copyfile(media["h264.mkv"], root / "Movies/Film (2010)/Film (2010).mkv")
    shutil.copyfile(media["h264.mkv"], root / ".store/Kept (2012)/Kept (2012).mkv")
    shutil.copyfile(media["mpeg4.avi"], outside / "Far/Far (2014).avi")
    shutil.copyfile(media["vp9.webm"], outside / "Other (2013).webm")
    (root / "Movies/Kept (2012)").symlink_to("../.store/Kept (2012)")  # inside: followed
    (root / "everything").symlink_to("/")
    (root / "Movies/Sibling").symlink_to(outside)
    (root / "Movies/Other (2013).webm").symlink_to(outside / "Other (2013).webm")

    result = run_kino("scan", "--json", str(root), timeout=60)  # used to walk the machine
    summary = json.loads(result.stdout)
    problems = {p["path"]: p["message"] for p in summary["problems"]}
    hint = "not followed; set follow_links = true for this root in config.toml to follow it"
    assert problems == {
        f"{root}/everything": f"link outside the library folder (to /): {hint}",
        f"{root}/Movies/Sibling": f"link outside the library folder (to {outside}): {hint}",
        f"{root}/Movies/Other (2013).webm": (
            f"link outside the library folder (to {outside}/Other (2013).webm): {hint}"
        ),
    }
    paths = {item["path"] for item in json.loads(run_kino("ls", "--json").stdout)}
    assert paths == {
        f"{root}/Movies/Film (2010)/Film (2010).mkv",
        f"{root}/Movies/Kept (2012)/Kept (2012).mkv",
    }

    (root / "everything").unlink()  # following that one is the user's choice, not a test's
    config = kino_paths.config_file
    config.write_text(config.read_text() + "follow_links = true\n")
    summary = json.loads(run_kino("scan", "--json", timeout=60).stdout)
    assert summary["added"] == 3 and summary["problems"] == [], summary  # Sibling has two
    paths = {item["path"] for item in json.loads(run_kino("ls", "--json").stdout)}
    assert f"{root}/Movies/Sibling/Far/Far (2014).avi" in paths
    assert f"{root}/Movies/Other (2013).webm" in paths


def test_follow_links_is_a_checked_root_setting(tmp_path: Path) -> None:
    from kino_tui.config.load import load_settings
    from kino_tui.core.errors import ConfigError

    config = tmp_path / "config.toml"
    config.write_text(
        '[[roots]]\npath = "/srv/a"\nfollow_links = true\n\n[[roots]]\npath = "/srv/b"\n'
    )
    roots = load_settings(config).roots
    assert [(r.path, r.follow_links) for r in roots] == [("/srv/a", True), ("/srv/b", False)]
    config.write_text('[[roots]]\npath = "/srv/a"\nfollow_links = "yes"\n')
    with pytest.raises(ConfigError, match=r"line 3.*follow_links must be true or false"):
        load_settings(config)


HELPER_SCRIPT = """
import os, sys, time
from kino_tui.core.walk import listing, walker

real = listing._read_folder

def slow(path, within=None):
    time.sleep(0.5)
    return real(path, within)

listing._read_folder = slow
walking = walker.Walking(sys.argv[1], workers=2)
assert walking._helper is not None
print(walking._helper.pid, flush=True)
time.sleep(0.3)
os.kill(os.getpid(), 9)
"""


def test_the_walk_helper_dies_with_kino(tmp_path: Path) -> None:
    """kino killed while its forked walk helper lists a (slow) tree: the helper goes too,
    at once, instead of walking on for good (and holding kino's output open)."""
    import sys
    import time

    for number in range(40):  # 20 s of listing for the helper
        (tmp_path / "lib" / f"Folder {number}").mkdir(parents=True)
    started = time.monotonic()
    process = subprocess.run(  # returns when stdout closes: kino and its helper are gone
        [sys.executable, "-c", HELPER_SCRIPT, str(tmp_path / "lib")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert process.returncode == -9, process.stderr
    helper = int(process.stdout)
    assert time.monotonic() - started < 5, "the walk helper outlived kino"
    deadline = time.monotonic() + 2  # its files are closed a moment before it is a zombie
    while True:
        try:
            state = Path(f"/proc/{helper}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return  # gone, and reaped
        if state in ("Z", "X"):
            return
        assert time.monotonic() < deadline, "the walk helper outlived kino"
        time.sleep(0.02)
