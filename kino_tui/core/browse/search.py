"""Ranked search over the library: items and the groups they make (shows, seasons,
artists, albums).

A query matches a record in one of five tiers, best first:

0. exact: the record's title is the query;
1. prefix: the title starts with the query;
2. words: every word of the query starts a word of the title;
3. substring: every word of the query is somewhere in the title;
4. context: every word is somewhere in the record's other text (a season's show, an
   album's artist, an episode's show and file name, a track's artist and album).

Within a tier, groups come before items (a show above its episodes, an artist above its
tracks), then titles in alphabetical order. Pure: no Textual, no I/O.

Per keystroke at 50,000 items: every record is one line of one folded string, so each
tier is a few ``str.find`` scans in C that stop once ``limit`` results are found.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

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

_NOT_WORD = re.compile(r"[^\w]+")


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


class SearchIndex:
    """Every record folded into one string, ordered by kind then title, ranked on demand."""

    def __init__(self, records: Iterable[Searchable]) -> None:
        rows = []
        for record in records:
            title = fold(record.title)
            order = (record.order, ()) if record.order is not None else ("", title_key(title))
            rows.append((KIND_ORDER.get(record.kind, len(KIND_ORDER)), order, title, record))
        # kind, then natural order (Season 2 before Season 10): the order a tier lists
        rows.sort(key=lambda row: (row[0], row[1]))
        self.records: list[Searchable] = [row[3] for row in rows]
        # Two texts, line n of each for record n: the titles (" <title>", so a title word
        # starts after a space and a title after "\n "), and the titles with their
        # context. Tiers 1-3 scan the first, the context tier the second.
        self._exact: dict[str, list[int]] = {}
        titles, lines = [], []
        for index, (_, _, title, record) in enumerate(rows):
            self._exact.setdefault(title, []).append(index)
            titles.append(f"\n {title}")
            lines.append(f"\n {title} {fold(record.context)}")
        self._titles = _Lines(titles)
        self._lines = _Lines(lines)

    def __len__(self) -> int:
        return len(self.records)

    def search(self, query: str, limit: int = 500) -> list[Searchable]:
        """The records that match ``query``, best tier first, at most ``limit``."""
        return [self.records[index] for index, _ in self.ranked(query, limit)]

    def ranked(self, query: str, limit: int = 500) -> list[tuple[int, int]]:
        """(record index, tier) of the matches, best first."""
        phrase = fold(query)
        words = sorted(set(phrase.split()), key=len, reverse=True)
        if not words:
            return []
        found: list[tuple[int, int]] = []
        seen: set[int] = set()
        for tier in TIERS:
            for index in self._tier(tier, phrase, words):
                if index not in seen:
                    seen.add(index)
                    found.append((index, tier))
                    if len(found) >= limit:
                        return found
        return found

    # -- one tier ----------------------------------------------------------------
    def _tier(self, tier: int, phrase: str, words: list[str]) -> Iterator[int]:
        if tier == EXACT:
            yield from self._exact.get(phrase, ())
        elif tier == PREFIX:
            yield from self._titles.scan(f"\n {phrase}", ())
        elif tier == WORDS:
            yield from self._titles.scan(f" {words[0]}", [f" {w}" for w in words[1:]])
        elif tier == SUBSTRING:
            yield from self._titles.scan(words[0], words[1:])
        else:
            yield from self._lines.scan(words[0], words[1:])


class _Lines:
    """Lines joined in one string (each opening with "\n"): ``str.find`` runs in C."""

    def __init__(self, lines: list[str]) -> None:
        self.starts = []
        offset = 0
        for line in lines:
            self.starts.append(offset)
            offset += len(line)
        self.text = "".join(lines)

    def scan(self, first: str, others: Iterable[str]) -> Iterator[int]:
        """Lines where ``first`` occurs and so does every one of ``others``, in order."""
        text, starts = self.text, self.starts
        others = tuple(others)
        find, length = text.find, len(text)
        position = 0
        while True:
            at = find(first, position)
            if at < 0:
                return
            line = bisect.bisect_right(starts, at) - 1
            end = find("\n", at + 1)
            if end < 0:
                end = length
            if not others or all(word in text[starts[line] : end] for word in others):
                yield line
            position = end
