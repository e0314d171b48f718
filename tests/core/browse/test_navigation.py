"""The browser's state without Textual: levels, cursor, search and where it returns."""

from __future__ import annotations

from kino_tui.core.browse.navigation import BrowserState
from kino_tui.core.browse.view import EntryFilter, LibraryView
from kino_tui.core.models import MediaItem, Progress


def item(item_id: str, kind: str, path: str, **fields: object) -> MediaItem:
    return MediaItem(id=item_id, kind=kind, path=path, root="/m", parts=[path], **fields)  # type: ignore[arg-type]


def view() -> LibraryView:
    items = [
        item("a", "movie", "/m/Alien.mkv", title="Alien", year=1979),
        item("z", "movie", "/m/Zodiac.mkv", title="Zodiac", year=2007),
        item("b", "movie", "/m/Brazil.mkv", title="Brazil", year=1985),
        *[
            item(f"d{s}{e}", "episode", f"/m/Dark/S{s}/Dark S0{s}E0{e}.mkv",
                 series="Dark", season=s, episode=e, title=f"Ep {e}")
            for s in (1, 2) for e in (1, 2, 3)
        ],
    ]  # fmt: skip
    return LibraryView(items, {})


def titles(state: BrowserState) -> list[str]:
    assert state.level is not None
    return [entry.title for entry in state.level.shown]


def test_opens_on_the_first_section_with_items() -> None:
    state = BrowserState()
    state.set_view(view(), complete=True)
    assert state.section == "movies" and titles(state) == ["Alien", "Brazil", "Zodiac"]
    state = BrowserState()
    state.set_view(LibraryView([item("e", "episode", "/m/e.mkv", series="S")], {}), complete=True)
    assert state.section == "shows"


def test_drill_down_and_back_keep_the_cursor() -> None:
    state = BrowserState()
    state.set_view(view(), complete=True)
    state.show_section("shows")
    assert state.highlighted is not None and state.open(state.highlighted)
    assert [level.title for level in state.levels] == ["TV Shows", "Dark"]
    state.move_cursor(1)
    assert state.highlighted is not None and state.open(state.highlighted)  # Season 2
    assert titles(state)[0].startswith("S02E01")
    assert state.crumbs() == "TV Shows › Dark › Season 2  ·  3   (by episode number)"
    assert state.back() and state.level is not None and state.level.cursor == 1
    assert state.back() and not state.back()  # at the top


def test_cancelling_a_search_returns_to_the_level_and_row() -> None:
    state = BrowserState()
    state.set_view(view(), complete=True)
    state.show_section("shows")
    assert state.highlighted is not None
    state.open(state.highlighted)
    state.move_cursor(1)
    state.begin_search()
    state.search("zodiac")
    assert [level.title for level in state.levels] == ["Search: zodiac"]
    assert titles(state) == ["Zodiac"] and state.searching
    state.search("")  # emptied: where the search started, still searching
    assert [level.title for level in state.levels] == ["TV Shows", "Dark"]
    state.search("alien")
    state.cancel_search()
    assert [level.title for level in state.levels] == ["TV Shows", "Dark"]
    assert state.level is not None and state.level.cursor == 1 and not state.searching
    assert state.query == ""


def test_back_from_search_results_returns_too() -> None:
    state = BrowserState()
    state.set_view(view(), complete=True)
    state.move_cursor(2)
    state.search("dark")
    assert titles(state)[:3] == ["Dark", "Season 1", "Season 2"] and len(titles(state)) == 9
    assert state.back()
    assert titles(state) == ["Alien", "Brazil", "Zodiac"] and state.highlighted is not None
    assert state.highlighted.title == "Zodiac"


def test_sort_filter_and_a_refresh_that_keeps_the_entry() -> None:
    v = view()
    state = BrowserState()
    state.set_view(v, complete=True)
    assert state.cycle_sort() == "title"
    assert state.cycle_sort() == "year"
    assert titles(state) == ["Alien", "Brazil", "Zodiac"]
    state.move_cursor(2)
    v.update_progress("a", Progress(watched=True, play_count=1))
    state.refresh()  # as the screen does after every change of progress
    state.set_filter(EntryFilter("unwatched"))
    assert titles(state) == ["Brazil", "Zodiac"]
    state.move_cursor(1)
    v.update_progress("b", Progress(watched=True, play_count=1))
    state.refresh()  # Brazil left the filtered list: the cursor stays on Zodiac
    assert titles(state) == ["Zodiac"] and state.highlighted is not None
    assert state.highlighted.title == "Zodiac"
    assert "filter: unwatched" in state.crumbs() and "sorted by year" in state.crumbs()


def test_empty_messages_say_what_to_do() -> None:
    state = BrowserState()
    state.set_view(LibraryView([], {}), complete=False)
    assert "Loading" in state.empty_message(has_roots=True)
    state.set_view(LibraryView([], {}), complete=True)
    assert "Press a to add one" in state.empty_message(has_roots=False)
    state.search("nothing")
    assert "No matches" in state.empty_message(has_roots=True)


