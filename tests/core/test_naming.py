"""Naming conventions of Jellyfin, Kodi and Plex, read from realistic paths."""

from __future__ import annotations

import pytest

from kino_tui.core.naming import (
    PathContext,
    parse_track_path,
    parse_video,
    stack_files,
    stacked_title_source,
)


def parse(path: str, root_type: str = "mixed", show_nfo: bool = False):
    *folders, name = path.split("/")
    return parse_video(name, PathContext("/lib", root_type, tuple(folders), show_nfo))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("path", "title", "year"),
    [
        ("Movies/Film (2010)/Film (2010).mkv", "Film", 2010),
        ("The.Matrix.1999.1080p.BluRay.x264-GRP.mkv", "The Matrix", 1999),
        ("Blade Runner 2049 (2017)/Blade Runner 2049 (2017).mkv", "Blade Runner 2049", 2017),
        ("2001 A Space Odyssey (1968).mkv", "2001 A Space Odyssey", 1968),
        ("Inception (2010) [imdbid-tt1375666]/movie.mkv", "Inception", 2010),
        ("Alien.1979.Directors.Cut.2160p.UHD.BluRay.REMUX.HDR.HEVC-GRP.mkv", "Alien", 1979),
        ("Amelie (2001)/Amelie.2001.720p.WEB-DL.mkv", "Amelie", 2001),
        ("Some.Movie.1080p.BluRay.x264-GRP.mkv", "Some Movie", None),
    ],
)
def test_movies(path: str, title: str, year: int) -> None:
    info = parse(path)
    assert (info.kind, info.title, info.year) == ("movie", title, year)


def test_brackets_are_dropped_only_when_they_are_tags() -> None:
    assert parse("[reverse]Evil[blink] (1999).mkv").title == "[reverse]Evil[blink]"
    assert parse("Film [blink] (1999).mkv").title == "Film [blink]"
    assert parse("Film [1080p] (1999).mkv").title == "Film"
    info = parse("Anime/[Group] Anime - 03 [ABCD1234].mkv", "shows")
    assert (info.series, info.episode) == ("Anime", 3)


def test_movie_ids_and_editions() -> None:
    assert parse("Inception (2010) [imdbid-tt1375666]/movie.mkv").ids == {"imdb": "tt1375666"}
    assert parse("Heat (1995) {tmdb-949}/Heat (1995).mkv").ids == {"tmdb": "949"}
    assert parse("Film (2010)/Film (2010) - Directors Cut.mkv").edition == "Directors Cut"
    assert parse("Film (2010)/Film (2010) - 2160p.mkv").edition == "2160p"


def test_plain_videos_are_not_guessed_as_movies() -> None:
    for path in ("Home Videos/birthday party.mp4", "clip.mkv", "1920x1080 wallpaper.mkv"):
        info = parse(path)
        assert info.kind == "video", path
        assert info.year is None and info.episode is None
    # but a movies library says what it holds
    assert parse("No Year Film.mkv", "movies").kind == "movie"
    assert parse("Concert.mkv", "music").kind == "video"


@pytest.mark.parametrize(
    ("path", "series", "season", "episode", "end"),
    [
        ("TV/Breaking Bad (2008)/Season 01/Breaking Bad S01E02.mkv", "Breaking Bad", 1, 2, None),
        ("Show/Season 1/S01E01-E02.mkv", "Show", 1, 1, 2),
        ("Show/Season 1/Show S01E03E04.mkv", "Show", 1, 3, 4),
        ("Show.Name.S02E03.720p.HDTV.x264-GRP.mkv", "Show Name", 2, 3, None),
        ("Some Show/some show 1x02 - Pilot.avi", "Some Show", 1, 2, None),
        ("Show (2020)/Season 2/02.avi", "Show", 2, 2, None),
        ("Show (2020)/Season 2/Episode 7 - Title.mkv", "Show", 2, 7, None),
        ("Show/Specials/Show S00E01.mkv", "Show", 0, 1, None),
        ("Show/Season 00/E05.mkv", "Show", 0, 5, None),
        ("Anime/[Group] Anime - 03 [720p].mkv", "Anime", None, 3, None),
    ],
)
def test_episodes(
    path: str, series: str, season: int | None, episode: int, end: int | None
) -> None:
    info = parse(path)
    assert info.kind == "episode", info
    assert (info.series, info.season, info.episode, info.episode_end) == (
        series,
        season,
        episode,
        end,
    )


