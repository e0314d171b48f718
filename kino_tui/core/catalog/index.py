"""The catalog's index: a derived SQLite file in the cache folder that answers a search,
an item by id or path, a folder or a group without reading the catalog.

At 250,000 items reading ``catalog.json`` and unpacking it costs seconds and most of a
gigabyte; a search, ``kino play ID`` or an album needs a few rows. The index holds every
item's packed row keyed by id, path and group, and every search record (items and
groups) in the order the ranking lists them, so a query reads only what it returns.

It is never the only copy of anything: it records the signature of the catalog file it
was built from (device, inode, size, mtime: every save of the catalog is a new file),
and a reader that finds it missing, stale, damaged or of another version gets None and
reads the catalog instead (and builds the index again from what it read). It is written
to a temporary file and renamed over the old one, so a kill at any moment leaves the old
index (stale, so ignored) or the new one. The catalog (TinyDB) stays the store of record.

Text columns that come from file names are stored as UTF-8 bytes with ``surrogatepass``
(BLOBs): names that are not UTF-8 reach Python with surrogate escapes, which SQLite's
text cannot carry, and bytes compare and prefix-match exactly.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import count, groupby
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kino_tui.core.catalog.rows import (
    PackedCatalog,
    item_of_row,
    items_of_rows,
    objects_for_life,
    records_of_rows,
)
from kino_tui.core.catalog.storage import dumps, loads
from kino_tui.core.catalog.validate import DAMAGE
from kino_tui.core.fsutil import clean_stale_temporaries, temporary_prefix
from kino_tui.core.models import ROW_FIELDS, MediaItem

if TYPE_CHECKING:  # the browsing stack is imported when the index is read or built,
    # not by every command that only checks whether it is current (kino scan)
    from kino_tui.core.browse.search import Searchable
    from kino_tui.core.browse.summary import GroupSummary, Summaries

#: Changes whenever what the index stores, or how, changes: an older index is rebuilt.
INDEX_VERSION = "4"
#: What a damaged or foreign index file raises (it is then ignored and rebuilt).
INDEX_ERRORS = (sqlite3.Error, ValueError, TypeError, KeyError, IndexError, UnicodeError)
#: How far apart a build places search records: a patch (``index_patch.py``) puts a new
#: record halfway between two, so about twenty go between the same two before the index
#: is built again.
GAP = 1 << 20

_SCHEMA = """
CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE roots (number INTEGER PRIMARY KEY, root BLOB NOT NULL);
CREATE TABLE items (
    id BLOB NOT NULL, path BLOB NOT NULL, kind TEXT NOT NULL,
    grp BLOB, sub BLOB, root INTEGER NOT NULL, row BLOB NOT NULL
);
CREATE TABLE parts (path BLOB NOT NULL, id BLOB NOT NULL);
CREATE TABLE kinds (kind TEXT PRIMARY KEY);
CREATE TABLE groups (key BLOB PRIMARY KEY, kind TEXT NOT NULL, summary BLOB NOT NULL);
CREATE TABLE search (
    position INTEGER PRIMARY KEY, kind TEXT NOT NULL, key BLOB NOT NULL,
    title TEXT NOT NULL, line TEXT NOT NULL
);
"""
#: Made once the rows are in (sorting once is faster than keeping them up to date).
_INDEXES = """
CREATE UNIQUE INDEX items_id ON items (id);
CREATE INDEX items_path ON items (path);
CREATE INDEX items_grp ON items (grp);
CREATE INDEX items_sub ON items (sub);
CREATE INDEX parts_path ON parts (path);
"""
ROW_SQL = "SELECT items.row, roots.root FROM items JOIN roots ON roots.number = items.root"


def blob_of(text: str) -> bytes:
    """A text column's value as stored (see the module)."""
    return text.encode("utf-8", "surrogatepass")


def text_of(blob: bytes) -> str:
    """A text column's value as read (see the module)."""
    return bytes(blob).decode("utf-8", "surrogatepass")


