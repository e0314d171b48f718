"""mpv's watch_later files: names, reading (and refusing what mpv never writes), writing."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from kino_tui.core.watch.mpv_watch_later import (
    WatchLaterDamaged,
    default_folders,
    read_file,
    read_folder,
    watch_later_name,
    write_file,
)


def test_the_name_is_the_upper_case_md5_of_the_path() -> None:
    path = "/srv/Movies/Heat (1995)/Heat.mkv"
    assert watch_later_name(path) == hashlib.md5(path.encode()).hexdigest().upper()
    raw = b"/srv/caf\xe9.mkv"  # a name that is not UTF-8: hashed as its bytes
    assert watch_later_name(raw.decode("utf-8", "surrogateescape")) == (
        hashlib.md5(raw).hexdigest().upper()
    )


def test_default_folders_follow_xdg() -> None:
    folders = default_folders({"HOME": "/h", "XDG_STATE_HOME": "/s", "XDG_CONFIG_HOME": "/c"})
    assert folders == [
        Path("/s/mpv/watch_later"),
        Path("/c/mpv/watch_later"),
        Path("/h/.config/mpv/watch_later"),
    ]
    assert default_folders({"HOME": "/h"})[:2] == [
        Path("/h/.local/state/mpv/watch_later"),
        Path("/h/.config/mpv/watch_later"),
    ]


def test_reading_an_mpv_file_with_many_options(tmp_path: Path) -> None:
    file = tmp_path / "ABC"
    file.write_bytes(b"# /srv/a.mkv\nstart=123.456000\nvolume=50\nsub-delay=0.2\naid=2\n")
    entry = read_file(file)
    assert (entry.start, entry.path, entry.options["volume"]) == (123.456, "/srv/a.mkv", "50")
    assert entry.modified and entry.modified.endswith("+00:00")


def test_redirect_entries_and_files_without_start_are_left_out(tmp_path: Path) -> None:
    (tmp_path / "A").write_bytes(b"# redirect entry\n# /srv/folder\n")
    (tmp_path / "B").write_bytes(b"volume=40\n")
    (tmp_path / "C").write_bytes(b"start=10.000000\n")
    found = read_folder(tmp_path)
    assert [(e.name, e.start, e.path) for e in found] == [("C", 10.0, None)]


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"start=soon\n", "start='soon' is not a position"),
        (b"start=-5\n", "is not a position"),
        (b"start=inf\n", "is not a position"),
        (b"this is not mpv\n", "line 1: 'this is not mpv' is not an mpv option line"),
        (b"start=1\n=2\n", "line 2"),
        (b"\x00\x01\x02start=1", "binary data"),
    ],
)
def test_a_file_mpv_never_writes_is_one_clear_line(
    tmp_path: Path, content: bytes, said: str
) -> None:
    (tmp_path / "0123456789ABCDEF0123456789ABCDEF").write_bytes(content)
    with pytest.raises(WatchLaterDamaged) as caught:
        read_folder(tmp_path)
    message = str(caught.value)
    assert said in message and "0123456789ABCDEF" in message and "\n" not in message


def test_written_files_read_back(tmp_path: Path) -> None:
    target = write_file(tmp_path / "later", "/srv/Movies/A.mkv", 99.5)
    assert target.name == watch_later_name("/srv/Movies/A.mkv")
    entry = read_file(target)
    assert (entry.start, entry.path) == (99.5, "/srv/Movies/A.mkv")
