"""Ranked search: the tiers table-tested, then a realistic library where a show's name
ranks the show first and an artist's name the artist."""

from __future__ import annotations

import pytest

from kino_tui.core.browse.search import (
    CONTEXT,
    EXACT,
    PREFIX,
    SUBSTRING,
    WORDS,
    Searchable,
    SearchIndex,
    fold,
    rank,
)
from kino_tui.core.browse.view import LibraryView
from kino_tui.core.models import CastMember, MediaItem

RANK_CASES = [
    ("dark", "dark", "", EXACT),
    ("dark", "dark city", "", PREFIX),
    ("dark city", "dark city", "", EXACT),
    ("city", "dark city", "", WORDS),
    ("ci da", "dark city", "", WORDS),
    ("ark", "dark city", "", SUBSTRING),
    ("ark ity", "dark city", "", SUBSTRING),
    ("dark", "secrets", "dark dark s01e01 mkv", CONTEXT),
    ("dark secrets", "secrets", "dark", CONTEXT),
    ("lost", "secrets", "dark", None),
    ("", "anything", "", None),
]  # fmt: skip


@pytest.mark.parametrize(("query", "title", "context", "tier"), RANK_CASES)
def test_rank_tiers(query: str, title: str, context: str, tier: int | None) -> None:
    assert rank(query, title, context) == tier


def test_the_index_ranks_as_rank_does_and_groups_come_first() -> None:
    records = [
        Searchable("movie", "m1", "Dark City"),
        Searchable("episode", "e1", "Secrets", "Dark Dark S01E01.mkv"),
        Searchable("show", "show:Dark", "Dark"),
        Searchable("movie", "m2", "Undarkened"),
        Searchable("movie", "m3", "Into the Dark"),
        Searchable("season", "show:Dark:season:1", "Season 1", "Dark"),
    ]
    index = SearchIndex(records)
    ranked = [(index.records[i].key, tier) for i, tier in index.ranked("dark")]
    assert ranked == [
        ("show:Dark", EXACT),
        ("m1", PREFIX),
        ("m3", WORDS),
        ("m2", SUBSTRING),
        ("show:Dark:season:1", CONTEXT),  # a season above an episode of the same tier
        ("e1", CONTEXT),
    ]
    given = {record.key: record for record in records}
    for i, tier in index.ranked("dark"):
        record = given[index.records[i].key]
        assert rank(fold("dark"), fold(record.title), fold(record.context)) == tier
    assert [r.key for r in index.search("dark", limit=2)] == ["show:Dark", "m1"]
    assert index.search("nothing here") == []


def test_natural_order_within_a_tier() -> None:
    index = SearchIndex([Searchable("season", f"s{n}", f"Season {n}", "Dark") for n in (10, 2, 1)])
    assert [r.title for r in index.search("season")] == ["Season 1", "Season 2", "Season 10"]


def test_accents_and_punctuation_fold() -> None:
    index = SearchIndex(
        [Searchable("artist", "artist:AC/DC", "AC/DC"), Searchable("movie", "a", "Amélie")]
    )
    assert [r.key for r in index.search("ac dc")] == ["artist:AC/DC"]
    assert [r.key for r in index.search("AMELIE")] == ["a"]


def item(item_id: str, kind: str, path: str, **fields: object) -> MediaItem:
    return MediaItem(id=item_id, kind=kind, path=path, root="/m", parts=[path], **fields)  # type: ignore[arg-type]


