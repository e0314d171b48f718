"""The whole NFO through a real scan into a real catalog file (issue 21): a film's people,
a show's, a season's and a multi-episode file's NFOs, album and artist NFOs, a bad NFO."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from kino_tui.core.models import CastMember
from tests.conftest import LibraryBuilder
from tests.core.scan.test_scanner import items, scan


@pytest.fixture
def catalog_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "catalog.json"


HEAT = """<movie><title>Heat</title><tagline>A Los Angeles crime saga</tagline>
<mpaa>US:R</mpaa><premiered>1995-12-15</premiered><studio>Warner Bros.</studio>
<set><name>Heat Collection</name></set><director>Michael Mann</director>
<credits>Michael Mann</credits><tag>heist</tag><country>USA</country>
<ratings><rating name="imdb" default="true"><value>8,3</value></rating>
<rating name="tmdb"><value>7.9</value></rating></ratings>
<actor><name>Al Pacino</name><role>Vincent Hanna</role><order>0</order></actor>
<actor><name>Robert De Niro</name><role>Neil McCauley</role><order>1</order></actor>
<uniqueid type="imdb">tt0113277</uniqueid><uniqueid type="tmdb">949</uniqueid></movie>"""

LAYOUT = {
    "Movies/Heat (1995)/Heat (1995).mkv": "h264.mkv",
    "Movies/Heat (1995)/Heat (1995).nfo": HEAT,
    "Movies/Broken (2003)/Broken (2003).mkv": "h264.mkv",
    "Movies/Broken (2003)/movie.nfo": "<movie><title>unclosed</movie>",
    "TV/The Wire/tvshow.nfo": (
        "<tvshow><title>The Wire</title><studio>HBO</studio><mpaa>TV-MA</mpaa>"
        "<uniqueid type='tvdb'>79126</uniqueid></tvshow>"
    ),
    "TV/The Wire/Season 01/season.nfo": "<season><seasonnumber>1</seasonnumber><title>The Streets</title></season>",
    "TV/The Wire/Season 01/The Wire S01E01E02.mkv": "hevc.mp4",
    "TV/The Wire/Season 01/The Wire S01E01E02.nfo": (
        "<episodedetails><title>The Target</title><season>1</season><episode>1</episode>"
        "<director>Clark Johnson</director><aired>2002-06-02</aired>"
        + "".join(f"<actor><name>Actor {n}</name><order>{n}</order></actor>" for n in range(9))
        + "</episodedetails>"
        "<episodedetails><title>The Detail</title><season>1</season><episode>2</episode>"
        "<director>Ed Bianchi</director></episodedetails>"
    ),
    "Music/Someone/artist.nfo": (
        "<artist><name>Someone</name><biography>Plays.</biography>"
        "<musicBrainzArtistID>mb-artist</musicBrainzArtistID></artist>"
    ),
    "Music/Someone/Untagged (1990)/album.nfo": (
        "<album><title>Untagged</title><label>Blue Note</label><review>Fine.</review></album>"
    ),
    "Music/Someone/Untagged (1990)/07 - Loose Song.mp3": "plain.mp3",
}


def test_the_whole_nfo_survives_the_scan_and_the_catalog(
    build_library: LibraryBuilder, catalog_path: Path
) -> None:
    root = build_library(LAYOUT)
    summary = scan(root, catalog_path)
    found = items(catalog_path)  # read back from the catalog file

    heat = found["Movies/Heat (1995)/Heat (1995).mkv"]
    assert (heat.tagline, heat.certification, heat.premiered) == (
        "A Los Angeles crime saga",
        "R",
        "1995-12-15",
    )
    assert (heat.studios, heat.collection, heat.tags, heat.countries) == (
        ["Warner Bros."],
        "Heat Collection",
        ["heist"],
        ["USA"],
    )
    assert (heat.directors, heat.writers) == (["Michael Mann"], ["Michael Mann"])
    assert heat.cast == [
        CastMember("Al Pacino", "Vincent Hanna"),
        CastMember("Robert De Niro", "Neil McCauley"),
    ]
    assert (heat.rating, heat.ratings) == (8.3, {"imdb": 8.3, "tmdb": 7.9})
    assert heat.ids == {"imdb": "tt0113277", "tmdb": "949"}

    # a bad NFO is a problem line; the film is still read from its name
    broken = found["Movies/Broken (2003)/Broken (2003).mkv"]
    assert (broken.title, broken.year) == ("Broken", 2003)
    assert any("malformed NFO" in problem.message for problem in summary.problems)

    episode = found["TV/The Wire/Season 01/The Wire S01E01E02.mkv"]
    assert (episode.series, episode.season, episode.episode, episode.episode_end) == (
        "The Wire",
        1,
        1,
        2,
    )
    assert episode.title == "The Target / The Detail"
    assert (episode.directors, episode.premiered) == (["Clark Johnson", "Ed Bianchi"], "2002-06-02")
    assert (episode.studios, episode.certification) == (["HBO"], "TV-MA")  # from the show
    assert episode.season_title == "The Streets"
    assert episode.ids["show_tvdb"] == "79126"
    # an episode keeps its first four cast members (the catalog stays small at 250,000)
    assert [member.name for member in episode.cast] == [f"Actor {n}" for n in range(4)]

    track = found["Music/Someone/Untagged (1990)/07 - Loose Song.mp3"]
    assert (track.album, track.studios, track.plot) == ("Untagged", ["Blue Note"], "Fine.")
    assert track.ids == {"musicbrainzartist": "mb-artist"}  # from artist.nfo, a folder up


def test_an_item_without_an_nfo_stores_none_of_the_new_fields(
    build_library: LibraryBuilder, catalog_path: Path
) -> None:
    """Compact at 250,000 items: the new fields are last, and trailing defaults are not
    stored, so a plain file's row is as long as before."""
    root = build_library({"Movies/Plain (2001).mkv": "h264.mkv"})
    scan(root, catalog_path)
    raw = orjson.loads(catalog_path.read_bytes())
    fields = raw["meta"]["1"]["fields"]
    (document,) = raw["items"].values()
    (row,) = orjson.loads(document["rows"])
    assert len(row) <= fields.index("segments") + 1
    assert fields[-1] == "season_title"


