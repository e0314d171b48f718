"""``rescan_minutes`` under ``[[roots]]``: read, checked with file and line, kept by edits."""

from __future__ import annotations

from pathlib import Path

import pytest

from kino_tui.config.load import load_settings
from kino_tui.config.roots_file import set_root_type
from kino_tui.core.errors import ConfigError


def test_rescan_minutes_is_read_per_root(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        '[[roots]]\npath = "/mnt/nas/Movies"\nrescan_minutes = 5\n\n'
        '[[roots]]\npath = "/srv/TV"\nrescan_minutes = 0.5\n\n'
        '[[roots]]\npath = "/srv/Music"\n'
    )
    roots = load_settings(path).roots
    assert [r.rescan_minutes for r in roots] == [5.0, 0.5, None]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('"often"', r"line 3: rescan_minutes must be a number, not 'often'"),
        ("true", r"line 3: rescan_minutes must be a number, not True"),
        ("-1", r"line 3: rescan_minutes must be 0 \(never\) to 10080, not -1"),
        ("20000", r"line 3: rescan_minutes must be 0 \(never\) to 10080, not 20000"),
    ],
)
def test_bad_rescan_minutes_name_the_line(tmp_path: Path, value: str, message: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(f'[[roots]]\npath = "/x"\nrescan_minutes = {value}\n')
    with pytest.raises(ConfigError, match=message):
        load_settings(path)


def test_retyping_a_root_keeps_its_rescan_minutes(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[[roots]]\npath = "/mnt/nas/Movies"\nrescan_minutes = 15 # the NAS\n')
    set_root_type(path, "/mnt/nas/Movies", "movies")
    (root,) = load_settings(path).roots
    assert (root.type, root.rescan_minutes) == ("movies", 15.0)
    assert "# the NAS" in path.read_text()
