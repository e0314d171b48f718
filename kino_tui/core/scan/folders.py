"""A scan limited to some folders (what live updates run when an album changed) costs
what those folders hold, not what the catalog holds: of each document only the rows
under the folders are read (:func:`~kino_tui.core.catalog.splice.runs_under`), and the
document is written again by splicing new rows in their place
(:func:`~kino_tui.core.catalog.splice.splice_document`). Anything that cannot be done
that way exactly (rows to check, another layout, movies, videos and extras, whose links
span folders) takes the whole document, as a whole scan does; rows that do not parse
take it too, which finds them damaged and sets the file aside."""

from __future__ import annotations

from typing import Any

from kino_tui.core.catalog.compact import ScanItem
from kino_tui.core.catalog.index_patch import RowsReplaced
from kino_tui.core.catalog.rows import (
    CHECKSUM,
    PackedCatalog,
    PackedDocument,
    item_of_row,
    numbered,
    packed_again,
    row_groups,
)
from kino_tui.core.catalog.sparse import RowBytes, as_text
from kino_tui.core.catalog.splice import PARSE_ERRORS, Run, runs_under, splice_document
from kino_tui.core.catalog.storage import TextPieces, TextSlice, dumps
from kino_tui.core.catalog.store import Catalog
from kino_tui.core.models import MediaItem
from kino_tui.core.scan.state import ScanState

#: The kinds an extra's link (``extra_of``) depends on (as ``scan/reconcile.py`` says).
_LINK_KINDS = frozenset({"movie", "video", "extra"})


class FolderState(ScanState):
    """A limited scan's :class:`ScanState`: a document holding a scanned folder is
    *opened* under the scanned folders (its runs' items in :attr:`items`, the rest of it
    left as text) instead of taken whole."""

    def __init__(self, packed: PackedCatalog, limits: dict[str, list[str]]) -> None:
        super().__init__(packed)
        #: The scanned folders by root.
        self.limits = limits
        #: The runs of each opened document, by ``id(document)``.
        self.runs: dict[int, list[Run]] = {}
        self._run_ids: dict[int, set[str]] = {}
        #: How many stored rows were made items (a test counts them).
        self.rows_read = 0
        #: What the save changed, when it only replaced rows under the scanned folders
        #: (what the catalog's index can be patched with); None when it wrote more.
        self.replaced: list[RowsReplaced] | None = []

    def open_under(self, document: PackedDocument, folders: list[str]) -> None:
        """Make items of the document's rows under ``folders`` only; the whole document
        when that cannot be done exactly."""
        if self.is_taken(document) or id(document) in self.runs:
            return
        runs: list[Run] | None = None
        items: list[MediaItem] = []
        if self.packed.current and document.kind not in _LINK_KINDS:
            try:
                runs = runs_under(document, folders)
                if runs is not None:
                    items = [item_of_row(row, document.root) for run in runs for row in run.rows]
            except PARSE_ERRORS:
                runs = None  # unpacking it whole finds what is wrong and says so
        if runs is None:
            self.take(document)
            return
        self.rows_read += len(items)
        self.runs[id(document)] = runs
        self._run_ids[id(document)] = {item.id for item in items}
        for item in items:
            self.items[item.id] = item

    def take(self, document: PackedDocument) -> None:
        """The whole document; an opened one keeps its runs' items as the scan left them
        (changed, or removed)."""
        as_text(document)
        ids = self._run_ids.pop(id(document), None)
        if ids is None:
            super().take(document)
            return
        del self.runs[id(document)]
        rest = [item for item in document.items() if item.id not in ids]
        self.rows_read += len(rest) + len(ids)
        self._taken_ids.add(id(document))
        self.taken.append(document)
        for item in rest:
            self.items[item.id] = item

    def id_in_use(self, item_id: str) -> bool:
        """Whether any item of the catalog has this id, without unpacking a document: a
        row starts with its id (``["id","kind",…``), found with ``str.find`` outside
        the runs (whose items are in :attr:`items`). A text found elsewhere only costs
        a new id."""
        if item_id in self.items:
            return True
        if dumps(item_id).decode("utf-8") != f'"{item_id}"':
            return super().id_in_use(item_id)  # escaped in the text: unpack everything
        needle = f'["{item_id}","'
        needle_bytes = needle.encode("utf-8")
        found: str | bytes
        for document in self.packed.documents:
            if self.is_taken(document):
                continue
            text = document.raw.get("rows")
            if isinstance(text, RowBytes):
                found = needle_bytes
            elif isinstance(text, str):
                found = needle
            else:
                self.take(document)
                if item_id in self.items:
                    return True
                continue
            cursor = 0
            for run in self.runs.get(id(document), []):
                if text.find(found, cursor, run.start) >= 0:  # type: ignore[arg-type]
                    return True
                cursor = run.stop
            if text.find(found, cursor) >= 0:  # type: ignore[arg-type]
                return True
        return False


