"""The watch-state sections, as Jellyfin computes them: Continue Watching, Next Up,
Recently Added, and the episode that follows another.

Pure functions over catalog items and their progress; :class:`~kino_tui.core.browse.view.LibraryView`
turns their results into list entries.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
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


def episodes_up_to(show: Iterable[MediaItem], item: MediaItem) -> list[MediaItem]:
    """``item`` and every episode of ``show`` before it, in watching order ("watched up to
    here"); specials count only from a special."""
    here = episode_order(item)
    earlier = [e for e in show if (e.season == 0) == (item.season == 0) and episode_order(e) < here]
    return [*sorted(earlier, key=episode_order), item]


#: The kinds Recently Added lists (extras belong to their movie and are never listed).
RECENT_KINDS = ("movie", "episode", "video", "track")
#: A show's (or an album's) episodes count as new together when added within this many
#: days of its newest one.
RECENT_GROUP_DAYS = 14


def _recent_order(item: MediaItem) -> tuple[bool, str, str]:
    """Healthy files first (a damaged or empty file is never news), then newest first."""
    healthy = not item.error and item.size > 0
    return (healthy, item.added or "", item.path)


def recently_added(items: Iterable[MediaItem], limit: int) -> list[MediaItem]:
    """Movies, episodes, videos and tracks, newest first; damaged and empty files last."""
    listed = (i for i in items if i.kind in RECENT_KINDS)
    return sorted(listed, key=_recent_order, reverse=True)[:limit]


@dataclass(slots=True)
class RecentRow:
    """One row of Recently Added: an item, or a show's new episodes, or an album's new
    tracks (``kind`` "show" or "album", ``name`` the show or album, ``artist`` the
    album's), newest first."""

    kind: str
    items: list[MediaItem]
    name: str = ""
    artist: str = ""


def recent_group(item: MediaItem) -> tuple[str, str, str] | None:
    """The group a new item is shown in: ("show", series, "") for an episode,
    ("album", album, artist) for a track, None for anything else."""
    if item.kind == "episode":
        return ("show", item.series or "Unknown show", "")
    if item.kind == "track":
        artist = item.album_artist or item.artist or "Unknown artist"
        return ("album", item.album or "Unknown album", artist)
    return None


def recently_added_rows(items: Iterable[MediaItem], limit: int) -> list[RecentRow]:
    """Recently Added as rows: a show's episodes (an album's tracks) added together are one
    row, where its newest one would be; a lone new episode or track is its own row.
    Damaged and empty files come after every healthy one."""
    rows: list[RecentRow] = []
    groups: dict[tuple[str, str, str], tuple[RecentRow, str]] = {}
    for item in sorted(
        (i for i in items if i.kind in RECENT_KINDS), key=_recent_order, reverse=True
    ):
        group = recent_group(item)
        if group is None:
            if len(rows) < limit:
                rows.append(RecentRow("item", [item]))
            continue
        known = groups.get(group)
        if known is not None:
            row, since = known
            if (item.added or "") >= since and (not item.error and item.size > 0) == (
                not row.items[0].error and row.items[0].size > 0
            ):
                row.items.append(item)
            continue
        if len(rows) < limit:
            row = RecentRow(group[0], [item], group[1], group[2])
            rows.append(row)
            groups[group] = (row, _days_before(item.added, RECENT_GROUP_DAYS))
    for row in rows:
        if row.kind != "item" and len(row.items) == 1:
            row.kind, row.name, row.artist = "item", "", ""  # one new episode: itself
    return rows


def _days_before(iso: str | None, days: int) -> str:
    if not iso:
        return ""
    try:
        return (datetime.fromisoformat(iso) - timedelta(days=days)).isoformat(timespec="seconds")
    except ValueError:
        return ""
