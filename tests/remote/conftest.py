"""Fixtures of the remote tests: the box and the laptop of ``sshbox.py``."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from kino_tui.config.paths import KinoPaths
from kino_tui.config.settings import RemoteSettings, Settings
from kino_tui.service.remote.library import RemoteLibrary
from tests.remote.sshbox import Link, open_link


@pytest.fixture(scope="session")
def link() -> Iterator[Link]:
    """sshd on loopback between a box user and a laptop user (see sshbox.py)."""
    with open_link() as the_link:
        yield the_link


@pytest.fixture
def box_state(link: Link) -> Iterator[Link]:
    """The link with the box's watch state and the laptop's pending file and caches
    cleared before the test (the library itself is kept)."""
    for name in ("watch.json", "history.json"):
        (link.box.data_dir / name).unlink(missing_ok=True)
    (link.laptop.data_dir / "remote-pending.json").unlink(missing_ok=True)
    shutil.rmtree(link.laptop.home / ".cache" / "kino", ignore_errors=True)
    yield link


@pytest.fixture
def remote(box_state: Link, tmp_path: Path) -> Iterator[RemoteLibrary]:
    """The box's library, opened by this test process over the same sshd."""
    link = box_state
    paths = KinoPaths(tmp_path / "config", tmp_path / "data", tmp_path / "cache")
    ssh = ("ssh", "-F", str(link.root_ssh_config))
    settings = Settings(remote=RemoteSettings("box", tuple(link.remote_command), ssh))
    library = RemoteLibrary(paths, "box", settings)
    yield library
    library.close()