def realistic() -> LibraryView:
    """Movies, two shows (one named like a movie), an artist with two albums, extras."""
    items = [
        item("m-dark", "movie", "/m/Movies/Dark City (1998)/Dark City (1998).mkv",
             title="Dark City", year=1998),
        item("m-alien", "movie", "/m/Movies/Alien (1979)/Alien (1979).mkv", title="Alien",
             year=1979),
        item("x-trailer", "extra", "/m/Movies/Alien (1979)/Trailers/Alien trailer.mkv",
             title="Dark trailer", extra_type="trailer", extra_of="m-alien"),
        *[
            item(f"d{s}{e}", "episode", f"/m/TV/Dark/Season {s}/Dark S0{s}E0{e}.mkv",
                 series="Dark", season=s, episode=e, title=f"Episode {e}")
            for s in (1, 2) for e in (1, 2)
        ],
        item("mm1", "episode", "/m/TV/Mad Men/Season 1/Mad Men S01E01.mkv", series="Mad Men",
             season=1, episode=1, title="Smoke Gets in Your Eyes"),
        item("t1", "track", "/m/Music/Daft Punk/Discovery/01 One More Time.flac",
             artist="Daft Punk", album="Discovery", track=1, title="One More Time"),
        item("t2", "track", "/m/Music/Daft Punk/Homework/01 Daftendirekt.flac",
             artist="Daft Punk", album="Homework", track=1, title="Daftendirekt"),
        item("t3", "track", "/m/Music/Justice/Cross/01 Genesis.flac", artist="Justice",
             album="Cross", track=1, title="Genesis (Daft Punk tribute)"),
    ]  # fmt: skip
    return LibraryView(items, {})


def kinds_titles(view: LibraryView, query: str) -> list[tuple[str, str]]:
    return [(e.kind, e.title) for e in view.search(query)]


def test_a_show_title_ranks_the_show_first() -> None:
    results = kinds_titles(realistic(), "dark")
    assert results[0] == ("show", "Dark")
    assert results[1] == ("movie", "Dark City")
    assert ("season", "Season 1") in results and ("season", "Season 2") in results
    episodes = [i for i, (kind, _) in enumerate(results) if kind == "episode"]
    assert episodes and min(episodes) > results.index(("show", "Dark"))


def test_an_artist_name_ranks_the_artist_first() -> None:
    results = kinds_titles(realistic(), "daft punk")
    assert results[0] == ("artist", "Daft Punk")
    assert {("album", "Discovery"), ("album", "Homework")} <= set(results)
    tracks = [title for kind, title in results if kind == "track"]
    # the tribute has the words in its own title: above tracks that only their artist matches
    assert tracks[0].endswith("Genesis (Daft Punk tribute)")
    assert results.index(("artist", "Daft Punk")) < results.index(("album", "Discovery"))


def test_extras_are_not_listed_as_movies() -> None:
    view = realistic()
    assert all(e.key != "x-trailer" for e in view.search("trailer"))
    assert all(e.key != "x-trailer" for e in view.search("dark"))
    assert [e.id for e in view.extras_of(view.items["m-alien"])] == ["x-trailer"]


def test_groups_found_by_search_drill_into_their_items() -> None:
    view = realistic()
    (album,) = [e for e in view.search("homework") if e.kind == "album"]
    assert [c.title for c in view.children(album)] == ["01  Daftendirekt"]
    (season,) = [e for e in view.search("dark season 2") if e.kind == "season"]
    assert season.detail.startswith("Dark")
    assert [c.key for c in view.children(season)] == ["d21", "d22"]
    show = view.search("mad men")[0]
    assert show.kind == "show"
    # no season folders of its own? Mad Men has one: it opens on its season
    assert [c.kind for c in view.children(show)] == ["season"]


def test_a_show_without_season_folders_opens_on_its_episodes() -> None:
    view = LibraryView(
        [
            item(f"e{n}", "episode", f"/m/TV/Pingu/Pingu - {n:03d}.mkv", series="Pingu", episode=n)
            for n in (2, 1, 3)
        ],
        {},
    )
    (show,) = view.section("shows")
    assert [c.key for c in view.children(show)] == ["e1", "e2", "e3"]


