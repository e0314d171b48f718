"""The catalog's index patched in place after a limited scan (what live updates run when
one album changed), instead of built again from the whole catalog: at 250,000 items a
build takes seconds, which the next ``kino search`` or the next start of the browser
paid after every live update.

A patch is made only when it gives what a build from the new catalog gives:

- the scan replaced rows under its folders and wrote nothing else
  (:class:`RowsReplaced`, from ``scan/folders.save_spliced``);
- the index was current for the catalog file the scan read: its signature was taken
  holding the catalog's lock before reading it, and the index still carries it
  (:class:`CatalogChange`).

The items under those folders are replaced, with their parts and search records; each
show or artist they belong to gets its summary and its group records (seasons, albums)
made again from its items; a new search record goes between the two records it sorts
between (positions are built :data:`GAP` apart). The one difference from a build is the
order of the items' rows on disk, which nothing reads: groups are read in catalog order
(document, then path).

It is one SQLite transaction with a rollback journal: a kill at any moment leaves the
index as it was (stale for the new catalog, so ignored and built again by its next
reader) or patched. Anything unexpected gives up the same way.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kino_tui.core.catalog.index import (
    GAP,
    INDEX_ERRORS,
    ROW_SQL,
    CatalogIndex,
    GroupRecords,
    blob_of,
    chunked,
    text_of,
)
from kino_tui.core.catalog.rows import item_of_row
from kino_tui.core.catalog.storage import dumps, loads

if TYPE_CHECKING:
    from kino_tui.core.browse.search import Searchable
    from kino_tui.core.models import MediaItem


@dataclass(frozen=True, slots=True)
class RowsReplaced:
    """The rows of one catalog document (a root's items of one kind) under ``folders``,
    as a limited scan wrote them: ``rows``, each as stored (paths relative to the root)."""

    root: str
    kind: str
    folders: tuple[str, ...]
    rows: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CatalogChange:
    """What a limited scan did to the catalog file: its signature before (as read) and
    after (as written), and the rows it replaced."""

    before: str
    after: str
    replaced: tuple[RowsReplaced, ...]


class _NotPatchable(Exception):
    """The index cannot be patched to what a build gives: build it instead."""


def patch_index(index: CatalogIndex, change: CatalogChange) -> bool:
    """Patch ``index`` with ``change`` (see the module); says whether it was. When it was
    not, the index is left as it was: stale, to be built again by its next reader."""
    if not index.path.exists():
        return False
    try:
        db = sqlite3.connect(
            f"file:{index.path}?mode=rw", uri=True, timeout=2.0, isolation_level=None
        )
    except INDEX_ERRORS:
        return False
    try:
        db.execute("BEGIN IMMEDIATE")  # one writer; readers see the index before or after
        if dict(db.execute("SELECT name, value FROM meta")) != index.stamp(change.before):
            db.execute("ROLLBACK")
            return False
        _Patch(db).apply(change.replaced)
        db.executemany(
            "UPDATE meta SET value = ? WHERE name = ?",
            [(value, name) for name, value in index.stamp(change.after).items()],
        )
        db.execute("COMMIT")
        return True
    except (*INDEX_ERRORS, _NotPatchable, OSError):
        with contextlib.suppress(sqlite3.Error):
            if db.in_transaction:
                db.execute("ROLLBACK")
        return False
    finally:
        db.close()


class _Patch:
    """One patch of one open index, in its transaction."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def apply(self, replaced: Iterable[RowsReplaced]) -> None:
        from kino_tui.core.browse.records import group_of, item_record

        gone: list[bytes] = []  # the ids of the items replaced
        tops: dict[bytes, set[bytes]] = {}  # each show or artist touched: its groups before
        rows: list[tuple[bytes, bytes, str, bytes | None, bytes | None, int, bytes]] = []
        parts: list[tuple[bytes, bytes]] = []
        items: list[MediaItem] = []
        kinds: set[str] = set()
        for change in replaced:
            number = self._document(change.root, change.kind)
            kinds.add(change.kind)
            for folder in change.folders:
                low = blob_of(folder.rstrip("/") + "/")
                for item_id, top in self.db.execute(
                    "SELECT id, grp FROM items WHERE path >= ? AND path < ? AND kind = ? "
                    "AND root = ?",
                    (low, low + b"\xff", change.kind, number),
                ):
                    gone.append(item_id)
                    if top is not None:
                        tops.setdefault(top, set())
            for text in change.rows:
                row = loads(text.encode("utf-8", "surrogatepass"))
                stored = dumps(row)  # (making the item makes the row's paths absolute)
                item = item_of_row(row, change.root)
                if item.kind != change.kind:
                    raise _NotPatchable(item.path)
                group = group_of(item)
                top = below = None
                if group is not None:
                    top = blob_of(f"{group[0]}:{group[1]}")
                    below = blob_of(group[2]) if group[2] is not None else None
                    tops.setdefault(top, set())
                if item.parts != [item.path]:
                    parts += ((blob_of(part), blob_of(item.id)) for part in item.parts)
                rows.append(
                    (blob_of(item.id), blob_of(item.path), item.kind, top, below, number, stored)
                )
                items.append(item)
        for top, keys in tops.items():  # the groups each show or artist had
            if self.db.execute("SELECT 1 FROM items WHERE grp = ? LIMIT 1", (top,)).fetchone():
                keys.add(top)
            keys.update(sub for (sub,) in self.db.execute(
                "SELECT DISTINCT sub FROM items WHERE grp = ? AND sub IS NOT NULL", (top,)
            ))  # fmt: skip

        self._forget(gone)
        self.db.executemany("INSERT INTO items VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        self.db.executemany("INSERT INTO parts VALUES (?, ?)", parts)
        for kind in kinds:
            if self.db.execute("SELECT 1 FROM items WHERE kind = ? LIMIT 1", (kind,)).fetchone():
                self.db.execute("INSERT OR IGNORE INTO kinds VALUES (?)", (kind,))
            else:
                self.db.execute("DELETE FROM kinds WHERE kind = ?", (kind,))
        for item in items:
            record = item_record(item)
            if record is not None:
                self._insert_record(record)
        for top, before in tops.items():
            self._regroup(top, before)

    def _document(self, root: str, kind: str) -> int:
        """The number the index gives the document of ``root``'s items of ``kind``."""
        numbers = [n for (n,) in self.db.execute(
            "SELECT number FROM roots WHERE root = ?", (blob_of(root),)
        )]  # fmt: skip
        for number in numbers:
            found = self.db.execute(
                "SELECT 1 FROM items WHERE root = ? AND kind = ? LIMIT 1", (number, kind)
            ).fetchone()
            if found is not None:
                return number
        raise _NotPatchable(f"no document of {kind} in {root}")  # a new one: where is it?

    def _forget(self, ids: list[bytes]) -> None:
        """Remove these items, their parts and their search records."""
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS gone (key BLOB PRIMARY KEY)")
        self.db.execute("DELETE FROM gone")
        self.db.executemany("INSERT OR IGNORE INTO gone VALUES (?)", ((i,) for i in ids))
        for chunk in chunked(ids):
            marks = ",".join("?" * len(chunk))
            self.db.execute(f"DELETE FROM items WHERE id IN ({marks})", chunk)
        self.db.execute("DELETE FROM parts WHERE id IN (SELECT key FROM gone)")
        self.db.execute("DELETE FROM search WHERE key IN (SELECT key FROM gone)")

    def _regroup(self, top: bytes, before: set[bytes]) -> None:
        """A show's or an artist's summary and group records, from its items now."""
        from kino_tui.core.browse.records import group_of
        from kino_tui.core.browse.summary import Summaries

        members = [
            item_of_row(loads(row), text_of(root))
            for row, root in self.db.execute(
                f"{ROW_SQL} WHERE items.grp = ? ORDER BY items.root, items.path", (top,)
            )
        ]
        key = text_of(top)
        groups = GroupRecords()
        summaries = Summaries()
        for item in members:
            summaries.add(item)
            group = group_of(item)
            if group is not None:
                groups.add(group[0], group[1], group[3])
        summary = summaries.groups.get(key)
        if summary is None:
            self.db.execute("DELETE FROM groups WHERE key = ?", (top,))
        else:
            self.db.execute(
                "INSERT OR REPLACE INTO groups VALUES (?, ?, ?)",
                (top, summary.kind, dumps(summary.to_row())),
            )
        records = {blob_of(record.key): record for record in groups.records()}
        for chunk in chunked(sorted(before - records.keys())):
            marks = ",".join("?" * len(chunk))
            self.db.execute(f"DELETE FROM search WHERE key IN ({marks})", chunk)
        for record_key in records.keys() - before:
            self._insert_record(records[record_key])

    def _insert_record(self, record: Searchable) -> None:
        from kino_tui.core.browse.search import fold, order_key

        title = fold(record.title)
        position = self._position_for(order_key(record, title))
        line = f"{title} {fold(record.context)}"
        self.db.execute(
            "INSERT INTO search VALUES (?, ?, ?, ?, ?)",
            (position, record.kind, blob_of(record.key), title, line),
        )

    def _position_for(self, key: tuple[Any, ...]) -> int:
        """A free position between the last record that sorts before ``key`` and the
        first that sorts after it (a binary search over the positions)."""
        # (one aggregate a statement: min and max together scan the whole table)
        (low,) = self.db.execute("SELECT min(position) FROM search").fetchone()
        (high,) = self.db.execute("SELECT max(position) FROM search").fetchone()
        if low is None:
            return 0
        high += 1
        while low < high:  # the least position whose next record sorts after ``key``
            middle = (low + high) // 2
            found = self._record_from(middle)
            if found is None or found[1] > key:
                high = middle
            else:
                low = middle + 1
        after = self._record_from(low)
        limit = after[0] if after is not None else low
        (before,) = self.db.execute(
            "SELECT max(position) FROM search WHERE position < ?", (limit,)
        ).fetchone()
        if after is None:
            return int(before) + GAP if before is not None else 0
        if before is None:
            return int(after[0]) - GAP
        if after[0] - before < 2:
            raise _NotPatchable("no room between two search records")
        return int(before + after[0]) // 2

    def _record_from(self, position: int) -> tuple[int, tuple[Any, ...]] | None:
        """The first search record at or after ``position``: its position and order key."""
        from kino_tui.core.browse.records import GROUP_KINDS, item_record
        from kino_tui.core.browse.search import Searchable, order_key

        found = self.db.execute(
            "SELECT position, kind, key, title FROM search WHERE position >= ? "
            "ORDER BY position LIMIT 1",
            (position,),
        ).fetchone()
        if found is None:
            return None
        at, kind, key, title = found
        if kind in GROUP_KINDS:  # a group's order is its title's
            return int(at), order_key(Searchable(kind, text_of(key), title), title)
        # an item's order may come from its other fields: its record made again
        row = self.db.execute(f"{ROW_SQL} WHERE items.id = ?", (key,)).fetchone()
        if row is None:
            raise _NotPatchable(f"a search record without its item: {text_of(key)}")
        record = item_record(item_of_row(loads(row[0]), text_of(row[1])))
        if record is None:
            raise _NotPatchable(f"a search record of an extra: {text_of(key)}")
        return int(at), order_key(record, title)
