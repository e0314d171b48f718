"""``[shared]`` and a library folder's ``name``."""

from __future__ import annotations

from pathlib import Path

import pytest

from kino_tui.config.load import load_settings
from kino_tui.core.errors import ConfigError
from kino_tui.core.models import LibraryRoot
from kino_tui.core.watch.identity import library_name


def settings_of(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    path = tmp_path / "config.toml"
    path.write_text(text)
    return load_settings(path)


def test_no_shared_table_means_no_shared_database(tmp_path: Path) -> None:
    assert settings_of(tmp_path, "").shared.database == ""


def test_the_database_url_and_box_are_read(tmp_path: Path) -> None:
    shared = settings_of(
        tmp_path, '[shared]\ndatabase = "postgresql://kino@nas/kino"\nbox = "living"\n'
    ).shared
    assert (shared.database, shared.box) == ("postgresql://kino@nas/kino", "living")


def test_a_database_that_is_not_postgresql_is_a_config_error_without_the_value(
    tmp_path: Path,
) -> None:
    with pytest.raises(ConfigError, match=r"line 2: database must be a PostgreSQL URL") as error:
        settings_of(tmp_path, '[shared]\ndatabase = "mysql://kino:secret-pw@nas/kino"\n')
    assert "secret-pw" not in str(error.value)


def test_a_roots_name_names_the_library_across_boxes(tmp_path: Path) -> None:
    roots = settings_of(
        tmp_path,
        '[[roots]]\npath = "/mnt/nas/Media"\n\n[[roots]]\npath = "/srv/films"\nname = "Films"\n',
    ).roots
    assert [library_name(root) for root in roots] == ["Media", "Films"]
    assert library_name(LibraryRoot("/srv/Media/")) == "Media"
    with pytest.raises(ConfigError, match="name must be a folder name without /"):
        settings_of(tmp_path, '[[roots]]\npath = "/srv/x"\nname = "a/b"\n')
