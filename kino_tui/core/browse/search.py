"""Ranked search over the library: items and the groups they make (shows, seasons,
artists, albums).

A query matches a record in one of five tiers, best first:

0. exact: the record's title is the query;
1. prefix: the title starts with the query;
2. words: every word of the query starts a word of the title;
3. substring: every word of the query is somewhere in the title;
4. context: every word is somewhere in the record's other text (a season's show, an
   album's artist, an episode's show and file name, a track's artist and album, a
   film's or an episode's directors and cast from its NFO).

Within a tier, groups come before items (a show above its episodes, an artist above its
tracks), then titles in alphabetical order. Pure: no Textual, no I/O.

Per keystroke at 50,000 items: every record is one line of one folded string, so each
tier is a few ``str.find`` scans in C that stop once ``limit`` results are found.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from kino_tui.core.browse.ordering import title_key

EXACT, PREFIX, WORDS, SUBSTRING, CONTEXT = range(5)
TIERS = (EXACT, PREFIX, WORDS, SUBSTRING, CONTEXT)

#: Groups before items: a show above its seasons and episodes, an artist above its albums
#: and tracks.
KIND_ORDER: dict[str, int] = {
    "show": 0, "artist": 1, "album": 2, "season": 3,
    "movie": 4, "video": 5, "episode": 6, "track": 7,
}  # fmt: skip
SEARCH_KINDS: tuple[str, ...] = tuple(KIND_ORDER)
#: A record's kind as one byte of the index (the last: a kind not known here).
_KINDS = (*SEARCH_KINDS, "")
_KIND_CODES = {kind: code for code, kind in enumerate(_KINDS)}

_NOT_WORD = re.compile(r"[^\w]+")
#: The most matches a keystroke typed on narrows among (reading a line is a few µs in
#: Python; past this a fresh scan, in C, is quicker).
_NARROWED = 5000
#: How much of the lines' text is counted to choose the word a scan looks for.
_SLICES, _SLICE = 8, 250_000
#: How often the rarest word may be in the lines for a search that filled its page to
#: read them all anyway, learning every match for the next keystroke (about 15 ms).
_LEARNED = 8000


def fold(text: str) -> str:
    """Lower-case, accent-free, punctuation-free text for matching (words separated by
    one space)."""
    folded = text.casefold()
    if not folded.isascii():
        decomposed = unicodedata.normalize("NFKD", folded)
        folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NOT_WORD.sub(" ", folded).strip()


@dataclass(frozen=True, slots=True)
class Searchable:
    """One thing search can find: ``key`` is an item's id or a group's key."""

    kind: str
    key: str
    title: str
    context: str = ""
    #: The order within a tier when it is not the title's natural order, compared as
    #: text (episodes by show and zero-padded season and number; tracks by artist, album
    #: and number). Records of one kind either all have one or none do.
    order: str | None = None


def rank(query: str, title: str, context: str = "") -> int | None:
    """The tier ``query`` matches a record in (None: no match). All three are folded."""
    words = query.split()
    if not words:
        return None
    if title == query:
        return EXACT
    if title.startswith(query):
        return PREFIX
    spaced = f" {title}"
    if all(f" {word}" in spaced for word in words):
        return WORDS
    if all(word in title for word in words):
        return SUBSTRING
    if all(word in title or word in context for word in words):
        return CONTEXT
    return None


def ordered(records: Iterable[Searchable]) -> list[tuple[str, Searchable]]:
    """(folded title, record) in the order a tier lists its matches: kind, then the
    record's own order or the title's natural order (Season 2 before Season 10), then
    the key (so equal titles list in one order wherever they are ranked)."""
    rows = [(title := fold(record.title), record, order_key(record, title)) for record in records]
    rows.sort(key=itemgetter(2))
    return [(title, record) for title, record, _ in rows]


def order_key(record: Searchable, folded_title: str) -> tuple[Any, ...]:
    """Where a record comes in :func:`ordered`'s order (its title folded): kind, then its
    own order or its title's natural order, then its key (ties in one order)."""
    order = (
        (record.order, ()) if record.order is not None else ("", title_key(folded_title))
    )
    return (KIND_ORDER.get(record.kind, len(KIND_ORDER)), order, record.key)


def distinct_words(line: str) -> str:
    """``line`` with each word once: a word of a query is inside one word of a line, so a
    repeated one finds nothing more (a track's artist, album artist and file name repeat
    its title and artist: the lines' text and a scan's steps halve)."""
    return " ".join(dict.fromkeys(line.split()))


