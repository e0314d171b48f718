"""Episodes: every common spelling of season and episode, multi-episode files, anime and
absolute numbering, dates, the show from its folders, specials, titles from release names."""

from __future__ import annotations

import pytest

from kino_tui.core.models import RootType
from tests.core.naming.helpers import parse

#: (root type, path, series, season, episode, last episode)
NUMBERS: list[tuple[RootType, str, str, int | None, int, int | None]] = [
    # SxxEyy and its variants
    ("shows", "Breaking Bad (2008)/Season 01/Breaking Bad S01E02.mkv", "Breaking Bad", 1, 2, None),
    (
        "mixed",
        "TV/Breaking Bad (2008)/Season 01/Breaking Bad S01E02.mkv",
        "Breaking Bad",
        1,
        2,
        None,
    ),
    ("shows", "Show/Season 1/show s1e2.mkv", "Show", 1, 2, None),
    ("shows", "Show/Season 1/Show.S01.E02.mkv", "Show", 1, 2, None),
    ("shows", "Show/Season 1/Show S01 E02.mkv", "Show", 1, 2, None),
    ("shows", "Show/Season 1/Show_S01_E02.mkv", "Show", 1, 2, None),
    ("shows", "Show/Season 1/Show S01-E02.mkv", "Show", 1, 2, None),
    ("shows", "Show/Season 1/Show S01xE02.mkv", "Show", 1, 2, None),
    ("shows", "Show/Season 1/Show S01Ep02.mkv", "Show", 1, 2, None),
    ("shows", "Angel (1999)/Season 1/Angel_[s01]_[e05].avi", "Angel", 1, 5, None),
    ("mixed", "Show.Name.S02E03.720p.HDTV.x264-GRP.mkv", "Show Name", 2, 3, None),
    # NxNN
    ("mixed", "Some Show/some show 1x02 - Pilot.avi", "Some Show", 1, 2, None),
    ("shows", "Angel (1999)/Season 2/Angel [2x02].avi", "Angel", 2, 2, None),
    ("shows", "Show/Season 10/Show 10x05.mkv", "Show", 10, 5, None),
    # seasons written as years
    ("shows", "Show/Season 2023/Show S2023E05.mkv", "Show", 2023, 5, None),
    ("shows", "Show/Season 2023/Show 2023x05.mkv", "Show", 2023, 5, None),
    ("shows", "Show/2023/Show S2023E06.mkv", "Show", 2023, 6, None),
    ("shows", "Show/2/Show 2x06.mkv", "Show", 2, 6, None),
    ("shows", "24/Season 1/1x01.avi", "24", 1, 1, None),  # a show named by a number
    ("shows", "24/24 - 1x02.avi", "24", 1, 2, None),
    # spelled out
    ("shows", "Show/Show Season 1 Episode 2.mkv", "Show", 1, 2, None),
    ("shows", "Show/Show - Season 01 - Episode 03.mkv", "Show", 1, 3, None),
    ("shows", "Show/Show Series 3 Ep 4.mkv", "Show", 3, 4, None),
    # episode-only numbering inside a season folder
    ("mixed", "Show (2020)/Season 2/02.avi", "Show", 2, 2, None),
    ("mixed", "Show (2020)/Season 2/Episode 7 - Title.mkv", "Show", 2, 7, None),
    ("shows", "Show/Season 2/E05.mkv", "Show", 2, 5, None),
    ("shows", "Show/Season 2/Ep 6.mkv", "Show", 2, 6, None),
    (
        "shows",
        "Planet Earth (2006)/Planet Earth - Episode 06 - Ice Worlds.avi",
        "Planet Earth",
        None,
        6,
        None,
    ),
    # compact numbers where they are unambiguous
    ("shows", "Show/Season 2/203 - Title.mkv", "Show", 2, 3, None),
    ("shows", "Show/Season 1/101.mkv", "Show", 1, 1, None),
    ("shows", "Show/show.name.203.hdtv-lol.avi", "Show", 2, 3, None),
    # multi-episode files: the last episode is recorded
    ("mixed", "Show/Season 1/S01E01-E02.mkv", "Show", 1, 1, 2),
    ("mixed", "Show/Season 1/Show S01E03E04.mkv", "Show", 1, 3, 4),
    ("shows", "Show/Season 1/Show S01E01E02E03.mkv", "Show", 1, 1, 3),
    ("shows", "Show/Season 1/Show S01E01-E02-E03.mkv", "Show", 1, 1, 3),
    ("shows", "Show/Season 1/Show S01E01-02.mkv", "Show", 1, 1, 2),
    ("shows", "Show/Season 1/Show S01E01 - E02.mkv", "Show", 1, 1, 2),
    ("shows", "Show/Season 1/Show S01E01 - S01E02.mkv", "Show", 1, 1, 2),
    ("shows", "Show/Season 1/Show.S01E01.S01E02.mkv", "Show", 1, 1, 2),
    ("shows", "Show/Season 1/Show S01E01+E02.mkv", "Show", 1, 1, 2),
    ("shows", "Show/Season 1/Show 1x01-1x02.mkv", "Show", 1, 1, 2),
    ("shows", "Show/Season 1/Show 1x01x02.mkv", "Show", 1, 1, 2),
    ("shows", "Show/Season 1/Show 1x01-02.mkv", "Show", 1, 1, 2),
    ("shows", "Show/Season 1/Show Season 1 Episode 1-2.mkv", "Show", 1, 1, 2),
    ("mixed", "Downloads/Show.Name.S01E18-19.1080p.WEB.h264-GRP.mkv", "Show Name", 1, 18, 19),
    ("shows", "Show/Season 2/02 - 03.mkv", "Show", 2, 2, 3),
    # a resolution after a dash is not a last episode
    ("mixed", "Show.S01E01-1080p.mkv", "Show", 1, 1, None),
    # anime and absolute numbering: no season folder, no season
    ("mixed", "Anime/[Group] Anime - 03 [720p].mkv", "Anime", None, 3, None),
    ("shows", "Anime/[Group] Anime - 03 [ABCD1234].mkv", "Anime", None, 3, None),
    ("shows", "Long Anime/Long Anime - 317.mkv", "Long Anime", None, 317, None),
    (
        "shows",
        "One Piece/[SubsPlease] One Piece - 1105 (1080p) [ABCDEF12].mkv",
        "One Piece",
        None,
        1105,
        None,
    ),
    ("shows", "Show/[Group]_Show_-_05_[720p].mkv", "Show", None, 5, None),
    ("shows", "Show/[Group] Show - 05v2 [1080p].mkv", "Show", None, 5, None),
    ("shows", "Show/[Group] Show - 05-06 [1080p].mkv", "Show", None, 5, 6),
    ("shows", "Show/Show 05.mkv", "Show", None, 5, None),
    ("shows", "Show/01.mkv", "Show", None, 1, None),
    (
        "shows",
        "86 - Eighty Six/[SubsPlease] 86 - Eighty Six - 12 (1080p).mkv",
        "86 - Eighty Six",
        None,
        12,
        None,
    ),
    (
        "shows",
        "[SubsPlease] 86 - Eighty Six - 13 (1080p) [1A2B3C4D].mkv",
        "86 - Eighty Six",
        None,
        13,
        None,
    ),
    ("shows", "Show/[Group] Show S2 - 05 [1080p].mkv", "Show", 2, 5, None),
    ("shows", "Show/[Group] Show Season 2 - 05 [1080p].mkv", "Show", 2, 5, None),
    ("shows", "Show/[Group] Show 2nd Season - 05 [1080p].mkv", "Show", 2, 5, None),
    # specials
    ("mixed", "Show/Specials/Show S00E01.mkv", "Show", 0, 1, None),
    ("mixed", "Show/Season 00/E05.mkv", "Show", 0, 5, None),
    ("shows", "Show/Specials/Making Of.mkv", "Show", 0, None, None),  # type: ignore[list-item]
]


