"""A new item of a scan kept as its stored row (:class:`PackedItem`) instead of a
:class:`MediaItem`: at 250,000 tracks the items a first scan held were 600 MB (an item
is about 2.4 KB of Python objects; its row is a fifth of that).

A reader process sends each item as its catalog row (``scan/readers.py``); the scan
keeps the row of every item nothing else needs to look into (not an item seen before,
whose fields are compared; not a movie, video or extra, which extras are linked
between; not one with an NFO, whose watch state is read after the scan) and writes it
into the catalog as it came, with the id and the time it was added that the scan gave
it. Only what the scan decides with is an attribute: the id, kind, path, root and
availability; size, inode, device and fingerprint (a move's evidence) are read from the
row when asked.
"""

from __future__ import annotations

from typing import Any, TypeAlias

from kino_tui.core.catalog.storage import dumps, loads
from kino_tui.core.models import PARTS_INDEX, PATH_INDEX, ROW_FIELDS, MediaItem

_TITLE, _YEAR, _ADDED = (ROW_FIELDS.index(name) for name in ("title", "year", "added"))
_AVAILABLE, _NFO = ROW_FIELDS.index("available"), ROW_FIELDS.index("nfo")
#: Where the row's tail (kept as JSON text) begins: every field after ``added``.
_TAIL = _ADDED + 1
_SIZE, _INODE, _DEVICE, _FINGERPRINT = (
    ROW_FIELDS.index(name) - _TAIL for name in ("size", "inode", "device", "fingerprint")
)


class PackedItem:
    """A scanned item as its catalog row: the fields up to ``added`` as attributes (the
    scan gives it its id and time added), the rest as the JSON text of the row's tail."""

    __slots__ = (
        "_available",
        "_parts",
        "_tail",
        "added",
        "id",
        "kind",
        "path",
        "root",
        "title",
        "year",
    )

    def __init__(self, row: list[Any]) -> None:
        """From a whole row as ``MediaItem.to_row`` gives it (trailing defaults left out)."""
        self.id: str = row[0]
        self.kind: str = row[1]
        self.path: str = row[PATH_INDEX]
        self.root: str = row[3]
        parts = row[PARTS_INDEX]
        self._parts: list[str] | None = None if parts == [self.path] else parts
        length = len(row)
        self.title: str | None = row[_TITLE] if length > _TITLE else None
        self.year: int | None = row[_YEAR] if length > _YEAR else None
        self.added: str | None = row[_ADDED] if length > _ADDED else None
        self._available: bool = row[_AVAILABLE] if length > _AVAILABLE else True
        # as text: orjson's bytes keep the 4 KB it wrote them into, a str is its size
        self._tail = dumps(row[_TAIL:]).decode("utf-8")

    @staticmethod
    def wanted(row: list[Any]) -> bool:
        """Whether a new item's row can be kept packed: not a movie, video or extra (whose
        links the scan sets) and without an NFO (whose watch state is read after it)."""
        return row[1] not in ("movie", "video", "extra") and (len(row) <= _NFO or row[_NFO] is None)

    @property
    def available(self) -> bool:
        """As the row says (a new item's is never changed by the scan: no setter)."""
        return self._available

    @property
    def folder(self) -> str:
        return self.path.rpartition("/")[0] or "/"

    def _field(self, index: int) -> Any:
        tail = loads(self._tail)
        return (
            tail[index]
            if index < len(tail)
            else MediaItem.__dataclass_fields__[ROW_FIELDS[index + _TAIL]].default
        )

    @property
    def size(self) -> int:
        return int(self._field(_SIZE))

    @property
    def inode(self) -> int:
        return int(self._field(_INODE))

    @property
    def device(self) -> int:
        return int(self._field(_DEVICE))

    @property
    def fingerprint(self) -> str | None:
        found: str | None = self._field(_FINGERPRINT)
        return found

    def stored_row(self) -> bytes:
        """The row as the catalog stores it (as ``rows.packed_row`` makes it): no root,
        the path relative to the root, no parts when the only part is the path."""
        prefix = self.root.rstrip("/") + "/"
        path = self.path[len(prefix) :] if self.path.startswith(prefix) else self.path
        head = [self.id, self.kind, path, None, self._parts, self.title, self.year, self.added]
        tail = self._tail
        if tail == "[]":  # trailing defaults left out, as MediaItem.to_row does
            while len(head) > PARTS_INDEX + 1 and head[-1] is None:
                head.pop()
            return dumps(head)
        return dumps(head)[:-1] + b"," + tail[1:].encode("utf-8")

    def item(self) -> MediaItem:
        """The whole item (for the rare caller that needs every field)."""
        row: list[Any] = [
            self.id, self.kind, self.path, self.root,
            [self.path] if self._parts is None else self._parts,
            self.title, self.year, self.added, *loads(self._tail),
        ]  # fmt: skip
        return MediaItem.from_row(row)


#: What a scan holds of an item: the whole item, or its row (see :class:`PackedItem`).
ScanItem: TypeAlias = MediaItem | PackedItem
