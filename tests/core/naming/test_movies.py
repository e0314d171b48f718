"""Movies: titles and years in every place, years that belong to the title, editions and
versions, 3D, leading punctuation, release junk, provider ids, the movie's folder."""

from __future__ import annotations

import pytest

from kino_tui.core.models import RootType
from tests.core.naming.helpers import parse


@pytest.mark.parametrize(
    ("path", "title", "year"),
    [
        ("Movies/Film (2010)/Film (2010).mkv", "Film", 2010),
        ("Film [2010].mkv", "Film", 2010),
        ("Film 2010.mkv", "Film", 2010),
        ("The.Matrix.1999.1080p.BluRay.x264-GRP.mkv", "The Matrix", 1999),
        ("The_Matrix_1999_1080p.mkv", "The Matrix", 1999),
        ("Movie-Name-2018-1080p-WEB-DL.mkv", "Movie Name", 2018),
        ("Alien.1979.Directors.Cut.2160p.UHD.BluRay.REMUX.HDR.HEVC-GRP.mkv", "Alien", 1979),
        ("Some.Movie.1080p.BluRay.x264-GRP.mkv", "Some Movie", None),
        ("Some.Movie.German.DL.1080p.BluRay.x264-GRP.mkv", "Some Movie", None),
        # a year that is part of the title
        ("1917 (2019).mkv", "1917", 2019),
        ("1917.2019.1080p.BluRay.x264-GRP.mkv", "1917", 2019),
        ("2012 (2009).mkv", "2012", 2009),
        ("2012.2009.1080p.BluRay.x264-GRP.mkv", "2012", 2009),
        ("Blade Runner 2049 (2017)/Blade Runner 2049 (2017).mkv", "Blade Runner 2049", 2017),
        ("Blade.Runner.2049.2017.2160p.UHD.BluRay.x265-GRP.mkv", "Blade Runner 2049", 2017),
        ("Blade Runner 2049.mkv", "Blade Runner 2049", None),
        ("2001 A Space Odyssey (1968).mkv", "2001 A Space Odyssey", 1968),
        # titles that look like release words or dates
        ("It.2017.1080p.BluRay.x264-GRP.mkv", "It", 2017),
        ("Web (2013).mkv", "Web", 2013),
        ("Get Real (1998).mkv", "Get Real", 1998),
        # leading punctuation is kept, brackets that are not tags stay
        ("-Dash Movie (2020).mkv", "-Dash Movie", 2020),
        (".hack Quantum (2010).mkv", ".hack Quantum", 2010),
        ("[REC] (2007).mkv", "[REC]", 2007),
        ("[reverse]Evil[blink] (1999).mkv", "[reverse]Evil[blink]", 1999),
        ("Film [blink] (1999).mkv", "Film [blink]", 1999),
        ("Film [1080p] (1999).mkv", "Film", 1999),
        # the movie's folder names a generic or obfuscated file
        ("Inception (2010) [imdbid-tt1375666]/movie.mkv", "Inception", 2010),
        ("Amelie (2001)/Amelie.2001.720p.WEB-DL.mkv", "Amelie", 2001),
        ("Alice in Wonderland DVDRip.XviD-DiAMOND/dmd-aw.avi", "Alice in Wonderland", None),
        ("Movie Name (2019)/movie-name-2019-1080p.mkv", "Movie Name", 2019),
        ("Film (2010)/CD1/film.avi", "Film", 2010),
    ],
)
def test_title_and_year(path: str, title: str, year: int | None) -> None:
    info = parse(path, "movies")
    assert (info.kind, info.title, info.year) == ("movie", title, year)


@pytest.mark.parametrize(
    ("path", "title", "edition"),
    [
        ("Film (2010)/Film (2010) - Directors Cut.mkv", "Film", "Directors Cut"),
        ("Film (2010)/Film (2010) - 2160p.mkv", "Film", "2160p"),
        ("Film (2010)/Film (2010) - [1080P].mp4", "Film", "1080P"),
        ("Film (2010) {edition-Director's Cut}.mkv", "Film", "Director's Cut"),
        ("The.Movie.2010.EXTENDED.1080p.BluRay.x264-GRP.mkv", "The Movie", "Extended"),
        ("The.Movie.2010.Theatrical.Cut.1080p.mkv", "The Movie", "Theatrical Cut"),
        ("Movie.Title.Extended.Edition.720p.BRRip.mkv", "Movie Title", "Extended Edition"),
        # a release group after the tags is not an edition
        ("Movie (2010) [Remux-2160p HDR HEVC DTS-HD MA 5.1]-EVOLVE.mkv", "Movie", None),
        ("Film (2010)/Film (2010) - scene.mkv", "Film", "scene"),
    ],
)
def test_editions_and_versions(path: str, title: str, edition: str | None) -> None:
    info = parse(path, "movies")
    assert (info.kind, info.title, info.edition) == ("movie", title, edition)


