"""``[keys]`` checked against every binding of every screen: unknown ids, and remapped
keys that another binding of the same screen already has."""

from __future__ import annotations

from pathlib import Path

from kino_tui.config.keys import binding_problems
from kino_tui.ui.bindings import screens


def problems(tmp_path: Path, keys: str) -> list[str]:
    config = tmp_path / "config.toml"
    config.write_text("[keys]\n" + keys)
    return binding_problems(config, screens())


def test_a_remap_onto_a_key_the_screen_already_has_is_named(tmp_path: Path) -> None:
    (line,) = problems(tmp_path, '"browser.sort" = "w"\n')
    assert "line 2" in line and "'w'" in line
    assert "'browser.sort'" in line and "'browser.watched'" in line


def test_remaps_that_clash_with_nothing_are_fine(tmp_path: Path) -> None:
    assert problems(tmp_path, '"group_menu.play" = "g"\n"browser.sort" = "y"\n') == []
    # moving two keys around each other is fine too
    assert problems(tmp_path, '"browser.sort" = "w"\n"browser.watched" = "s"\n') == []


def test_keys_the_defaults_share_on_purpose_are_not_a_clash(tmp_path: Path) -> None:
    """Enter is the browser's group menu and the list's select: remapping the list's
    select keeps sharing Enter without a warning."""
    assert problems(tmp_path, '"list.select" = "enter,l"\n') == []


def test_an_unknown_id_is_named_with_the_closest(tmp_path: Path) -> None:
    (line,) = problems(tmp_path, '"browser.serch" = "o"\n')
    assert "no key binding has the id 'browser.serch'" in line and "browser.search" in line