def test_a_catalog_of_an_older_kino_reads_its_folders_again(
    build_library: LibraryBuilder, catalog_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A catalog written before issue 21 (analysis version 3, none of the new fields):
    the new analysis version changes every folder's key, so the next scan reads the
    folders again (reusing the probes) and fills the NFO's new fields."""
    from kino_tui.core.scan import plan, scanner, unchanged

    for module in (plan, scanner, unchanged):
        monkeypatch.setattr(module, "ANALYSIS_VERSION", "3")
    root = build_library(LAYOUT)
    scan(root, catalog_path)
    raw = orjson.loads(catalog_path.read_bytes())
    fields = raw["meta"]["1"]["fields"]
    cut = fields.index("tagline")
    raw["meta"]["1"]["fields"] = fields[:cut]  # what kino wrote before issue 21
    for document in raw["items"].values():
        rows = [row[:cut] for row in orjson.loads(document["rows"])]
        document["rows"] = orjson.dumps(rows).decode()
        document.pop("rows_crc", None)
    catalog_path.write_bytes(orjson.dumps(raw))
    assert items(catalog_path)["Movies/Heat (1995)/Heat (1995).mkv"].tagline is None
    monkeypatch.undo()

    summary = scan(root, catalog_path)
    assert (summary.added, summary.removed) == (0, 0)
    heat = items(catalog_path)["Movies/Heat (1995)/Heat (1995).mkv"]
    assert heat.tagline == "A Los Angeles crime saga"
    assert heat.cast[0].name == "Al Pacino"
