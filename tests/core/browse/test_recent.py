"""Recently Added: a show's new episodes in one row, an album's tracks in the album,
music included, damaged and empty files never on top; Enter opens the show or album."""

from __future__ import annotations

from kino_tui.core.browse.navigation import BrowserState
from kino_tui.core.browse.sections import recently_added, recently_added_rows
from kino_tui.core.browse.view import LibraryView
from kino_tui.core.models import MediaItem


def item(item_id: str, kind: str, added: str, **fields: object) -> MediaItem:
    path = f"/m/{item_id}.mkv"
    fields.setdefault("size", 1000)
    return MediaItem(id=item_id, kind=kind, path=path, root="/m", parts=[path], added=added,
                     **fields)  # type: ignore[arg-type]  # fmt: skip


def day(n: int) -> str:
    return f"2026-03-{n:02d}T12:00:00+00:00"


ITEMS = [
    item("old-movie", "movie", day(1), title="Old"),
    *[item(f"dark{n}", "episode", day(20), series="Dark", season=1, episode=n) for n in (1, 2, 3)],
    item("dark0", "episode", day(1), series="Dark", season=1, episode=0),  # long ago: not new
    item("fargo1", "episode", day(15), series="Fargo", season=1, episode=1),
    *[item(f"song{n}", "track", day(18), artist="Air", album="Moon Safari", track=n)
      for n in (1, 2)],
    item("new-movie", "movie", day(19), title="Heat"),
    item("broken", "movie", day(25), title="Broken", error="the file is truncated"),
    item("empty", "movie", day(26), title="Empty", size=0),
    item("trailer", "extra", day(27), title="Trailer"),
]  # fmt: skip


def test_rows_group_shows_and_albums() -> None:
    rows = recently_added_rows(ITEMS, 50)
    described = [(r.kind, r.name or r.items[0].id, len(r.items)) for r in rows]
    assert described == [
        ("show", "Dark", 3),
        ("item", "new-movie", 1),
        ("album", "Moon Safari", 2),
        ("item", "fargo1", 1),  # one new episode is shown as itself
        ("item", "old-movie", 1),
        ("item", "empty", 1),  # damaged and empty files last
        ("item", "broken", 1),
    ]
    assert [i.id for i in recently_added(ITEMS, 3)] == ["dark3", "dark2", "dark1"]
    assert "trailer" not in {i.id for i in recently_added(ITEMS, 50)}


def test_the_section_row_says_how_many_and_opens_the_show() -> None:
    view = LibraryView(ITEMS, {})
    rows = view.section("recently-added")
    assert rows[0].title == "Dark — 3 new episodes" and rows[0].kind == "show"
    assert rows[2].title == "Moon Safari — 2 new tracks" and rows[2].detail == "Air"
    state = BrowserState("recently-added")
    state.set_view(view, complete=True)
    state.show_section("recently-added")
    assert state.open(rows[0])
    assert state.crumbs().startswith("Recently Added › Dark  ·  ")
    assert state.level is not None and len(state.level.shown) == 4  # the whole show
    state.back()
    state.move_cursor(2)
    assert state.highlighted is not None and state.open(state.highlighted)
    assert [e.key for e in state.level.shown] == ["song1", "song2"]
