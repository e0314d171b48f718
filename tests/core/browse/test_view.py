"""How shows are grouped and ordered: a show without season folders is one Season 1,
numberless episodes follow by name, titles sort naturally."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from kino_tui.core.browse import sections
from kino_tui.core.browse.view import LibraryView
from kino_tui.core.models import MediaItem
from tests.core.naming.helpers import parse


def episodes(paths: list[str]) -> list[MediaItem]:
    """Catalog items read from paths under a shows root, as the scanner reads them."""
    items = []
    for number, path in enumerate(paths):
        info = parse(path, "shows")
        item = MediaItem(id=f"{number:04d}", kind=info.kind, path=f"/lib/{path}", root="/lib")
        item.series, item.season, item.episode = info.series, info.season, info.episode
        item.episode_end, item.air_date, item.title = info.episode_end, info.air_date, info.title
        items.append(item)
    return items


def titles(entries: list) -> list[str]:
    return [entry.title for entry in entries]


def test_a_show_without_season_folders_is_one_season_1_and_opens_on_its_episodes() -> None:
    view = LibraryView(
        episodes([f"Anime/[Group] Anime - {n:02d} [1080p].mkv" for n in (3, 1, 12, 2)]), {}
    )
    (show,) = view.section("shows")
    assert show.detail == "1 season · 4 episodes"
    (season,) = view.season_entries("Anime")
    assert season.title == "Season 1"
    # no level between the show and its episodes (no "Season 1", no "Episodes")
    assert [entry.item.episode for entry in view.children(show)] == [1, 2, 3, 12]
    assert [entry.item.episode for entry in view.children(season)] == [1, 2, 3, 12]


def test_specials_after_seasons_and_numberless_episodes_after_numbered_ones() -> None:
    view = LibraryView(
        episodes(
            [
                "Show/Season 1/Show S01E02.mkv",
                "Show/Season 1/Outtakes 10 Bonus.mkv",
                "Show/Season 1/Outtakes 2 Bonus.mkv",
                "Show/Season 1/Show S01E01.mkv",
                "Show/Specials/Show S00E01.mkv",
                "Show/Season 2/Show S02E01.mkv",
            ]
        ),
        {},
    )
    (show,) = view.section("shows")
    seasons = view.children(show)
    assert titles(seasons) == ["Season 1", "Season 2", "Specials"]
    first = view.children(seasons[0])
    assert [entry.item.path.rpartition("/")[2] for entry in first] == [
        "Show S01E01.mkv",
        "Show S01E02.mkv",
        "Outtakes 2 Bonus.mkv",
        "Outtakes 10 Bonus.mkv",
    ]


def test_shows_sort_naturally() -> None:
    view = LibraryView(
        episodes(
            [f"Show {n}/Season 1/Show {n} S01E01.mkv" for n in (10, 2, 1)] + ["The Wire/S01E01.mkv"]
        ),
        {},
    )
    assert titles(view.section("shows")) == ["Show 1", "Show 2", "Show 10", "The Wire"]


def test_play_order_and_next_episode_follow_the_list() -> None:
    """What plays next is what the list shows next: a numberless episode after the
    numbered ones, an absolute-numbered show as one season."""
    items = episodes(
        [
            "Show/Season 1/Outtakes 10 Bonus.mkv",
            "Show/Season 1/Show S01E02.mkv",
            "Show/Season 1/Outtakes 2 Bonus.mkv",
            "Show/Season 1/Show S01E01.mkv",
        ]
    )
    ordered = sorted(items, key=sections.episode_order)
    view = LibraryView(items, {})
    (show,) = view.section("shows")
    (season,) = view.children(show)
    assert [entry.item for entry in view.children(season)] == ordered
    names = [item.path.rpartition("/")[2] for item in ordered]
    assert names == [
        "Show S01E01.mkv",
        "Show S01E02.mkv",
        "Outtakes 2 Bonus.mkv",
        "Outtakes 10 Bonus.mkv",
    ]
    follows = view.next_episode(ordered[1])
    assert follows is not None and follows.path.endswith("Outtakes 2 Bonus.mkv")
    anime = episodes([f"Anime/[G] Anime - {n:02d}.mkv" for n in (2, 1)])
    first = min(anime, key=sections.episode_order)
    assert first.episode == 1
    following = sections.next_episode(anime, first)
    assert following is not None and following.episode == 2


def _library_items() -> list[MediaItem]:
    def track(n: int, artist: str, album: str, title: str) -> MediaItem:
        path = f"/lib/Music/{artist}/{album}/{n:02d} {title}.mp3"
        return MediaItem(id=f"{artist}-{album}-{n}", kind="track", path=path, root="/lib",
                         parts=[path], artist=artist, album=album, track=n, title=title,
                         added=f"2026-01-0{n}")  # fmt: skip

    films = [
        MediaItem(id=f"m{n}", kind="movie", path=f"/lib/Movies/F{n}/F{n}.mkv", root="/lib",
                  parts=[f"/lib/Movies/F{n}/F{n}.mkv"], title=f"Film {n}", added="2026-02-01")
        for n in range(3)
    ]  # fmt: skip
    return [
        *films,
        *(track(n, "Air", "Moon Safari", f"Song {n}") for n in (1, 2, 3)),
        *(track(n, "Air", "Talkie Walkie", f"Walk {n}") for n in (1, 2)),
        *(track(n, "Justice", "Cross", f"Genesis {n}") for n in (1, 2)),
    ]


def _shown(view: LibraryView) -> list[object]:
    """Every section, every group's rows and a few searches, as the browser shows them."""
    shown: list[object] = []
    for key in ("movies", "music", "recently-added"):
        for entry in view.section(key):
            shown.append((key, entry.key, entry.title, entry.detail, len(entry.items)))
            for child in view.children(entry):
                shown.append((child.key, child.title, child.detail))
                shown += [(c.key, c.title) for c in view.children(child)]
    for query in ("walk", "air", "song 4", "film", "justice"):
        shown.append([(e.key, e.title, e.detail) for e in view.search(query)])
    shown.append(view.summary())
    return shown