def test_a_film_is_found_by_its_cast_and_director_after_titles() -> None:
    """Issue 21: a cast member's or a director's name finds the film, ranked after every
    record whose title has the words."""
    items = [
        item("heat", "movie", "/m/Heat (1995).mkv", title="Heat", directors=["Michael Mann"],
             cast=[CastMember("Al Pacino", "Vincent Hanna"), CastMember("Robert De Niro")]),
        item("doc", "movie", "/m/Pacino (2020).mkv", title="Becoming Pacino"),
        item("wire", "episode", "/m/The Wire/S01E01.mkv", series="The Wire", season=1,
             episode=1, title="The Target", directors=["Clark Johnson"]),
        item("other", "movie", "/m/Other (2001).mkv", title="Other"),
    ]  # fmt: skip
    view = LibraryView(items, {})
    assert kinds_titles(view, "pacino") == [("movie", "Becoming Pacino"), ("movie", "Heat")]
    assert kinds_titles(view, "michael mann") == [("movie", "Heat")]
    assert kinds_titles(view, "de niro") == [("movie", "Heat")]
    assert kinds_titles(view, "clark johnson") == [("episode", "S01E01  The Target")]
    assert kinds_titles(view, "vincent hanna") == []  # roles are not people


def test_typing_on_ranks_as_a_fresh_search_does() -> None:
    """A keystroke that extends the last query searches only what that query matched:
    the same results, tiers and order as a search from scratch, letter by letter."""
    words = ["red", "dust", "shadow", "redux", "dusk", "sha", "ash", "r2"]
    records = [
        Searchable(
            ("movie", "track", "album", "artist")[n % 4],
            f"k{n}",
            " ".join(words[(n * j) % len(words)] for j in (1, 3, 5)[: 1 + n % 3]),
            f"{words[n % len(words)]} context {n}",
        )
        for n in range(3000)
    ]
    typed = SearchIndex(records)
    for text in ("red dust shadow", "ash r2", "dusk  red", "shadowy"):
        for end in range(1, len(text) + 1):
            query = text[:end]
            for limit in (500, 5):
                fresh = SearchIndex(records).ranked(query, limit)
                assert typed.ranked(query, limit) == fresh, (query, limit)


def test_each_tier_lists_as_rank_does_when_context_matches_fill_the_page() -> None:
    """Each tier is its own scan that stops once the page is full (a phrase every track
    of an artist holds in its context no longer reads every line): the results are still
    exactly the records ``rank`` places best, in each tier's order, for any page size."""
    words = ["the", "amber", "red", "dust", "a", "shadow", "du", "ambers"]
    records = [
        Searchable(
            ("track", "album", "artist", "movie")[n % 4],
            f"k{n}",
            " ".join(words[(n * j + 3) % len(words)] for j in (1, 2, 7)[: 1 + n % 3]),
            f"The Amber Ambers {n % 7} {words[n % 5]}",  # an artist every record has
        )
        for n in range(2000)
    ]
    index = SearchIndex(records)
    ordered_keys = [record.key for record in index.records]
    given = {record.key: record for record in records}
    for query in ("the a", "the zz", "red du", "amber", "a b", "ambers 3 dust", "zz"):
        expected = []
        for key in ordered_keys:
            record = given[key]
            tier = rank(fold(query), fold(record.title), fold(record.context))
            if tier is not None:
                expected.append((tier, ordered_keys.index(key)))
        expected.sort()
        for limit in (500, 40, 3):
            fresh = SearchIndex(records).ranked(query, limit)
            assert [(tier, i) for i, tier in fresh] == expected[:limit], (query, limit)


def test_a_phrase_every_record_holds_in_its_context_reads_a_page_of_lines(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 18: "the a" at 250,000 tracks of artists called "The Amber Ambers…" matched
    every track in its context, and the search read every line in Python (a second a
    keystroke). Now the context tier stops once the page is full: the lines it reads
    are counted (each one found is placed with one ``bisect``)."""
    import bisect as real_bisect

    import kino_tui.core.browse.search as search_module

    records = [
        Searchable("track", f"t{n}", f"Song {n}", f"The Amber Ambers {n % 50} Album {n % 9}")
        for n in range(20_000)
    ]
    index = SearchIndex(records)
    placed = []

    class Counting:
        @staticmethod
        def bisect_right(starts: object, at: int) -> int:
            placed.append(at)
            return real_bisect.bisect_right(starts, at)  # type: ignore[call-overload]

    monkeypatch.setattr(search_module, "bisect", Counting)
    for typed in ("t", "th", "the", "the ", "the a", "the am"):
        placed.clear()
        assert len(index.ranked(typed, 50)) == 50
        assert len(placed) < 6000, (typed, len(placed))  # not 20,000 lines
