"""Next Up and Continue Watching, table-driven, at the application layer (no Textual)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kino_tui.core.browse.sections import continue_watching, next_episode, next_up
from kino_tui.core.models import MediaItem, Progress

NOW = datetime(2026, 11, 27, 20, 0, tzinfo=UTC)


def episode(show: str, season: int, number: int) -> MediaItem:
    path = f"/tv/{show}/Season {season:02d}/{show} S{season:02d}E{number:02d}.mkv"
    return MediaItem(
        id=f"{show}-{season}-{number}", kind="episode", path=path, root="/tv", parts=[path],
        series=show, season=season, episode=number, title=f"E{number}",
    )  # fmt: skip


def ago(hours: float) -> str:
    return (NOW - timedelta(hours=hours)).isoformat(timespec="seconds")


SHOWS = {
    "Dark": [episode("Dark", s, e) for s, e in [(1, 1), (1, 2), (1, 3), (2, 1), (0, 1)]],
    "Lost": [episode("Lost", 1, e) for e in (1, 2)],
    "Fargo": [episode("Fargo", 1, e) for e in (1, 2, 3)],
}

# (what was watched and when, hours ago; options) -> Next Up in order
NEXT_UP_CASES = [
    pytest.param({}, {}, [], id="nothing watched: nothing next"),
    pytest.param({"Dark-1-1": 5}, {}, ["Dark-1-2"], id="the episode after the one watched"),
    pytest.param(
        {"Dark-1-1": 50, "Dark-1-3": 10}, {}, ["Dark-2-1"],
        id="after the most recently watched, not the first gap",
    ),
    pytest.param(
        {"Dark-1-3": 10, "Dark-1-1": 2}, {}, ["Dark-1-2"],
        id="rewatching an early episode: the one after it",
    ),
    pytest.param({"Lost-1-1": 3, "Lost-1-2": 2}, {}, [], id="a finished show drops out"),
    pytest.param(
        {"Dark-1-1": 30, "Fargo-1-1": 2}, {}, ["Fargo-1-2", "Dark-1-2"],
        id="the most recently played show first",
    ),
    pytest.param({"Dark-0-1": 1}, {}, [], id="a special alone starts nothing"),
    pytest.param(
        {"Dark-1-1": 5, "Dark-0-1": 1}, {}, ["Dark-1-2"], id="specials are left out by default"
    ),
    pytest.param({"Dark-1-1": 24 * 400}, {}, [], id="shows not played for a year drop out"),
    pytest.param({"Dark-1-1": 24 * 400}, {"days": 1000}, ["Dark-1-2"], id="unless days allows"),
    pytest.param(
        {"Dark-1-1": 5, "Dark-1-2": 4, "Dark-1-3": 3, "Dark-2-1": 2}, {"include_specials": True},
        [], id="specials come first in order, so nothing after the last episode",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("watched", "options", "expected"), NEXT_UP_CASES)
def test_next_up(watched: dict[str, float], options: dict, expected: list[str]) -> None:
    progress = {
        item_id: Progress(watched=True, play_count=1, last_played=ago(hours))
        for item_id, hours in watched.items()
    }
    found = next_up(SHOWS.values(), progress, now=NOW, **options)
    assert [item.id for item in found] == expected


ITEMS = {item.id: item for show in SHOWS.values() for item in show}
ITEMS["track"] = MediaItem(
    id="track", kind="track", path="/music/A/B/01.flac", root="/music", parts=["/music/A/B/01.flac"]
)

CONTINUE_CASES = [
    pytest.param({}, [], id="nothing started"),
    pytest.param({"Dark-1-1": (600, 5)}, ["Dark-1-1"], id="a resume point"),
    pytest.param(
        {"Dark-1-1": (600, 5), "Fargo-1-2": (60, 1)}, ["Fargo-1-2", "Dark-1-1"],
        id="most recently played first",
    ),
    pytest.param({"Dark-1-1": (0, 5)}, [], id="no resume point, not listed"),
    pytest.param({"gone": (600, 1)}, [], id="progress of an item no longer in the catalog"),
    pytest.param({"track": (100, 1)}, [], id="music never continues (an old resume point)"),
]  # fmt: skip


@pytest.mark.parametrize(("started", "expected"), CONTINUE_CASES)
def test_continue_watching(started: dict[str, tuple[float, float]], expected: list[str]) -> None:
    progress = {
        item_id: Progress(position=position, duration=3000, last_played=ago(hours))
        for item_id, (position, hours) in started.items()
    }
    assert [item.id for item in continue_watching(ITEMS, progress)] == expected


@pytest.mark.parametrize(
    ("current", "expected"),
    [("Dark-1-1", "Dark-1-2"), ("Dark-1-3", "Dark-2-1"), ("Dark-2-1", None), ("Dark-0-1", None)],
)
def test_next_episode(current: str, expected: str | None) -> None:
    following = next_episode(SHOWS["Dark"], ITEMS[current])
    assert (following.id if following else None) == expected
