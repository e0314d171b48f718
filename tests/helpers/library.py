"""Catalog items and libraries the tests build."""

from __future__ import annotations

from kino_tui.core.models import (
    AudioTrack,
    MediaItem,
    SubtitleTrack,
)
from kino_tui.service import Library


def only_item(library: Library) -> MediaItem:
    (item,) = library.load()[0].items.values()
    return item


def make_items(count: int, prefix: str = "/m") -> dict[str, MediaItem]:
    items = {}
    for number in range(count):
        item = MediaItem(
            id=f"id{number:06d}",
            kind="movie",
            path=f"{prefix}/Film {number} (2000)/Film {number} (2000).mkv",
            root=prefix,
            parts=[f"{prefix}/Film {number} (2000)/Film {number} (2000).mkv"],
            title=f"Film {number}",
            year=2000,
            audio=[AudioTrack("aac", 2, "eng")],
            subtitles=[SubtitleTrack("fre", "subrip", True, False, "/x.srt")],
        )
        items[item.id] = item
    return items