def test_episode_conventions_that_need_a_shows_root() -> None:
    info = parse("Talk Show/Talk Show 2024-03-15.mkv", "shows")
    assert (info.kind, info.series, info.air_date) == ("episode", "Talk Show", "2024-03-15")
    info = parse("Long Anime/Long Anime - 317.mkv", "shows")
    assert (info.kind, info.series, info.season, info.episode) == (
        "episode",
        "Long Anime",
        None,
        317,
    )
    # the same names in a mixed folder are not guessed into shows
    assert parse("Family/Film - 2.mkv").kind == "video"
    assert parse("Show - 2010.mkv", "shows").episode is None


def test_series_name_from_show_folder_when_file_lacks_it() -> None:
    info = parse("Shows/The Wire (2002)/Season 03/S03E04.mkv")
    assert (info.series, info.year, info.season, info.episode) == ("The Wire", 2002, 3, 4)
    # a release folder is not a show name
    info = parse("Downloads/Show.Name.S01E02.720p.HDTV/Show.Name.S01E02.720p.HDTV.mkv")
    assert info.series == "Show Name"


def test_episode_title_after_dash() -> None:
    assert parse("Show/Season 1/Show - S01E01 - The Pilot.mkv").title == "The Pilot"


@pytest.mark.parametrize(
    ("path", "extra_type", "owner"),
    [
        ("Film (2010)/Extras/Making of.mkv", "extra", "Film (2010)"),
        ("Film (2010)/Featurettes/Costumes.mkv", "featurette", "Film (2010)"),
        ("Film (2010)/Trailers/Teaser.mkv", "trailer", "Film (2010)"),
        ("Film (2010)/Behind The Scenes/Day 1.mkv", "behindthescenes", "Film (2010)"),
        ("Film (2010)/Deleted Scenes/Cut.mkv", "deleted", "Film (2010)"),
        ("Film (2010)/Film (2010)-trailer.mkv", "trailer", "Film (2010)"),
        ("Film (2010)/Film (2010).trailer.mkv", "trailer", "Film (2010)"),
        ("Film (2010)/Film (2010)-featurette.mkv", "featurette", "Film (2010)"),
        ("Film.2010.1080p-GRP/film.2010.1080p-grp-sample.mkv", "sample", "Film.2010.1080p-GRP"),
        ("Film (2010)/trailer.mp4", "trailer", "Film (2010)"),
    ],
)
def test_extras(path: str, extra_type: str, owner: str) -> None:
    info = parse(path)
    assert (info.kind, info.extra_type, info.extra_owner) == ("extra", extra_type, owner)


def test_words_that_look_like_extras_are_not() -> None:
    assert parse("The Other (1972)/The Other (1972).mkv").kind == "movie"
    assert parse("Short Circuit (1986).mkv").kind == "movie"
    assert parse("Film (2010)/Film (2010) - scene.mkv").kind == "movie"


def test_stacking() -> None:
    names = [
        "Film (2010) cd1.avi",
        "Film (2010) cd2.avi",
        "Other part1.mkv",
        "Other part2.mkv",
        "Other part3.mkv",
        "Letters-pt.a.mkv",
        "Letters-pt.b.mkv",
        "Alone disc1.mkv",
        "Harry Potter Part 2 (2011).mkv",
        "The Departed (2006).mkv",
    ]
    groups = stack_files(names)
    assert ["Film (2010) cd1.avi", "Film (2010) cd2.avi"] in groups
    assert ["Other part1.mkv", "Other part2.mkv", "Other part3.mkv"] in groups
    assert ["Letters-pt.a.mkv", "Letters-pt.b.mkv"] in groups
    assert ["Alone disc1.mkv"] in groups  # a single part is not a stack
    assert ["Harry Potter Part 2 (2011).mkv"] in groups
    assert ["The Departed (2006).mkv"] in groups
    assert stacked_title_source("Film (2010) cd1.avi") == "Film (2010).avi"
    # parts out of order are put in order; different extensions do not stack
    assert stack_files(["B dvd2.mkv", "B dvd1.mkv"]) == [["B dvd1.mkv", "B dvd2.mkv"]]
    assert stack_files(["C cd1.mkv", "C cd2.avi"]) == [["C cd1.mkv"], ["C cd2.avi"]]


def test_music_folder_fallback() -> None:
    info = parse_track_path("03 - Song Title.flac", ("Artist", "Album (1999)"))
    assert (info.artist, info.album, info.year, info.track, info.title) == (
        "Artist",
        "Album",
        1999,
        3,
        "Song Title",
    )
    info = parse_track_path("1-07 Other.mp3", ("Band", "Live", "CD2"))
    assert (info.artist, info.album, info.disc, info.track, info.title) == (
        "Band",
        "Live",
        1,
        7,
        "Other",
    )
    info = parse_track_path("Band - Loose.mp3", ("Band", "Singles"))
    assert info.title == "Loose" and info.track is None
    assert parse_track_path("Intro.mp3", ()).title == "Intro"