@pytest.mark.parametrize(("root_type", "path", "series", "season", "episode", "end"), NUMBERS)
def test_numbers(
    root_type: RootType, path: str, series: str, season: int | None, episode: int, end: int | None
) -> None:
    info = parse(path, root_type)
    assert info.kind == "episode", info
    got = (info.series, info.season, info.episode, info.episode_end)
    assert got == (series, season, episode, end), info


@pytest.mark.parametrize(
    ("root_type", "path", "series", "air_date", "title"),
    [
        ("shows", "Talk Show/Talk Show 2024-03-15.mkv", "Talk Show", "2024-03-15", None),
        (
            "shows",
            "The Daily Show/The Daily Show 2011.01.11.avi",
            "The Daily Show",
            "2011-01-11",
            None,
        ),
        (
            "shows",
            "The Daily Show/The Daily Show 13.01.2011.avi",
            "The Daily Show",
            "2011-01-13",
            None,
        ),
        (
            "shows",
            "Late Night/Late.Night.2024.03.14.Guest.Name.720p.WEB.h264-GRP.mkv",
            "Late Night",
            "2024-03-14",
            "Guest Name",
        ),
        (
            "mixed",
            "Downloads/Conan.2010.11.08.Tom.Hanks.HDTV.XviD-GRP.avi",
            "Conan",
            "2010-11-08",
            "Tom Hanks",
        ),
    ],
)
def test_dated_episodes(
    root_type: RootType, path: str, series: str, air_date: str, title: str | None
) -> None:
    info = parse(path, root_type)
    assert (info.kind, info.series, info.air_date, info.title) == (
        "episode",
        series,
        air_date,
        title,
    )