def catalog_signature(catalog_file: Path) -> str | None:
    """The catalog file's identity (every save is a new file), or None when absent."""
    try:
        stat = os.stat(catalog_file)
    except OSError:
        return None
    return f"{stat.st_dev}:{stat.st_ino}:{stat.st_size}:{stat.st_mtime_ns}"


@dataclass(frozen=True, slots=True)
class Match:
    """One search match: a record's key (an item id or a group key), kind and tier."""

    key: str
    kind: str
    tier: int


def chunked(keys: Sequence[bytes], size: int = 500) -> Iterator[Sequence[bytes]]:
    """``keys`` a few hundred at a time (SQLite's limit on a statement's parameters)."""
    for start in range(0, len(keys), size):
        yield keys[start : start + size]


class IndexReader:
    """Queries over one open index (see :meth:`CatalogIndex.open`)."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._db = connection

    def close(self) -> None:
        self._db.close()

    def __len__(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM items").fetchone()[0])

    def _items(self, where: str, *args: object) -> list[MediaItem]:
        """The items of the rows ``where`` picks, in its order: each run of one root's
        rows parsed as one text, their items made without collections meanwhile (a
        movies section's 9,000 made a row at a time took 340 ms; this way 40 ms)."""
        found: list[MediaItem] = []
        rows = self._db.execute(f"{ROW_SQL} {where}", args)
        with objects_for_life():
            while batch := rows.fetchmany(2000):
                for root, run in groupby(batch, key=itemgetter(1)):
                    parsed = loads(b"[" + b",".join([row for row, _ in run]) + b"]")
                    found += items_of_rows(parsed, text_of(root))
        return found

    def item(self, item_id: str) -> MediaItem | None:
        found = self._items("WHERE items.id = ?", blob_of(item_id))
        return found[0] if found else None

    def items(self, ids: Iterable[str]) -> list[MediaItem]:
        """The items with these ids that exist (in no particular order)."""
        found: list[MediaItem] = []
        keys = [blob_of(i) for i in ids]
        for chunk in chunked(keys):
            marks = ",".join("?" * len(chunk))
            found += self._items(f"WHERE items.id IN ({marks})", *chunk)
        return found

    def item_at(self, path: str) -> MediaItem | None:
        """The item whose file (or one of whose parts) is ``path``."""
        found = self._items("WHERE items.path = ? LIMIT 1", blob_of(path))
        if not found:
            found = self._items(
                "WHERE items.id = (SELECT id FROM parts WHERE path = ? LIMIT 1)",
                blob_of(path),
            )
        return found[0] if found else None

    def items_under(self, folder: str) -> list[MediaItem]:
        """Every item but extras under ``folder`` (which ends with ``/``), in path order."""
        low = blob_of(folder)
        return self._items(
            "WHERE items.path >= ? AND items.path < ? AND items.kind != 'extra' "
            "ORDER BY items.path",
            low,
            low + b"\xff",  # no UTF-8 byte is 0xff: above every path under the folder
        )

    def titles_of_kind(self, kind: str) -> list[tuple[str, str]]:
        """(id, title, or file name when it has none) of every item of ``kind``, in
        catalog order, without making the items: what a section's title order needs."""
        title_at = ROW_FIELDS.index("title")
        rows = self._db.execute(
            f"SELECT id, json_extract(row, '$[{title_at}]'), path FROM items "
            "WHERE kind = ? ORDER BY rowid",
            (kind,),
        )
        return [(text_of(i), t or text_of(p).rpartition("/")[2]) for i, t, p in rows]

    def items_of_kinds(self, kinds: Iterable[str]) -> list[MediaItem]:
        """Every item of these kinds (kino's opening section when it lists items)."""
        chosen = sorted(kinds)
        marks = ",".join("?" * len(chosen))
        return self._items(f"WHERE items.kind IN ({marks}) ORDER BY items.rowid", *chosen)

    def group_items(self, key: str) -> list[MediaItem]:
        """Every item of the show or artist that holds the group ``key`` (a show, a
        season, an artist, an album): what the browser needs to build that group."""
        found = self._db.execute(
            "SELECT grp FROM items WHERE grp = ?1 OR sub = ?1 LIMIT 1", (blob_of(key),)
        ).fetchone()
        if found is None:
            return []
        return self._items("WHERE items.grp = ? ORDER BY items.root, items.path", found[0])

    def stored_rows(self, batch: int = 5000) -> Iterator[tuple[list[Any], str]]:
        """Every item's stored row (as ``PackedDocument.stored_rows`` gives it) and its
        root, read a batch at a time (the browser's items made without the catalog's
        text or every row held at once)."""
        roots = {n: text_of(root) for n, root in self._db.execute("SELECT number, root FROM roots")}
        cursor = self._db.execute("SELECT row, root FROM items ORDER BY rowid")
        while rows := cursor.fetchmany(batch):
            for row, number in rows:
                yield loads(row), roots[number]

    def search_rows(self) -> Iterator[tuple[str, str, str, str]]:
        """Every search record as (kind, key, folded title, folded title and context), in
        ranking order (what ``SearchIndex.from_ordered`` takes: nothing folded or sorted
        again)."""
        cursor = self._db.execute("SELECT kind, key, title, line FROM search ORDER BY position")
        while rows := cursor.fetchmany(5000):
            for kind, key, title, line in rows:
                yield kind, text_of(key), title, line

    def item_dicts(self, kind: str | None = None) -> Iterator[dict[str, Any]]:
        """Every item (of ``kind``) as ``MediaItem.to_dict`` gives it, in path order (what
        ``kino ls --json`` prints), made from the stored rows one at a time."""
        roots = {number: text_of(root) for number, root in self._db.execute("SELECT * FROM roots")}
        where, args = ("WHERE kind = ?", (kind,)) if kind is not None else ("", ())
        cursor = self._db.execute(f"SELECT root, row FROM items {where} ORDER BY path", args)
        while batch := cursor.fetchmany(1000):  # one parse for the rows of a root in it
            for root, group in groupby(batch, key=itemgetter(0)):
                rows = b",".join([row for _, row in group])
                yield from records_of_rows(loads(b"[" + rows + b"]"), roots[root])

    def kinds(self) -> frozenset[str]:
        """The kinds of item the catalog holds."""
        return frozenset(kind for (kind,) in self._db.execute("SELECT kind FROM kinds"))

    def summaries(self, kind: str) -> list[GroupSummary]:
        """Every show's or artist's (``kind``) summary: its section row without its items."""
        from kino_tui.core.browse.summary import GroupSummary
        rows = self._db.execute("SELECT summary FROM groups WHERE kind = ?", (kind,))
        return [GroupSummary.from_row(loads(summary)) for (summary,) in rows]

    def groups_of(self, ids: Iterable[str]) -> dict[str, str]:
        """The show or artist key of each of these items that has one."""
        found: dict[str, str] = {}
        keys = [blob_of(i) for i in ids]
        for chunk in chunked(keys):
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT id, grp FROM items WHERE grp IS NOT NULL AND id IN ({marks})"
            found.update((text_of(i), text_of(g)) for i, g in self._db.execute(sql, chunk))
        return found

    def search(self, query: str, limit: int = 500) -> list[Match]:
        """The records matching ``query``, ranked exactly as ``core/search.SearchIndex``
        ranks them: tier, then kind (groups first), then each kind's own order."""
        from kino_tui.core.browse.search import EXACT, PREFIX, SUBSTRING, WORDS, fold

        phrase = fold(query)
        words = sorted(set(phrase.split()), key=len, reverse=True)
        if not words:
            return []
        every = " AND ".join(["instr(line, ?) > 0"] * len(words))
        spaced = " AND ".join(["instr(' ' || title, ?) > 0"] * len(words))
        inside = " AND ".join(["instr(title, ?) > 0"] * len(words))
        sql = (
            f"SELECT key, kind, CASE WHEN title = ? THEN {EXACT} "
            f"WHEN substr(title, 1, ?) = ? THEN {PREFIX} "
            f"WHEN {spaced} THEN {WORDS} WHEN {inside} THEN {SUBSTRING} ELSE 4 END AS tier "
            f"FROM search WHERE {every} ORDER BY tier, position LIMIT ?"
        )
        args = [phrase, len(phrase), phrase, *[f" {w}" for w in words], *words, *words, limit]
        return [Match(text_of(key), kind, tier) for key, kind, tier in self._db.execute(sql, args)]


class CatalogIndex:
    """The index file of one catalog: open it when current, build it anew."""

    def __init__(self, path: Path, catalog_file: Path) -> None:
        self.path = path
        self.catalog_file = catalog_file

    def stamp(self, signature: str) -> dict[str, str]:
        return {
            "version": INDEX_VERSION,
            "catalog": signature,
            "fields": ",".join(ROW_FIELDS),
        }

    def open(self, threads: bool = False) -> IndexReader | None:
        """A reader when the index matches the catalog file as it is now; None when it is
        missing, stale, damaged or of another version (read the catalog instead). With
        ``threads`` it may be used from any thread (one at a time): kept open, it reads
        the index as it was opened even after a new one replaces the file."""
        signature = catalog_signature(self.catalog_file)
        if signature is None or not self.path.exists():
            return None
        try:
            connection = sqlite3.connect(
                f"file:{self.path}?mode=ro", uri=True, check_same_thread=not threads
            )
        except INDEX_ERRORS:
            return None
        try:
            meta = dict(connection.execute("SELECT name, value FROM meta"))
            if meta != self.stamp(signature):
                connection.close()
                return None
        except INDEX_ERRORS:
            connection.close()
            return None
        return IndexReader(connection)

    @contextlib.contextmanager
    def reading(self) -> Iterator[IndexReader | None]:
        reader = self.open()
        try:
            yield reader
        finally:
            if reader is not None:
                reader.close()

    def build(self, packed: PackedCatalog, signature: str) -> bool:
        """Write the index of ``packed`` (the catalog file whose signature, taken before
        it was read, is ``signature``). Says whether it was written: an older catalog
        layout, damaged rows, or a cache folder that cannot be written leave no index
        (readers then read the catalog, as without one)."""
        if not packed.current:
            return False
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            clean_stale_temporaries(self.path)
            descriptor, temporary = tempfile.mkstemp(
                prefix=temporary_prefix(self.path), suffix=".tmp", dir=self.path.parent
            )
            os.close(descriptor)
        except OSError:
            return False
        written = False
        try:
            with objects_for_life():  # many objects, no cycles: no collections meanwhile
                written = self._write(temporary, packed, signature)
            if written:
                self._replace(temporary)
        except (OSError, sqlite3.Error, *DAMAGE):
            written = False
        if not written:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
        return written

    def _replace(self, temporary: str) -> None:
        """Put the new index in place. A patch killed mid-transaction leaves its rollback
        journal beside the index, which SQLite would play into whatever file then has
        the index's name: the old index and its journal go first (a reader in between
        finds no index, and reads the catalog)."""
        journal = self.path.with_name(self.path.name + "-journal")
        if journal.exists():
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()
            with contextlib.suppress(FileNotFoundError):
                journal.unlink()
        os.replace(temporary, self.path)

    def _write(self, temporary: str, packed: PackedCatalog, signature: str) -> bool:
        connection = sqlite3.connect(temporary)
        from kino_tui.core.browse.search import fold, ordered
        from kino_tui.core.browse.summary import Summaries

        records: list[Searchable] = []
        groups = GroupRecords()
        summaries = Summaries()
        kinds: set[str] = set()
        try:
            connection.execute("PRAGMA journal_mode = OFF")  # a new file, renamed when whole
            connection.execute("PRAGMA synchronous = OFF")  # fsynced once below
            connection.executescript(_SCHEMA)
            for number, document in enumerate(packed.documents):
                rows = document.stored_rows()
                if rows is None or not document.verified:  # rows to check: no index
                    return False
                connection.execute(
                    "INSERT INTO roots VALUES (?, ?)", (number, blob_of(document.root))
                )
                parts: list[tuple[bytes, bytes]] = []
                connection.executemany(
                    "INSERT INTO items VALUES (?, ?, ?, ?, ?, ?, ?)",
                    _item_rows(rows, document.root, number, records, groups, parts, summaries),
                )
                connection.executemany("INSERT INTO parts VALUES (?, ?)", parts)
                kinds.add(document.kind)
                del rows
            records += groups.records()
            connection.executemany("INSERT INTO kinds VALUES (?)", ((k,) for k in kinds))
            connection.executemany(
                "INSERT INTO groups VALUES (?, ?, ?)",
                (
                    (blob_of(key), summary.kind, dumps(summary.to_row()))
                    for key, summary in summaries.groups.items()
                ),
            )
            connection.executemany(
                "INSERT INTO search VALUES (?, ?, ?, ?, ?)",
                (
                    (
                        position,
                        record.kind,
                        blob_of(record.key),
                        title,
                        f"{title} {fold(record.context)}",
                    )
                    for position, (title, record) in zip(
                        count(0, GAP), ordered(records), strict=False
                    )
                ),
            )
            del records
            connection.executescript(_INDEXES)
            connection.executemany("INSERT INTO meta VALUES (?, ?)", self.stamp(signature).items())
            connection.commit()
        finally:
            connection.close()
        with open(temporary, "rb") as handle:
            os.fsync(handle.fileno())
        return True


class GroupRecords:
    """The shows (with their numbered seasons) and artists (with their albums) met."""

    def __init__(self) -> None:
        self.shows: dict[str, dict[int, None]] = {}
        self.artists: dict[str, dict[str, None]] = {}

    def add(self, kind: str, name: str, sub: int | str | None) -> None:
        if kind == "show":
            seasons = self.shows.setdefault(name, {})
            if isinstance(sub, int):
                seasons[sub] = None
        else:
            self.artists.setdefault(name, {})[str(sub)] = None

    def records(self) -> list[Searchable]:
        from kino_tui.core.browse.records import group_record

        """Each group's search record, keyed as ``LibraryView`` keys them."""
        found = []
        for show, seasons in self.shows.items():
            found.append(group_record(f"show:{show}", "show", show, None))
            for season in seasons:
                found.append(group_record(f"show:{show}:season:{season}", "season", show, season))
        for artist, albums in self.artists.items():
            found.append(group_record(f"artist:{artist}", "artist", artist, None))
            for album in albums:
                found.append(group_record(f"artist:{artist}:album:{album}", "album", artist, album))
        return found


def _item_rows(
    rows: Iterable[list[Any]],
    root: str,
    number: int,
    records: list[Searchable],
    groups: GroupRecords,
    parts: list[tuple[bytes, bytes]],
    summaries: Summaries,
) -> Iterator[tuple[bytes, bytes, str, bytes | None, bytes | None, int, bytes]]:
    """Each stored row as an ``items`` row; its search record, group, summary and parts
    noted."""
    from kino_tui.core.browse.records import group_of, item_record

    for row in rows:
        packed = dumps(row)
        item = item_of_row(row, root)
        summaries.add(item)
        record = item_record(item)
        if record is not None:
            records.append(record)
        group = group_of(item)
        top = below = None
        if group is not None:
            kind, name, below, sub = group
            groups.add(kind, name, sub)
            top = f"{kind}:{name}"
        if item.parts != [item.path]:
            parts += ((blob_of(part), blob_of(item.id)) for part in item.parts)
        yield (
            blob_of(item.id),
            blob_of(item.path),
            item.kind,
            blob_of(top) if top is not None else None,
            blob_of(below) if below is not None else None,
            number,
            packed,
        )