def test_the_first_scan_of_an_empty_library_shows_what_it_found() -> None:
    state = BrowserState()
    state.set_view(LibraryView([], {}), complete=True)
    assert state.section == "movies" and titles(state) == []
    shows = LibraryView([item("e", "episode", "/m/e.mkv", series="Dark", episode=1)], {})
    state.set_view(shows, complete=True)
    assert state.section == "shows" and titles(state) == ["Dark"]
    state.show_section("movies")
    state.set_view(view(), complete=True)  # a later rescan keeps the user's place
    assert state.section == "movies"


def test_counts_are_singular_or_plural() -> None:
    from kino_tui.core.text import library_summary, plural

    assert plural(1, "episode") == "1 episode" and plural(2, "episode") == "2 episodes"
    assert plural(0, "match") == "0 matches" and plural(12500, "movie") == "12,500 movies"
    assert library_summary({"movie": 1, "track": 2}, 0) == "1 movie · 0 episodes · 2 tracks"
    one = LibraryView(
        [item("e", "episode", "/m/Dark/Season 1/e.mkv", series="Dark", season=1, episode=1)], {}
    )
    (show,) = one.section("shows")
    assert show.detail == "1 season · 1 episode"
    (season,) = one.children(show)
    assert season.detail == "1 episode"


def test_history_lines_do_not_repeat_a_file_name() -> None:
    from kino_tui.core.text import describe_play

    play = {
        "kind": "episode", "series": "Dark", "season": 1, "episode": 2,
        "title": "Dark S01E02.mkv", "path": "/tv/Dark/Dark S01E02.mkv",
        "ended_at": "2026-11-27T20:00:00+00:00", "watched": True, "player": "mpv",
    }  # fmt: skip
    assert "Dark S01E02  (watched, mpv)" in describe_play(play)
    titled = {**play, "title": "Lies"}
    assert "Dark S01E02 Lies  (watched, mpv)" in describe_play(titled)


def test_a_search_first_page_count_says_more_may_follow() -> None:
    """A keystroke ranks the first page (100 rows) and the rest once typing pauses: the
    count read "· 100" and then "· 111" (the SSH trial)."""
    films = [
        item(f"m{n}", "movie", f"/m/Movies/Dark {n}.mkv", title=f"Dark {n}") for n in range(111)
    ]
    state = BrowserState()
    state.set_view(LibraryView(films, {}), complete=True)
    state.search("dark", 100)
    assert state.crumbs().endswith("·  100+")
    state.refresh()  # the whole list, once typing pauses
    assert state.crumbs().endswith("·  111")
    state.search("dark 7", 100)  # fewer than a page: the count is whole
    assert "+" not in state.crumbs()


def test_go_to_album_or_season_opens_where_an_item_lives() -> None:
    """A track found by search goes to its album, an episode to its season, the cursor on
    it (the SSH trial: nothing went from a track result to its album)."""
    songs = [
        item(f"t{n}", "track", f"/m/Music/Air/Moon Safari/0{n} Song {n}.mp3", title=f"Song {n}",
             artist="Air", album="Moon Safari", track=n)
        for n in (1, 2, 3)
    ] + [item("o1", "track", "/m/Music/Air/Talkie/01 Other.mp3", title="Other", artist="Air",
              album="Talkie", track=1)]  # fmt: skip
    state = BrowserState()
    state.set_view(LibraryView([*view().items.values(), *songs], {}), complete=True)
    state.search("song 2")
    target = state.highlighted
    assert target is not None and target.item is not None and target.key == "t2"
    assert state.reveal(target) is None
    assert [level.title for level in state.levels] == ["Music", "Air", "Moon Safari"]
    assert not state.searching and state.section == "music"
    assert state.highlighted is not None and state.highlighted.key == "t2"
    assert state.back() and state.highlighted is not None and state.highlighted.title == "Moon Safari"

    state.search("ep 2")
    found = next(e for e in state.level.shown if e.key == "d22")  # type: ignore[union-attr]
    assert state.reveal(found) is None
    assert [level.title for level in state.levels][:2] == ["TV Shows", "Dark"]
    assert state.highlighted is not None and state.highlighted.key == "d22"
    state.search("alien")
    alien = state.level.shown[0]  # type: ignore[union-attr]
    assert state.reveal(alien) == "A movie is in no album or season."
    state.search("talkie")  # an album found: opened in its place, on its first track
    album = next(e for e in state.level.shown if e.kind == "album")  # type: ignore[union-attr]
    assert state.reveal(album) is None
    assert [level.title for level in state.levels] == ["Music", "Air", "Talkie"]
    assert state.highlighted is not None and state.highlighted.key == "o1"
    state.search("air")
    artist = next(e for e in state.level.shown if e.kind == "artist")  # type: ignore[union-attr]
    assert state.reveal(artist) is not None  # Enter opens an artist
    state.complete = False
    assert state.reveal(found) == "The library is still loading: try again in a moment."