@pytest.mark.parametrize(
    "path",
    [
        "Home Videos/birthday 2019-05-03.mkv",
        "Screen Recordings/Screen Recording 2024-03-15 at 10.22.31.mov",
        "Camera/2019-05-03.mkv",
        "Family/Film - 2.mkv",
        "1920x1080 wallpaper.mkv",
        "Home Videos/2005/clip 0.mkv",
    ],
)
def test_look_alikes_in_a_mixed_folder_are_not_episodes(path: str) -> None:
    assert parse(path).kind == "video"


@pytest.mark.parametrize(
    ("path", "series", "year"),
    [
        # the show folder, not the season folder
        ("Shows/The Wire (2002)/Season 03/S03E04.mkv", "The Wire", 2002),
        # a release-style show or season-pack folder, cleaned
        ("Show.Name.S01.1080p.WEB-DL-GRP/Show.Name.S01E01.1080p.WEB-DL-GRP.mkv", "Show Name", None),
        ("Show.Name.2010.S02.720p.HDTV.x264-GRP/Show.Name.2010.S02E01.720p.mkv", "Show Name", 2010),
        ("Show Name - Season 1/Show Name S01E01.mkv", "Show Name", None),
        ("Show.Name.Complete.Series.1080p.BluRay/S01E01.mkv", "Show Name", None),
        ("Show Name/Show.Name.S01.1080p.WEB-DL-GRP/Show.Name.S01E02.mkv", "Show Name", None),
        ("Show (2010) [tvdbid-1234]/Season 1/S01E01.mkv", "Show", 2010),
        # a folder that names the show better than the file does
        ("Doctor Who (2005)/Season 1/doctor.who.2005.s01e01.720p.mkv", "Doctor Who", 2005),
        # disc folders inside a season are skipped
        ("Show/Season 1/Disc 1/Show S01E01.mkv", "Show", None),
    ],
)
def test_show_from_folders(path: str, series: str, year: int | None) -> None:
    info = parse(path, "shows")
    assert (info.kind, info.series, info.year) == ("episode", series, year)


