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
