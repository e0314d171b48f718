"""How a list is ordered and filtered: sort orders (natural, reversible) and the filters a
user can choose. Pure functions over :class:`~kino_tui.core.browse.view.Entry` rows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kino_tui.core.text import natural_key

if TYPE_CHECKING:
    from kino_tui.core.browse.view import Entry, LibraryView

SORTS: tuple[str, ...] = ("title", "year", "added", "played", "duration", "rating")
SORT_LABELS = {
    "title": "title",
    "year": "year",
    "added": "recently added",
    "played": "last played",
    "duration": "duration",
    "rating": "rating",
}
#: What a reversed sort is called (``s`` then ``S``: "year, newest first").
REVERSED_LABELS = {
    "title": "title, Z to A",
    "year": "year, newest first",
    "added": "added, oldest first",
    "played": "last played, longest ago first",
    "duration": "duration, shortest first",
    "rating": "rating, lowest first",
}
#: The orders that list the biggest (newest, longest, best) first unless reversed.
DESCENDING = frozenset({"added", "played", "duration", "rating"})

_ARTICLES = frozenset({"the", "a", "an"})


def sort_title(text: str) -> str:
    """``The Wire`` sorts as ``wire``."""
    lowered = text.casefold()
    article, _, rest = lowered.partition(" ")
    return rest if rest and article in _ARTICLES else lowered


def title_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """``Show 2`` before ``Show 10``: runs of digits compare as numbers (articles
    ignored, case folded)."""
    return natural_key(sort_title(text))


def sort_label(key: str, reverse: bool = False) -> str:
    return REVERSED_LABELS[key] if reverse else SORT_LABELS[key]


_SORT_KEYS: dict[str, Callable[[Entry], Any]] = {
    "title": lambda e: title_key(e.title),
    "year": lambda e: (e.year or 0, title_key(e.title)),
    "added": lambda e: e.added,
    "played": lambda e: e.last_played,
    "duration": lambda e: e.duration,
    "rating": lambda e: (e.rating is not None, e.rating or 0.0),
}


def sort_entries(entries: list[Entry], key: str, reverse: bool = False) -> list[Entry]:
    """Entries in a new order: title and year ascending, the others newest (longest, best)
    first; ``reverse`` turns either around. Unrated entries stay last when sorting by
    rating, either way."""
    descending = (key in DESCENDING) != reverse
    ordered = sorted(entries, key=_SORT_KEYS[key], reverse=descending)
    if key == "rating" and not descending:
        rated = [e for e in ordered if e.rating is not None]
        ordered = rated + [e for e in ordered if e.rating is None]
    return ordered


@dataclass(frozen=True, slots=True)
class EntryFilter:
    """A filter the user chose: ``kind`` is one of unwatched, in-progress, kind, genre, decade."""

    kind: str
    value: str = ""

    @property
    def label(self) -> str:
        return {
            "unwatched": "unwatched",
            "in-progress": "in progress",
            "kind": f"kind: {self.value}",
            "genre": f"genre: {self.value}",
            "decade": f"{self.value}s",
        }.get(self.kind, self.kind)


def filter_entries(
    entries: list[Entry], chosen: EntryFilter | None, view: LibraryView
) -> list[Entry]:
    """Entries that pass the filter (all of them without one)."""
    if chosen is None:
        return entries
    if chosen.kind == "unwatched":
        return [e for e in entries if e.unwatched]
    if chosen.kind == "in-progress":
        return [
            e
            for e in entries
            if any(view.state(i).position > 0 and not view.state(i).watched for i in e.items)
        ]
    if chosen.kind == "kind":
        return [e for e in entries if e.kind == chosen.value]
    if chosen.kind == "genre":
        return [e for e in entries if chosen.value in e.genres]
    if chosen.kind == "decade":
        start = int(chosen.value)
        return [e for e in entries if e.year and start <= e.year < start + 10]
    return entries


def filter_choices(entries: list[Entry]) -> list[EntryFilter]:
    """The filters that make sense for these entries."""
    choices = [EntryFilter("unwatched"), EntryFilter("in-progress")]
    choices += [EntryFilter("kind", k) for k in sorted({e.kind for e in entries})]
    choices += [EntryFilter("genre", g) for g in sorted({g for e in entries for g in e.genres})]
    choices += [
        EntryFilter("decade", str(d))
        for d in sorted({e.year // 10 * 10 for e in entries if e.year})
    ]
    return choices