def test_series_from_the_file_when_the_folders_have_none() -> None:
    info = parse("Marvels.Agents.of.S.H.I.E.L.D.S01E01.720p.HDTV.X264-DIMENSION.mkv", "shows")
    assert info.series == "Marvels Agents of S.H.I.E.L.D."
    # in a mixed folder a file naming another show keeps its own name
    info = parse("Downloads/Other.Show.S01E02.720p.HDTV.x264-GRP.mkv")
    assert info.series == "Other Show"
    # a release folder is not a show name
    info = parse("Downloads/Show.Name.S01E02.720p.HDTV/Show.Name.S01E02.720p.HDTV.mkv")
    assert info.series == "Show Name"
    info = parse("Shows/The Wire (2002)/Season 03/S03E04.mkv")
    assert (info.series, info.year) == ("The Wire", 2002)


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("Long.Show.S01E01.First.Light.1080p.WEB-DL.DDP5.1.H.264-GRP.mkv", "First Light"),
        ("Show/Season 1/Show - S01E01 - The Pilot.mkv", "The Pilot"),
        ("Show/Season 1/Show S01E01 The Pilot.mkv", "The Pilot"),
        ("Show.S01E01.720p.HDTV.x264-GRP.mkv", None),
        ("Show.S01E01.PROPER.720p.HDTV.x264-GRP.mkv", None),
        ("Show.S01E01.WEB.h264-GRP.mkv", None),
        ("Show/Season 1/Show S01E01.mkv", None),
        ("Show/Season 1/Show S01E01 (2010).mkv", None),
        ("1923 (2022)/Season 01/1923 - S01E01 - 1923.mkv", "1923"),  # a title that is a year
        ("Show/Season 1/Show.S01E01.Episode.Name.German.DL.1080p.mkv", "Episode Name"),
        ("Show/Season 1/show_s01e01_the_title.mkv", "the title"),
        (
            "Severance (2022)/Season 01/Severance (2022) - S01E02 - Half Loop "
            "[ATVP WEBDL-2160p][DV HDR10][EAC3 Atmos 5.1][h265]-NTb.mkv",
            "Half Loop",
        ),
        (
            "Frieren (2023)/Season 01/Frieren (2023) - S01E01 - 001 - The Journey's End "
            "[Bluray-1080p][10bit][x265][FLAC 2.0][JA]-Group.mkv",
            "The Journey's End",
        ),
        ("Show/[Group] Show - 05 - Title Here [1080p].mkv", "Title Here"),
        ("Show/[Group] Show - 13 (BD 1080p Hi10 FLAC) [D2C4F1A0].mkv", None),
        ("Show/[Erai-raws] Show - 24 [1080p][Multiple Subtitle][ENG].mkv", None),
    ],
)
def test_episode_titles_from_names(path: str, title: str | None) -> None:
    info = parse(path, "shows")
    assert (info.kind, info.title) == ("episode", title)


@pytest.mark.parametrize(
    ("path", "series", "season", "title"),
    [
        ("Show (2020)/Show - The Movie.mkv", "Show", None, "Show - The Movie"),
        ("Show/Season 2/Behind the making.mkv", "Show", 2, "Behind the making"),
        ("Show/Specials/Christmas Special.mkv", "Show", 0, "Christmas Special"),
        ("Odd Name.mkv", "Odd Name", None, "Odd Name"),
        ("Show - 2010.mkv", "Show", None, "Show - 2010"),
    ],
)
def test_under_shows_every_video_is_an_episode(
    path: str, series: str, season: int | None, title: str
) -> None:
    info = parse(path, "shows")
    assert (info.kind, info.series, info.season, info.episode) == ("episode", series, season, None)
    assert info.title == title


def test_a_shows_root_never_reads_movies() -> None:
    assert parse("Blade Runner (1982)/Blade Runner (1982).mkv", "shows").kind == "episode"
    assert parse("Show/Season 1/Show.S01E01.mkv", "movies").kind == "movie"
    assert parse("Show/Season 1/Show.S01E01.mkv", "music").kind == "video"


@pytest.mark.parametrize(
    ("path", "series", "season", "episode", "end"),
    [
        ("Dexter/Season 3/Dexter S03x07 - Easy as Pie.mkv", "Dexter", 3, 7, None),
        ("Top Gear/Season 2015/Top Gear S2015x04.mkv", "Top Gear", 2015, 4, None),
        ("Lost/Season 4/Lost - 04x05-E06 - The Constant.mkv", "Lost", 4, 5, 6),
        ("Mushishi/[Commie] Mushishi [03][BD 1080p][FLAC].mkv", "Mushishi", None, 3, None),
        ("Cheers/3-07 - Diane's Allergy.avi", "Cheers", 3, 7, None),
        ("Show/Season 3/3 - 10 Things.mkv", "Show", 3, 3, None),
        ("Downloads/Succession.S04E10.With.Open.Eyes.1080p.mkv", "Succession", 4, 10, None),
        ("Torrents/Complete/Atlanta.S01E03.720p.HDTV.mkv", "Atlanta", 1, 3, None),
    ],
)
def test_issue_21_spellings(
    path: str, series: str, season: int | None, episode: int, end: int | None
) -> None:
    info = parse(path, "shows")
    assert (info.series, info.season, info.episode, info.episode_end) == (
        series,
        season,
        episode,
        end,
    )