def save_spliced(catalog: Catalog, packed: PackedCatalog, state: FolderState) -> bool:
    """:meth:`Catalog.update` for a limited scan: an opened document is written again by
    splicing its runs' items in place of its runs (a document of the root without
    items there is opened now when new items of its kind came); a taken one, or one
    that cannot be spliced exactly, is packed again whole; the others are kept as
    stored. Writes only when something changed; says whether it wrote."""
    groups = row_groups(state.items.values())
    before: dict[tuple[str, str], dict[str, Any]] = {}
    kept: list[dict[str, Any]] = []
    written: list[dict[str, Any]] = []
    changed = not packed.current or state.folders != packed.folders or not catalog.path.exists()
    for document in packed.documents:
        key = (document.root, document.kind)
        if state.is_taken(document):
            before[key] = document.raw
            continue
        runs = state.runs.get(id(document))
        if runs is None and key in groups and document.root in state.limits:
            state.open_under(document, state.limits[document.root])  # to insert rows
            runs = state.runs.get(id(document))
            groups[key] = _group(state, key)  # (with any rows it read: none, by its index)
        if runs is not None:
            spliced = splice_document(document, runs, groups.pop(key, []))
            if spliced is not None:
                if not spliced.changed:
                    kept.append(writable(document.raw))
                    continue
                changed = True
                if state.replaced is not None:
                    state.replaced.append(
                        RowsReplaced(document.root, document.kind, spliced.folders, spliced.rows)
                    )
                if spliced.count:  # (a document whose items are all gone is left out)
                    written.append(spliced.raw)
                continue
            state.take(document)  # not exactly: the whole document, the runs' items in it
            groups[key] = _group(state, key)
        if state.is_taken(document):
            before[key] = document.raw
        elif key in groups or not packed.current or CHECKSUM not in document.raw:
            as_text(document)
            before[key] = document.raw  # as Catalog.update: packed again with its new items
            merged: list[ScanItem] = [*document.items(), *groups.get(key, ())]
            groups[key] = sorted(merged, key=lambda i: i.path)
        else:
            kept.append(writable(document.raw))
    again, differs = packed_again(groups, before)
    if differs or not packed.current:
        state.replaced = None  # whole documents written: nothing to patch the index with
    written.extend(again)
    changed = changed or differs
    if changed:
        catalog.write_documents(numbered([*kept, *written]), state.folders)
    return changed


def _group(state: ScanState, key: tuple[str, str]) -> list[ScanItem]:
    """The scan's items of one root and kind, in path order."""
    found = [item for item in state.items.values() if (item.root, item.kind) == key]
    return sorted(found, key=lambda item: item.path)


def writable(raw: dict[str, Any]) -> dict[str, Any]:
    """A stored document to write again as it is (rows read as bytes written from them)."""
    rows = raw.get("rows")
    if isinstance(rows, RowBytes):
        return {**raw, "rows": TextPieces([TextSlice(rows, 0, len(rows))])}
    return raw
