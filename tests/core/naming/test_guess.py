"""guessit reads only what the rules cannot, once per name pattern."""

from __future__ import annotations

from kino_tui.core.naming import guess
from tests.core.naming.helpers import parse


def test_a_season_of_unreadable_names_costs_one_guessit_call() -> None:
    before = guess.calls
    infos = [
        parse(f"Pattern Show/Season 1/Pattern.Show.{n}of12.720p.HDTV.x264-GRP.mkv", "shows")
        for n in range(1, 13)
    ]
    assert [(i.kind, i.season, i.episode, i.rule) for i in infos] == [
        ("episode", 1, n, "guessit") for n in range(1, 13)
    ]
    assert {i.series for i in infos} == {"Pattern Show"}
    assert guess.calls - before == 1


def test_names_the_rules_read_never_reach_guessit() -> None:
    before = guess.calls
    paths = [
        "Show/Season 1/Show.S01E02.720p.HDTV.x264-GRP.mkv",
        "Show/Season 1/show.102.hdtv-lol.avi",
        "Show/Season 2/Show.Ep.05.720p.HDTV.x264-GRP.mkv",
        "Anime/[Group] Anime - 05 [1080p][ABCD1234].mkv",
        "Talk/Talk.2024.03.15.Guest.720p.WEB.h264-GRP.mkv",
    ]
    for path in paths:
        assert parse(path, "shows").episode or parse(path, "shows").air_date
    for path in ("Movie.Title.1080p.BluRay.x264-GRP.mkv", "Movie.Title.EXTENDED.720p.BRRip.mkv"):
        assert parse(path, "movies").title == "Movie Title"
    assert guess.calls == before
