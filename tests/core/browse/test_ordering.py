"""Sort orders: natural (Show 2 before Show 10), reversible (year newest first), rating;
inside a season the list says it is in episode order."""

from __future__ import annotations

from kino_tui.core.browse.navigation import BrowserState
from kino_tui.core.browse.ordering import sort_entries, title_key
from kino_tui.core.browse.view import Entry, LibraryView
from kino_tui.core.models import MediaItem


def entry(title: str, year: int | None = None, rating: float | None = None) -> Entry:
    return Entry(key=title, kind="movie", title=title, year=year, rating=rating)


def titles(entries: list[Entry]) -> list[str]:
    return [e.title for e in entries]


def test_natural_title_order() -> None:
    shown = sort_entries([entry("Show 10"), entry("Show 2"), entry("The Show 1"), entry("show 3")],
                         "title")  # fmt: skip
    assert titles(shown) == ["The Show 1", "Show 2", "show 3", "Show 10"]
    assert title_key("Season 9") < title_key("Season 10")


def test_reverse_and_rating() -> None:
    films = [entry("Alien", 1979, 8.5), entry("Zodiac", 2007, 7.7), entry("Brazil", 1985),
             entry("Heat", 1995, 8.3)]  # fmt: skip
    assert titles(sort_entries(films, "year")) == ["Alien", "Brazil", "Heat", "Zodiac"]
    assert titles(sort_entries(films, "year", reverse=True)) == [
        "Zodiac",
        "Heat",
        "Brazil",
        "Alien",
    ]
    assert titles(sort_entries(films, "rating")) == ["Alien", "Heat", "Zodiac", "Brazil"]
    # lowest first, the unrated still last
    assert titles(sort_entries(films, "rating", reverse=True)) == [
        "Zodiac",
        "Heat",
        "Alien",
        "Brazil",
    ]
    assert titles(sort_entries(films, "title", reverse=True)) == [
        "Zodiac",
        "Heat",
        "Brazil",
        "Alien",
    ]


def item(item_id: str, kind: str, path: str, **fields: object) -> MediaItem:
    return MediaItem(id=item_id, kind=kind, path=path, root="/m", parts=[path], **fields)  # type: ignore[arg-type]


def test_browser_reverses_and_names_the_order() -> None:
    view = LibraryView(
        [
            item("a", "movie", "/m/a.mkv", title="Alien", year=1979, rating=8.5),
            item("z", "movie", "/m/z.mkv", title="Zodiac", year=2007),
            *[
                item(f"e{n}", "episode", f"/m/Dark/Season 1/Dark S01E{n:02d}.mkv",
                     series="Dark", season=1, episode=n)
                for n in (10, 2, 1)
            ],
        ],
        {},
    )  # fmt: skip
    state = BrowserState()
    state.set_view(view, complete=True)
    state.cycle_sort()
    assert state.cycle_sort() == "year"
    assert state.reverse_sort() == "year, newest first"
    assert state.level is not None and titles(state.level.shown) == ["Zodiac", "Alien"]
    assert "sorted by year, newest first" in state.crumbs()
    for _ in range(4):
        label = state.cycle_sort()
    assert label == "rating, lowest first"  # the direction stays with the list
    state.show_section("shows")
    assert state.highlighted is not None and state.open(state.highlighted)  # Dark
    assert state.highlighted is not None and state.open(state.highlighted)  # Season 1
    assert state.level is not None
    assert [e.key for e in state.level.shown] == ["e1", "e2", "e10"]
    assert state.crumbs().endswith("(by episode number)")
    assert state.reverse_sort() == "reversed"
    assert [e.key for e in state.level.shown] == ["e10", "e2", "e1"]
    assert state.crumbs().endswith("(by episode number, last first)")