@pytest.mark.parametrize(
    ("path", "title", "year", "three_d"),
    [
        ("Avatar (2009) 3D.mkv", "Avatar", 2009, "3d"),
        ("Avatar.2009.3D.HSBS.1080p.BluRay.x264-GRP.mkv", "Avatar", 2009, "3d"),
        ("Awesome 3D Movie (2022).3D.FTAB.mp4", "Awesome 3D Movie", 2022, "3d"),
        ("Awesome 3D Movie (2022)_htab.mp4", "Awesome 3D Movie", 2022, "htab"),
        ("Awesome 3D Movie (2022).mp4", "Awesome 3D Movie", 2022, None),
        ("Film.hsbs.1080p.mkv", "Film", None, "hsbs"),
    ],
)
def test_3d(path: str, title: str, year: int | None, three_d: str | None) -> None:
    info = parse(path, "movies")
    assert (info.title, info.year, info.three_d) == (title, year, three_d)


def test_provider_ids() -> None:
    assert parse("Inception (2010) [imdbid-tt1375666]/movie.mkv").ids == {"imdb": "tt1375666"}
    assert parse("Heat (1995) {tmdb-949}/Heat (1995).mkv").ids == {"tmdb": "949"}
    info = parse("Film (2010) [tmdbid=123]/Film (2010) [imdbid-tt42].mkv")
    assert info.ids == {"imdb": "tt42", "tmdb": "123"} and info.title == "Film"


@pytest.mark.parametrize(
    ("root_type", "path", "kind"),
    [
        # a movies library says what it holds
        ("movies", "No Year Film.mkv", "movie"),
        ("movies", "Movies/Show.S01E01.mkv", "movie"),
        # a mixed folder decides per file: a year or release tags make a movie
        ("mixed", "Home Videos/birthday party.mp4", "video"),
        ("mixed", "clip.mkv", "video"),
        ("mixed", "Film (2010).mkv", "movie"),
        ("mixed", "Some.Movie.1080p.BluRay.x264-GRP.mkv", "movie"),
        # music roots hold concert videos, not movies
        ("music", "Concert.mkv", "video"),
        ("music", "Band/Live (2001)/Concert (2001).mkv", "video"),
    ],
)
def test_library_type_decides(root_type: RootType, path: str, kind: str) -> None:
    info = parse(path, root_type)
    assert info.kind == kind
    if kind == "video":
        assert info.episode is None


@pytest.mark.parametrize(
    ("path", "title", "year"),
    [
        ("Hidden.Figures.UltraHD.HDC.mkv", "Hidden Figures", None),
        ("Amour Multi.mkv", "Amour", None),
        ("Ponyo (2008) (Disc 2).mkv", "Ponyo", 2008),
        ("Avatar.hsbs.3d.mkv", "Avatar", None),
        ("[Judas] Vinland Saga - 05 [1080p].mkv", "Vinland Saga", None),
        ("[ANi] Frieren [28][1080P].mp4", "Frieren", None),
        ("[MBC] 옷소매 붉은 끝동 E01~E17 END 1080p-NEXT.mkv", "옷소매 붉은 끝동", None),
        ("Summer Recital 2018.06.02.mkv", "Summer Recital", 2018),
        ("2024年03月01日20時00分00秒-[新]ダンジョン飯[字].mp4", "ダンジョン飯", None),
        ("www.example.com - Memento (2000) 720p.mkv", "Memento", 2000),
        ("Exit.Through.the.Gift.Shop - Banksy.mkv", "Exit Through the Gift Shop - Banksy", None),
    ],
)
def test_what_surrounds_a_title_is_dropped(path: str, title: str, year: int | None) -> None:
    """Issue 21: release words, a series' numbers, dates, recordings and websites."""
    info = parse(path, "movies")
    assert (info.title, info.year) == (title, year)


def test_release_junk_after_a_dash_is_no_edition() -> None:
    info = parse("Maximum Overdrive - 1986 - WEBDL-720p - x264 AAC.mkv", "movies")
    assert (info.title, info.year, info.edition) == ("Maximum Overdrive", 1986, None)
    assert parse("Film (2010) - 1080p.mkv", "movies").edition == "1080p"
