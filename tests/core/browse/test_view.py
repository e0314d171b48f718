"""How shows are grouped and ordered: a show without season folders is one Season 1,
numberless episodes follow by name, titles sort naturally."""

from __future__ import annotations

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
