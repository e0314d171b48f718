"""Cleaning titles, natural sort, and what folder names say."""

from __future__ import annotations

import pytest

from kino_tui.core.naming import (
    clean_title,
    disc_of_folder,
    natural_key,
    read_show_folder,
    season_of_folder,
    split_title_year,
)


@pytest.mark.parametrize(
    ("text", "clean"),
    [
        ("Some.Show_Name -", "Some Show Name"),
        ("Some_Show_Name", "Some Show Name"),
        ("Marvels.Agents.of.S.H.I.E.L.D.", "Marvels Agents of S.H.I.E.L.D."),
        ("M.A.S.H.", "M.A.S.H."),
        ("Mr. Robot", "Mr. Robot"),
        ("[Group] Anime Name", "Anime Name"),
        ("Anime Name [ABCD1234]", "Anime Name"),
        ("-Dash Movie", "-Dash Movie"),
        ("Film [blink]", "Film [blink]"),
    ],
)
def test_clean_title(text: str, clean: str) -> None:
    assert clean_title(text) == clean


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Film (2010) - Directors Cut", ("Film", 2010, "Directors Cut")),
        ("Film.2010.1080p.BluRay.x264-GRP", ("Film", 2010, None)),
        ("Blade Runner 2049 (2017)", ("Blade Runner 2049", 2017, None)),
        ("1917", ("1917", None, None)),
        (
            "Jellyfin Documentary (2030)",
            ("Jellyfin Documentary", 2030, None),
        ),  # in brackets: a year
        ("Film [imdbid-tt0106145] (2010)", ("Film", 2010, None)),
    ],
)
def test_split_title_year(text: str, expected: tuple[str, int | None, str | None]) -> None:
    assert split_title_year(text) == expected


def test_natural_sort() -> None:
    names = ["Show 10", "show 2", "Show 1", "Show 2b", "Another"]
    assert sorted(names, key=natural_key) == ["Another", "Show 1", "show 2", "Show 2b", "Show 10"]


@pytest.mark.parametrize(
    ("name", "shows_root", "season"),
    [
        ("Season 01", False, 1),
        ("season 1", False, 1),
        ("Season 1 (2008)", False, 1),
        ("Season 2 [1080p]", False, 2),
        ("S02", False, 2),
        ("Series 3", False, 3),
        ("Staffel 4", False, 4),
        ("Temporada 5", False, 5),
        ("Saison 6", False, 6),
        ("2nd Season", False, 2),
        ("Season 2023", False, 2023),
        ("Specials", False, 0),
        ("Special", False, 0),
        ("Season 00", False, 0),
        ("2", True, 2),
        ("2023", True, 2023),
        ("2023", False, None),  # a year folder of home videos in a mixed root
        ("Seasonal", False, None),
        ("Show Name", False, None),
    ],
)
def test_season_folders(name: str, shows_root: bool, season: int | None) -> None:
    assert season_of_folder(name, shows_root) == season


@pytest.mark.parametrize(
    ("name", "title", "year", "season"),
    [
        ("Show Name (2010)", "Show Name", 2010, None),
        ("Show.Name.S01.1080p.WEB-DL-GRP", "Show Name", None, 1),
        ("Show.Name.2010.S02.720p.HDTV.x264-GRP", "Show Name", 2010, 2),
        ("Show Name - Season 3", "Show Name", None, 3),
        ("Show Name S01-S03 Complete", "Show Name", None, 1),
        ("Show.Name.Complete.Series.1080p.BluRay", "Show Name", None, None),
        ("Show.Name.S01E02.720p.HDTV", "Show Name", None, 1),
        ("Show (2010) [tvdbid-1234]", "Show", 2010, None),
        ("24", "24", None, None),
        ("S.W.A.T. (2017)", "S.W.A.T.", 2017, None),
    ],
)
def test_show_folders(name: str, title: str, year: int | None, season: int | None) -> None:
    folder = read_show_folder(name)
    assert (folder.title, folder.year, folder.season) == (title, year, season)


@pytest.mark.parametrize(
    ("name", "disc"), [("CD1", 1), ("Disc 2", 2), ("disk_3", 3), ("DVD 1", 1), ("Discovery", None)]
)
def test_disc_folders(name: str, disc: int | None) -> None:
    assert disc_of_folder(name) == disc
