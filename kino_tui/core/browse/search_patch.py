"""A search index brought up to date after a live update: the records of the keys it
touched taken out and put back where the order puts them, the rest of the index's text
copied in a few slices (an album changed among 250,000 tracks: a few ms, where building
the index again from every record took 3.5 s of CPU)."""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Callable, Iterable

from kino_tui.core.browse.ordering import title_key
from kino_tui.core.browse.search import (
    _KIND_CODES,
    _KINDS,
    KIND_ORDER,
    Searchable,
    SearchIndex,
    _Lines,
    distinct_words,
    fold,
    ordered,
)


def sort_key(title: str, record: Searchable) -> tuple[object, ...]:
    """Where a record goes in the index (as :func:`ordered` sorts; ``title`` folded)."""
    order = (record.order, ()) if record.order is not None else ("", title_key(title))
    return (KIND_ORDER.get(record.kind, len(KIND_ORDER)), order, record.key)


def patched(
    index: SearchIndex, touched: Iterable[str], record_of: Callable[[str], Searchable | None]
) -> SearchIndex:
    """``index`` with the records of the ``touched`` keys (items and groups) as
    ``record_of`` gives them now: those it gives None left out, the others (again) in
    their place. Every key the index holds and ``touched`` does not must have its record
    unchanged (``record_of`` gives it, to find where the new ones go)."""
    touched = set(touched)
    keys = index._keys
    runs: list[tuple[int, int]] = []  # the rows kept, as [start, end) runs
    start = None
    for number, key in enumerate(keys):
        if key in touched:
            if start is not None:
                runs.append((start, number))
                start = None
        elif start is None:
            start = number
    if start is not None:
        runs.append((start, len(keys)))
    firsts = [0]  # the kept position where each run starts
    for a, b in runs:
        firsts.append(firsts[-1] + b - a)

    def row_at(position: int) -> int:
        run = bisect.bisect_right(firsts, position) - 1
        return runs[run][0] + position - firsts[run]

    def key_at(position: int) -> tuple[object, ...]:
        record = record_of(keys[row_at(position)])
        assert record is not None, keys[row_at(position)]
        return sort_key(fold(record.title), record)

    fresh = ordered(r for r in map(record_of, touched) if r is not None)
    inserted: list[tuple[int, str, Searchable]] = []  # (kept position, title, record)
    low, total = 0, firsts[-1]
    for title, record in fresh:
        wanted = sort_key(title, record)
        high = total
        while low < high:  # the first kept row after it
            middle = (low + high) // 2
            if key_at(middle) < wanted:
                low = middle + 1
            else:
                high = middle
        inserted.append((low, title, record))
    return _spliced(index, runs, firsts, inserted)


def _spliced(
    index: SearchIndex,
    runs: list[tuple[int, int]],
    firsts: list[int],
    inserted: list[tuple[int, str, Searchable]],
) -> SearchIndex:
    """The index of the kept runs with the new rows put in before the kept positions
    they were given (in order)."""
    old = index
    keys: list[str] = []
    kinds = bytearray()
    shown: list[str] = []
    titles = _Builder(old._titles)
    lines = _Builder(old._lines)

    def copy(a: int, b: int) -> None:
        keys.extend(old._keys[a:b])
        kinds.extend(old._kinds[a:b])
        shown.extend(old._shown[a:b])
        titles.copy(a, b)
        lines.copy(a, b)

    def add(title: str, record: Searchable) -> None:
        keys.append(record.key)
        kinds.append(_KIND_CODES.get(record.kind, len(_KINDS) - 1))
        shown.append(record.title)
        titles.add(title)
        lines.add(distinct_words(f"{title} {fold(record.context)}"))

    waiting = 0
    for (a, b), first in zip(runs, firsts, strict=False):
        at = a
        while waiting < len(inserted) and inserted[waiting][0] < first + (b - a):
            cut = a + inserted[waiting][0] - first  # the old row it goes before
            if cut > at:
                copy(at, cut)
                at = cut
            add(*inserted[waiting][1:])
            waiting += 1
        if at < b:
            copy(at, b)
    for _, title, record in inserted[waiting:]:  # after every kept row
        add(title, record)
    return SearchIndex.from_parts(keys, bytes(kinds), shown, titles.done(), lines.done())


class _Builder:
    """A new :class:`_Lines` from slices of an old one and new lines."""

    def __init__(self, old: _Lines) -> None:
        self.old = old
        self.pieces: list[str] = []
        self.starts = array("q")
        self.length = 0

    def copy(self, a: int, b: int) -> None:
        """Old lines ``a`` to ``b`` (not included)."""
        old = self.old
        begin = old.starts[a]
        end = old.starts[b] if b < len(old.starts) else len(old.text) - 1
        shift = self.length - begin
        self.starts.extend(start + shift for start in old.starts[a:b])
        self.pieces.append(old.text[begin:end])
        self.length += end - begin

    def add(self, line: str) -> None:
        self.starts.append(self.length)
        self.pieces.append(f"\n {line}")
        self.length += len(line) + 2

    def done(self) -> _Lines:
        self.pieces.append("\n")
        return _Lines.joined(self.starts, "".join(self.pieces))
