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


def ordered(records: Iterable[Searchable]) -> list[tuple[str, Searchable]]:
    """(folded title, record) in the order a tier lists its matches: kind, then the
    record's own order or the title's natural order (Season 2 before Season 10), then
    the key (so equal titles list in one order wherever they are ranked)."""
    rows = []
    for record in records:
        title = fold(record.title)
        order = (record.order, ()) if record.order is not None else ("", title_key(title))
        rows.append((KIND_ORDER.get(record.kind, len(KIND_ORDER)), order, title, record))
    rows.sort(key=lambda row: (row[0], row[1], row[3].key))  # the key: ties in one order
    return [(row[2], row[3]) for row in rows]


class SearchIndex:
    """Every record folded into one string, ordered by kind then title, ranked on demand."""

    def __init__(self, records: Iterable[Searchable]) -> None:
        rows = ordered(records)
        #: The last phrase whose every match is known, and those matches (see ranked).
        self._matched: tuple[str, list[int]] | None = None
        # what a result needs (its key, kind, title): the context and the order only make
        # the lines below (at 250,000 records they were 60 MB kept for nothing)
        self.records: list[Searchable] = [Searchable(r.kind, r.key, r.title) for _, r in rows]
        # Two texts, line n of each for record n: the titles (" <title>", so a title word
        # starts after a space and a title after "\n "), and the titles with their
        # context. Tiers 1-3 scan the first, the context tier the second.
        #: Each title's record, or records when several share it (one int each, not a
        #: list: 250,000 lists were 15 MB).
        self._exact: dict[str, int | list[int]] = {}
        #: Each record's folded title (the tier of a line found in ``_lines``).
        self._folded = [title for title, _ in rows]
        titles, lines = [], []
        for index, (title, record) in enumerate(rows):
            known = self._exact.get(title)
            if known is None:
                self._exact[title] = index
            elif isinstance(known, int):
                self._exact[title] = [known, index]
            else:
                known.append(index)
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
        last = self._matched
        if last is not None and phrase.startswith(last[0]):
            # typed on: every word typed before is in one typed now, so what matches now
            # is among what matched then (a keystroke reads those lines, not them all)
            return self._rank_among(last[1], phrase, words, limit)
        found: list[tuple[int, int]] = []
        seen: set[int] = set()
        for tier in (EXACT, PREFIX):
            for index in self._tier(tier, phrase, words):
                if index not in seen:
                    seen.add(index)
                    found.append((index, tier))
                    if len(found) >= limit:
                        return found
        # words, substring and context in one pass over the lines (title and context):
        # each line holding every word is sorted into its tier by its title; the pass
        # stops once the words tier alone fills what is left (at 250,000 records one pass
        # instead of three is the difference between a keystroke of 40 and 120 ms)
        room = limit - len(found)
        tiers: dict[int, list[int]] = {WORDS: [], SUBSTRING: [], CONTEXT: []}
        spaced = [f" {word}" for word in words]
        titles = self._folded
        complete = True
        for index in self._lines.scan(words[0], words[1:]):
            if index in seen:
                continue
            title = titles[index]
            if all(word in f" {title}" for word in spaced):
                tiers[WORDS].append(index)
                if len(tiers[WORDS]) >= room:
                    complete = False
                    break
            elif all(word in title for word in words):
                tiers[SUBSTRING].append(index)
            else:
                tiers[CONTEXT].append(index)
        if complete:  # every match of this phrase is known: the next keystroke's start
            self._matched = (phrase, sorted(seen.union(*tiers.values())))
        for tier in (WORDS, SUBSTRING, CONTEXT):
            found += ((index, tier) for index in tiers[tier][: limit - len(found)])
        return found

    def _rank_among(
        self, candidates: list[int], phrase: str, words: list[str], limit: int
    ) -> list[tuple[int, int]]:
        """:meth:`ranked` over ``candidates`` only (every match is among them)."""
        text, starts, titles = self._lines.text, self._lines.starts, self._folded
        spaced = [f" {word}" for word in words]
        tiers: dict[int, list[int]] = {tier: [] for tier in TIERS}
        matched = []
        last = len(starts) - 1
        for index in candidates:
            end = starts[index + 1] if index < last else len(text)
            if not all(word in text[starts[index] : end] for word in words):
                continue
            matched.append(index)
            title = titles[index]
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

    # -- one tier ----------------------------------------------------------------
    def _tier(self, tier: int, phrase: str, words: list[str]) -> Iterator[int]:
        if tier == EXACT:
            known = self._exact.get(phrase)
            if isinstance(known, int):
                yield known
            elif known is not None:
                yield from known
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
        self.starts = array("q")  # machine integers: 2 MB at 250,000 lines, not 10
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