class SearchIndex:
    """Every record folded into one string, ordered by kind then title, ranked on demand.

    Held as little as possible (at 250,000 records the records themselves, their folded
    titles and a dict of them were 60 MB): each record's key and kind, its title as given
    (shared with the item's), and two texts, line n of each for record n: the folded
    titles (" <title>", so a title word starts after a space and a title after "\n "),
    and the titles with their context. Tiers 0-3 scan the first, the context tier the
    second."""

    def __init__(self, records: Iterable[Searchable]) -> None:
        rows = ordered(records)
        self._fill(
            (r.kind, r.key, title, f"{title} {fold(r.context)}", r.title) for title, r in rows
        )

    @classmethod
    def from_ordered(cls, rows: Iterable[tuple[str, str, str, str]]) -> SearchIndex:
        """An index of (kind, key, folded title, folded title and context) rows already in
        ranking order, as the catalog's index stores them (nothing folded or sorted)."""
        index = cls.__new__(cls)
        index._fill((kind, key, title, line, "") for kind, key, title, line in rows)
        return index

    def _fill(self, rows: Iterable[tuple[str, str, str, str, str]]) -> None:
        #: The last phrase whose every match is known, and those matches (see ranked).
        self._matched: tuple[str, list[int]] | None = None
        self._keys: list[str] = []
        kinds = bytearray()
        self._shown: list[str] = []
        titles, lines = [], []
        for kind, key, title, line, shown in rows:
            self._keys.append(key)
            kinds.append(_KIND_CODES.get(kind, len(_KINDS) - 1))
            self._shown.append(shown)
            titles.append(f"\n {title}")
            lines.append(f"\n {distinct_words(line)}")
        self._kinds = bytes(kinds)
        self._titles = _Lines(titles)
        del titles
        self._lines = _Lines(lines)

    @classmethod
    def from_parts(
        cls, keys: list[str], kinds: bytes, shown: list[str], titles: _Lines, lines: _Lines
    ) -> SearchIndex:
        """An index of what :meth:`_fill` makes (``core/browse/search_patch.py``)."""
        index = cls.__new__(cls)
        index._matched = None
        index._keys, index._kinds, index._shown = keys, kinds, shown
        index._titles, index._lines = titles, lines
        return index

    def __len__(self) -> int:
        return len(self._keys)

    @property
    def records(self) -> list[Searchable]:
        """Every record (kind, key, title as given), in ranking order."""
        return [self._record(index) for index in range(len(self._keys))]

    def _record(self, index: int) -> Searchable:
        return Searchable(_KINDS[self._kinds[index]], self._keys[index], self._shown[index])

    def search(self, query: str, limit: int = 500) -> list[Searchable]:
        """The records that match ``query``, best tier first, at most ``limit``."""
        return [self._record(index) for index, _ in self.ranked(query, limit)]

    def ranked(self, query: str, limit: int = 500) -> list[tuple[int, int]]:
        """(record index, tier) of the matches, best first."""
        phrase = fold(query)
        words = sorted(set(phrase.split()), key=len, reverse=True)
        if not words:
            return []
        last = self._matched
        if last is not None and phrase.startswith(last[0]):
            # typed on: every word typed before is in one typed now, so what matches now
            # is among what matched then (a keystroke reads those lines, not them all)
            return self._rank_among(last[1], phrase, words, limit)
        # Each tier is its own scan, in the order it lists, stopping once ``limit`` are
        # found: the title tiers scan the titles (a fifth of the text) for the word the
        # text holds least. The last scan, the lines for the context tier, also learns
        # every match for the next keystroke, unless there are more than it may narrow
        # among: a phrase most records match in their context alone ("the a": an
        # artist's every track) then reads a few thousand lines, not 250,000 of them in
        # Python (a second).
        found: list[tuple[int, int]] = []
        seen: set[int] = set()
        words, occurrences = self._lines.rarest_first(words)
        for tier, indices in ((EXACT, self._exact(phrase)),
                              (PREFIX, self._titles.scan(f"\n {phrase}", ()))):  # fmt: skip
            for index in indices:
                if index not in seen:
                    seen.add(index)
                    found.append((index, tier))
                    if len(found) >= limit:
                        return self._learned(found, phrase, words, occurrences)
        # words and substring in one pass over the titles holding every word, which
        # stops once the words tier alone fills what is left
        spaced = [f" {word}" for word in words]
        room = limit - len(found)
        tiers: tuple[list[int], list[int]] = ([], [])
        for index, title in self._titles.scan_lines(words[0], words[1:]):
            if index in seen:
                continue
            if all(word in title for word in spaced):  # the line is " <title>"
                tiers[0].append(index)
                if len(tiers[0]) >= room:
                    break
            else:
                tiers[1].append(index)
        for tier, listed in zip((WORDS, SUBSTRING), tiers, strict=True):
            for index in listed[: limit - len(found)]:
                seen.add(index)
                found.append((index, tier))
        if len(found) >= limit:
            return self._learned(found, phrase, words, occurrences)
        matched: list[int] = []  # every line with every word is a match of some tier
        for index in self._lines.scan(words[0], words[1:]):
            matched.append(index)
            if index not in seen and len(found) < limit:  # not found above: context
                found.append((index, CONTEXT))
            if len(matched) > _NARROWED and len(found) >= limit:
                return found
        if len(matched) <= _NARROWED:  # every match is known: the next keystroke's start
            self._matched = (phrase, matched)
        return found

    def _learned(
        self, found: list[tuple[int, int]], phrase: str, words: list[str], occurrences: int
    ) -> list[tuple[int, int]]:
        """``found``, the page, once every match of ``phrase`` is known too when that is
        cheap (its rarest word seldom in the lines): the next keystroke then narrows
        among them instead of scanning (typing on at a page of 100 stays a few ms)."""
        if occurrences <= _LEARNED:
            matched = []
            for index in self._lines.scan(words[0], words[1:]):
                matched.append(index)
                if len(matched) > _NARROWED:
                    return found
            self._matched = (phrase, matched)
        return found

    def _rank_among(
        self, candidates: list[int], phrase: str, words: list[str], limit: int
    ) -> list[tuple[int, int]]:
        """:meth:`ranked` over ``candidates`` only (every match is among them)."""
        text, starts, title_of = self._lines.text, self._lines.starts, self._titles.line
        spaced = [f" {word}" for word in words]
        tiers: dict[int, list[int]] = {tier: [] for tier in TIERS}
        matched = []
        last = len(starts) - 1
        for index in candidates:
            end = starts[index + 1] if index < last else len(text) - 1
            if not all(word in text[starts[index] : end] for word in words):
                continue
            matched.append(index)
            title = title_of(index)
            if title == phrase:
                tiers[EXACT].append(index)
            elif title.startswith(phrase):
                tiers[PREFIX].append(index)
            elif all(word in f" {title}" for word in spaced):
                tiers[WORDS].append(index)
            elif all(word in title for word in words):
                tiers[SUBSTRING].append(index)
            else:
                tiers[CONTEXT].append(index)
        self._matched = (phrase, matched)
        found: list[tuple[int, int]] = []
        for tier in TIERS:
            found += ((index, tier) for index in tiers[tier][: limit - len(found)])
        return found

    def _exact(self, phrase: str) -> Iterator[int]:
        """The records whose title is ``phrase`` (a line that is exactly it)."""
        return self._titles.scan(f"\n {phrase}\n", ())


