"""The detail pane of an NFO-rich film (issue 21): tagline, director, writers, studio,
certification, collection and the first cast members, fitted to the pane at 80×24 and
120×40 (the real app driven by Pilot over a real scanned library)."""

from __future__ import annotations

import pytest
from textual.widgets import Static

from kino_tui.config.paths import KinoPaths
from kino_tui.core.models import CastMember, MediaItem
from kino_tui.ui.widgets.detail import DetailPane, people
from tests.conftest import LibraryBuilder
from tests.helpers.ui import choose_section, detail_text, kino_app, ready, scan_into, until

HEAT_NFO = (
    "<movie><title>Heat</title><tagline>A Los Angeles crime saga</tagline>"
    "<plot>A group of high-end professional thieves.</plot>"
    "<mpaa>Rated R</mpaa><studio>Warner Bros. Pictures</studio><studio>Regency Enterprises</studio>"
    "<set><name>Heat Collection</name></set><director>Michael Mann</director>"
    "<credits>Michael Mann</credits>"
    "<actor><name>Al Pacino</name><role>Lt. Vincent Hanna</role><order>0</order></actor>"
    "<actor><name>Robert De Niro</name><role>Neil McCauley</role><order>1</order></actor>"
    "<actor><name>Val Kilmer</name><role>Chris Shiherlis</role><order>2</order></actor>"
    "<actor><name>Jon Voight</name><role>Nate</role><order>3</order></actor>"
    "<actor><name>Tom Sizemore</name><role>Michael Cheritto</role><order>4</order></actor>"
    "<actor><name>Diane Venora</name><role>Justine Hanna</role><order>5</order></actor>"
    "</movie>"
)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_an_nfo_rich_film_shows_its_people_and_tagline(
    size: tuple[int, int], kino_paths: KinoPaths, build_library: LibraryBuilder
) -> None:
    root = build_library(
        {"Movies/Heat (1995)/Heat (1995).mkv": "h264.mkv", "Movies/Heat (1995)/movie.nfo": HEAT_NFO}
    )
    scan_into(kino_paths, root)
    app = kino_app(kino_paths)
    async with app.run_test(size=size) as pilot:
        await ready(app, pilot)
        text = detail_text(app)
        facts = (
            "A Los Angeles crime saga",
            "Michael Mann",
            "Warner Bros.",
            "Al Pacino as ",
            "+2 more",
        )
        for fact in facts:
            assert fact in text, (fact, text)
        pane = app.screen.query_one(DetailPane)
        body = app.screen.query_one("#detail-text", Static)
        # the people fit the pane: each is one line no wider than the text area
        people_lines = [line for line in text.splitlines() if "Pacino" in line or "Mann" in line]
        assert people_lines and all(len(line) <= pane.text_width for line in people_lines)
        assert body.size.width >= pane.text_width
        if size == (120, 40):
            assert "Cast\n  Al Pacino as Lt. Vincent Hanna\n" in text
            assert "Rated      R\n" in text and "Collection Heat Collection\n" in text
            assert "Director   Michael Mann\n" in text
            assert "  Robert De Niro as Neil McCauley\n" in text
        else:  # 80 columns: "Label: value" when it fits, else the value under its label
            assert "Director: Michael Mann\n" in text
            assert "Studio\n  Warner Bros. Pic" in text


def test_people_fit_any_width() -> None:
    item = MediaItem(
        id="x",
        kind="movie",
        path="/m/x.mkv",
        root="/m",
        directors=["Michael Mann", "Someone Else", "A Third"],
        cast=[CastMember("Al Pacino", "Lt. Vincent Hanna"), CastMember("Robert De Niro")],
        certification="R",
    )
    for width in (20, 30, 39, 40, 60, 100):
        rows = people(item, width)
        assert all(len(label + value) <= width for label, value in rows), (width, rows)
    assert people(item, 100)[0] == ("Director   ", "Michael Mann, Someone Else, A Third")
    assert people(item, 30)[:2] == [("Director", ""), ("  ", "Michael Mann +2")]
    assert ("Rated: ", "R") in people(item, 30)
    assert ("  ", "Robert De Niro") in people(item, 30)
    assert people(item, 60)[-3:] == [
        ("Cast", ""),
        ("  ", "Al Pacino as Lt. Vincent Hanna"),
        ("  ", "Robert De Niro"),
    ]


def test_an_episode_shows_its_season_title_and_people_as_plain_text() -> None:
    from kino_tui.core.browse.view import LibraryView
    from kino_tui.ui.widgets.detail import describe

    episode = MediaItem(
        id="e",
        kind="episode",
        path="/m/The Wire/Season 01/S01E01.mkv",
        root="/m",
        series="The Wire",
        season=1,
        episode=1,
        title="The Target",
        season_title="The Streets",
        tagline="[bold]not markup[/bold]",
        directors=["Clark\x1b[2J Johnson"],
    )
    view = LibraryView([episode], {})
    text = describe(view.item_entry(episode), view, 60)
    plain = text.plain
    assert "The Streets\n" in plain
    assert "[bold]not markup[/bold]" in plain  # file text is never markup
    assert "Clark\\x1b[2J Johnson" in plain  # nor a terminal control sequence


async def test_an_artists_tracks_are_unplayed_and_a_shows_episodes_unwatched(
    kino_paths: KinoPaths, build_library: LibraryBuilder
) -> None:
    root = build_library(
        {
            "Music/Test Artist/Test Album/01 Song.mp3": "song.mp3",
            "Music/Test Artist/Test Album/02 Song.mp3": "song.mp3",
            "TV/Dark/Season 01/Dark S01E01.mkv": "h264.mkv",
        }
    )
    scan_into(kino_paths, root)
    app = kino_app(kino_paths)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(app, pilot)
        await choose_section(app, pilot, "music")
        await until(pilot, lambda: "unplayed of 2" in detail_text(app), "the artist's details")
        assert "unwatched" not in detail_text(app)
        await choose_section(app, pilot, "shows")
        await until(pilot, lambda: "1 unwatched of 1" in detail_text(app), "the show's details")


def test_an_artist_row_from_the_index_counts_its_tracks_before_they_are_read() -> None:
    """At start-up an artist's row comes from the index's summary, its tracks not read
    yet: the pane said "90 unplayed of 0" (the SSH trial) until they were."""
    from kino_tui.core.browse.summary import Summaries, summary_entry
    from kino_tui.core.browse.view import LibraryView
    from kino_tui.ui.widgets.detail import describe

    tracks = [
        MediaItem(
            id=f"t{n}", kind="track", path=f"/m/A/B/{n}.mp3", root="/m", title=f"T{n}",
            artist="Abba", album="Gold",
        )
        for n in range(3)
    ]
    summaries = Summaries()
    for track in tracks:
        summaries.add(track)
    entry = summary_entry(summaries.groups["artist:Abba"], {}, ())
    assert entry.items == []  # as at start-up
    assert "3 unplayed of 3" in describe(entry, LibraryView([], {})).plain
    loaded = LibraryView(tracks, {}).section("music")[0]  # and once the tracks are read
    assert "3 unplayed of 3" in describe(loaded, LibraryView(tracks, {})).plain
