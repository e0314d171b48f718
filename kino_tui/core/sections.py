"""The watch-state sections, as Jellyfin computes them: Continue Watching, Next Up,
Recently Added, and the episode that follows another.

Pure functions over catalog items and their progress; :class:`~kino_tui.core.browse.LibraryView`
turns their results into list entries.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta

from kino_tui.core.models import MediaItem, Progress
from kino_tui.core.text import natural_key

VIDEO_KINDS = ("movie", "episode", "video")
#: Shows not played for longer than this drop out of Next Up (``[next_up] days``).
NEXT_UP_DAYS = 365
_NEVER = Progress()


def episode_order(
    item: MediaItem,
) -> tuple[int, int, int, str, tuple[tuple[int, int | str], ...]]:
    """The order episodes are watched in, and listed: by season (an episode without one,
    as in a show with no season folders, is in Season 1), then numbered episodes by
    number, dated ones by date, numberless ones by file name (naturally: ``Part 2``
    before ``Part 10``)."""
    season = item.season if item.season is not None else 1
    rank = 0 if item.episode is not None else 1 if item.air_date else 2
    name = natural_key(item.path.rpartition("/")[2])
    return (season, rank, item.episode or 0, item.air_date or "", name)


def continue_watching(
    items: Mapping[str, MediaItem], progress: Mapping[str, Progress]
) -> list[MediaItem]:
    """Items with a resume point, most recently played first (never music: a track is
    played or not)."""
    started = [
        (state.last_played or "", item)
        for item_id, state in progress.items()
        if state.position > 0
        and not state.watched
        and (item := items.get(item_id)) is not None
        and item.kind != "track"
    ]
    return [item for _, item in sorted(started, key=lambda pair: pair[0], reverse=True)]


def next_up(
    shows: Iterable[list[MediaItem]],
    progress: Mapping[str, Progress],
    days: int = NEXT_UP_DAYS,
    include_specials: bool = False,
    now: datetime | None = None,
) -> list[MediaItem]:
    """Per show, the first unwatched episode after the **most recently watched** one
    (not the first unwatched), specials left out unless asked for, for shows played
    within ``days``; the most recently played show first."""
    cutoff = ((now or datetime.now(UTC)) - timedelta(days=days)).isoformat(timespec="seconds")
    result: list[tuple[str, MediaItem]] = []
    for episodes in shows:
        ordered = sorted(
            (e for e in episodes if e.season != 0 or include_specials), key=episode_order
        )
        watched = [
            (state.last_played or "", index)
            for index, episode in enumerate(ordered)
            if (state := progress.get(episode.id, _NEVER)).watched
        ]
        if not watched:
            continue
        last_played, index = max(watched)
        if last_played < cutoff:
            continue
        following = next(
            (e for e in ordered[index + 1 :] if not progress.get(e.id, _NEVER).watched), None
        )
        if following is not None:
            result.append((last_played, following))
    return [item for _, item in sorted(result, key=lambda pair: pair[0], reverse=True)]


def next_episode(show: Iterable[MediaItem], item: MediaItem) -> MediaItem | None:
    """The episode of ``show`` that follows ``item`` (specials only after specials)."""
    here = episode_order(item)
    following = [
        e for e in show if (e.season == 0) == (item.season == 0) and episode_order(e) > here
    ]
    return min(following, key=episode_order) if following else None


def recently_added(items: Iterable[MediaItem], limit: int) -> list[MediaItem]:
    """Videos, newest first."""
    videos = (i for i in items if i.kind in VIDEO_KINDS)
    return sorted(videos, key=lambda i: (i.added or "", i.path), reverse=True)[:limit]