def test_items_replaced_under_a_folder_show_as_a_new_view_of_them_would() -> None:
    """A live update of one album puts the album's items in place of what the view held
    under its folder (a track added, one changed, one gone; an album emptied; a new
    artist): every section, group and search then shows what a view made from the
    whole catalog shows, without one being made."""
    items = _library_items()
    view = LibraryView(items, {})
    _shown(view)  # sections, groups and the search index built before the change
    by_id = {item.id: item for item in items}
    changed = replace(by_id["Air-Moon Safari-2"], title="Song Two")
    added = MediaItem(id="Air-Moon Safari-4", kind="track", root="/lib",
                      path="/lib/Music/Air/Moon Safari/04 Song 4.mp3", artist="Air",
                      album="Moon Safari", track=4, title="Song 4", added="2026-03-01")  # fmt: skip
    now = [by_id["Air-Moon Safari-1"], changed, added]  # track 3 is gone
    view.replace_under(["/lib/Music/Air/Moon Safari"], now)
    view.replace_under(["/lib/Music/Justice"], [])  # the whole artist gone
    newcomer = MediaItem(id="new", kind="track", path="/lib/Music/Daft Punk/Alive/01 Intro.mp3",
                         root="/lib", artist="Daft Punk", album="Alive", track=1, title="Intro")  # fmt: skip
    view.replace_under(["/lib/Music/Daft Punk"], [newcomer])
    # until its index is built again (a worker does it), search leaves out what has gone
    assert view.search_ready and [e.key for e in view.search("genesis")] == []
    assert "Air-Moon Safari-3" not in [e.key for e in view.search("song")]
    view.ensure_search_index()
    expected = [i for i in items if i.id not in by_id.keys() - {
        "m0", "m1", "m2", "Air-Moon Safari-1", "Air-Talkie Walkie-1", "Air-Talkie Walkie-2"}]
    whole = LibraryView([*expected, changed, added, newcomer], {})
    assert _shown(view) == _shown(whole)
    assert "Song Two" in str(_shown(view)) and "Justice" not in str(_shown(view))


def _index_parts(view: LibraryView) -> tuple[object, ...]:
    index = view._search
    assert index is not None
    return (index._keys, index._kinds, index._titles.text, list(index._titles.starts),
            index._lines.text, list(index._lines.starts))  # fmt: skip


def test_a_live_update_brings_the_search_index_up_to_date_as_a_new_one_would_be(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """After each of many live updates (albums and seasons changed, emptied, new ones,
    an item moved in from elsewhere) the search index is patched, not made again from
    every record, and it is the index a new view of the same items makes."""
    chooser = random.Random(18)
    words = ["red", "dust", "shadow", "amber", "night", "glass", "river"]

    def title() -> str:
        return " ".join(chooser.choice(words).title() for _ in range(chooser.randint(1, 3)))

    def track(number: int, artist: str, album: str) -> MediaItem:
        path = f"/lib/Music/{artist}/{album}/{number:02d} {title()}.mp3"
        return MediaItem(id=f"t{chooser.randrange(10**9)}", kind="track", path=path,
                         root="/lib", title=title(), artist=artist, album=album, track=number)  # fmt: skip

    def episode(show: str, season: int, number: int) -> MediaItem:
        path = f"/lib/TV/{show}/Season {season}/{show} S{season:02d}E{number:02d}.mkv"
        return MediaItem(id=f"e{chooser.randrange(10**9)}", kind="episode", path=path,
                         root="/lib", title=title(), series=show, season=season, episode=number)  # fmt: skip

    items = [track(n, f"Artist {a}", f"Album {b}") for a in range(4) for b in range(3)
             for n in range(1, 5)]  # fmt: skip
    items += [episode(f"Show {s}", season, n) for s in range(2) for season in (1, 2)
              for n in range(1, 4)]  # fmt: skip
    view = LibraryView(items, {})
    view.build_search_index()

    def refused(*_: object) -> None:
        raise AssertionError("the search index was made again from every record")

    monkeypatch.setattr(view, "build_search_index", refused)
    for _ in range(30):
        if chooser.random() < 0.6:
            artist, album = f"Artist {chooser.randrange(6)}", f"Album {chooser.randrange(4)}"
            folder = f"/lib/Music/{artist}/{album}"
            now = [track(n, artist, album) for n in range(1, chooser.randrange(6))]
        else:
            show, season = f"Show {chooser.randrange(3)}", chooser.randrange(1, 4)
            folder = f"/lib/TV/{show}/Season {season}"
            now = [episode(show, season, n) for n in range(1, chooser.randrange(5))]
        kept = [i for i in view.items.values() if i.folder == folder and chooser.random() < 0.5]
        now += [replace(i, title=title()) if chooser.random() < 0.5 else i for i in kept]
        view.replace_under([folder], now)
        view.ensure_search_index()
        fresh = LibraryView(list(view.items.values()), {})
        fresh.build_search_index()
        assert _index_parts(view) == _index_parts(fresh)
        for query in ("red", "amber night", "album 2", "show 1 season", "s01e02"):
            assert [e.key for e in view.search(query)] == [e.key for e in fresh.search(query)]