class _Lines:
    """Lines joined in one string (each opening with "\n"): ``str.find`` runs in C."""

    @classmethod
    def joined(cls, starts: array[int], text: str) -> _Lines:
        """Lines already joined (``text`` ends with the closing "\\n"), and where each
        starts."""
        lines = cls.__new__(cls)
        lines.starts, lines.text = starts, text
        return lines

    def __init__(self, lines: list[str]) -> None:
        self.starts = array("q")  # machine integers: 2 MB at 250,000 lines, not 10
        offset = 0
        for line in lines:
            self.starts.append(offset)
            offset += len(line)
        lines.append("\n")  # the last line ends like the others (an exact title's "\n")
        self.text = "".join(lines)
        lines.pop()

    def line(self, index: int) -> str:
        """Line ``index`` without its "\n " (a folded title)."""
        starts = self.starts
        end = starts[index + 1] if index + 1 < len(starts) else len(self.text) - 1
        return self.text[starts[index] + 2 : end]

    def rarest_first(self, words: list[str]) -> tuple[list[str], int]:
        """``words`` with the one this text holds least first (counted in C in a few
        slices of it: the scans go from one of its places to the next), and about how
        often the text holds it."""
        text = self.text
        step = max(len(text) // _SLICES, 1)
        slices = [(start, start + _SLICE) for start in range(0, len(text), step)]
        counts = {word: sum(text.count(word, a, b) for a, b in slices) for word in words}
        rarest = min(words, key=lambda word: (counts[word], -len(word)))
        counted = sum(min(b, len(text)) - a for a, b in slices)
        estimate = counts[rarest] * len(text) // max(counted, 1)
        return [rarest, *(word for word in words if word != rarest)], estimate

    def scan(self, first: str, others: Iterable[str]) -> Iterator[int]:
        """Lines where ``first`` occurs and so does every one of ``others``, in order."""
        for index, _ in self.scan_lines(first, others):
            yield index

    def scan_lines(self, first: str, others: Iterable[str]) -> Iterator[tuple[int, str]]:
        """(index, text after its "\\n") of the lines where ``first`` occurs and so does
        every one of ``others``, in order. Each occurrence costs a few steps in Python
        (the line's ends found in C, its number only for a match), so ``first`` should
        be the rarest word."""
        text, starts = self.text, self.starts
        others = tuple(others)
        find, rfind, line_of = text.find, text.rfind, bisect.bisect_right
        position = 0
        while (at := find(first, position)) >= 0:
            start = rfind("\n", 0, at + 1)  # the line's own "\n" (``first`` may open with it)
            position = find("\n", at + 1)  # the next line's (a last "\n" closes the text)
            for word in others:
                if find(word, start, position) < 0:
                    break
            else:
                yield line_of(starts, start) - 1, text[start + 1 : position]
