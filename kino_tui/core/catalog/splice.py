"""A document's rows under some folders read alone, and the document written again with
only those rows replaced (a limited scan: what live updates run when an album changed).

Rows are stored one a line in path order (``rows.items_document``), so the rows under a
folder are one run of lines, found by a binary search over the lines (a few rows parsed,
not 250,000) and replaced in the text by splicing: the text before the run, the new
rows, the text after (kept as :class:`~kino_tui.core.catalog.storage.TextSlice`, never
copied). The folder index is spliced the same way: a document's folders are listed in
the order their first item comes, so the folders under a scanned one are one run of it.
The result is the document a whole scan writes for the same items, byte for byte.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson

from kino_tui.core.catalog.compact import PackedItem, ScanItem
from kino_tui.core.catalog.rows import PackedDocument, packed_row
from kino_tui.core.catalog.sparse import RowBytes, as_text
from kino_tui.core.catalog.storage import TextPieces, TextSlice, dumps
from kino_tui.core.catalog.validate import CHECKSUM, COUNTS, FOLDERS, UNAVAILABLE
from kino_tui.core.display import is_utf8
from kino_tui.core.models import PATH_INDEX, ROW_FIELDS
from kino_tui.core.pathnames import is_under

#: How a name that is not UTF-8 starts in the rows' text (see ``storage.dumps``).
_RAW_MARK = "\\u0000fsb64:"
_AVAILABLE = ROW_FIELDS.index("available")
#: A document's rows: text, or UTF-8 bytes read by ``sparse.read_sparse``.
Text = str | RowBytes
#: What a row parse can raise on rows that are not what kino writes.
PARSE_ERRORS = (ValueError, TypeError, IndexError, AttributeError, KeyError)


@dataclass(slots=True)
class Run:
    """The rows of a document under one folder: ``text[start:stop]`` (no separator
    before or after); when there are none, ``start == stop`` is where they would go."""

    folder: str  # absolute
    prefix: str  # the folder relative to the root, with a slash at its end
    start: int
    stop: int
    rows: list[list[Any]] = field(default_factory=list)
    unavailable: int = 0

    def holds(self, path: str) -> bool:
        return is_under(path, self.folder)


def runs_under(document: PackedDocument, folders: Sequence[str]) -> list[Run] | None:
    """The runs of ``document``'s rows under each of ``folders`` (absolute, below its
    root, none below another), in text order; their rows as stored (relative paths).
    None when the rows cannot be read this way (another layout, rows on one line, rows
    to check first, names stored escaped, a folder that is the root): read them whole.
    Rows that do not parse raise one of :data:`PARSE_ERRORS`."""
    text = document.raw.get("rows")
    root = document.root.rstrip("/") + "/"
    newline: str | bytes
    brackets: tuple[str, str] | tuple[bytes, bytes]
    if isinstance(text, RowBytes):  # read as bytes, checked then (see sparse.py)
        newline, brackets = b"\n", (b"[", b"]")
    elif (
        not isinstance(text, str)
        or document.stored_rows() is None
        or not document.verified
        or _RAW_MARK in text
    ):
        return None
    else:
        newline, brackets = "\n", ("[", "]")
    if len(text) < 2 or (text[:1], text[-1:]) != brackets:
        return None
    if len(text) > 2 and text.find(newline) < 0:  # type: ignore[arg-type]
        return None  # one row, or rows written on one line (an older layout): whole
    runs: list[Run] = []
    for folder in folders:
        folder = folder.rstrip("/")
        if not folder.startswith(root) or not is_utf8(folder):
            return None
        prefix = folder[len(root) :] + "/"
        start = _first_at_or_after(text, prefix)
        run = Run(folder, prefix, start, start)
        position, end = start, len(text) - 1
        while position < end:
            row, stop = _row_at(text, position)
            if not row[PATH_INDEX].startswith(prefix):
                break
            run.rows.append(row)
            run.stop = stop
            if len(row) > _AVAILABLE and row[_AVAILABLE] is False:
                run.unavailable += 1
            position = stop + 2  # past the comma and the newline
        runs.append(run)
    runs.sort(key=lambda run: (run.start, run.prefix))
    return runs


def rows_under(document: PackedDocument, folders: Sequence[str]) -> list[list[Any]] | None:
    """:meth:`PackedDocument.rows_under` for rows read as text or as bytes (see
    ``sparse.py``): the stored rows of the items in ``folders`` or below them; None when
    they cannot be read alone (rows read as bytes are then made text: read them whole)."""
    if not isinstance(document.raw.get("rows"), RowBytes):
        return document.rows_under(folders)
    tops: list[str] = []
    for folder in sorted((f.rstrip("/") for f in folders), key=len):
        if not any(is_under(folder, top) for top in tops):
            tops.append(folder)
    try:
        runs = runs_under(document, tops)
    except PARSE_ERRORS:
        runs = None
    if runs is None:
        as_text(document)
        return None
    return [row for run in runs for row in run.rows]


def _row_at(text: Text, start: int) -> tuple[list[Any], int]:
    """The row whose line starts at ``start``, and where it stops (before its comma, or
    before the closing bracket of the last row)."""
    newline = text.find("\n" if isinstance(text, str) else b"\n", start)  # type: ignore[arg-type]
    stop = (len(text) if newline < 0 else newline) - 1
    row = orjson.loads(text[start:stop])
    if not isinstance(row, list) or not isinstance(row[PATH_INDEX], str):
        raise ValueError(f"a row that is not a list with a path at {start}")
    return row, stop


def _first_at_or_after(text: Text, prefix: str) -> int:
    """Where the first row whose path is ``prefix`` or after it starts (the closing
    bracket when there is none): a binary search over the lines."""
    low, high = 1, len(text) - 1
    while low < high:
        middle = (low + high) // 2
        newline = "\n" if isinstance(text, str) else b"\n"
        line = max(text.rfind(newline, 0, middle) + 1, 1)  # type: ignore[arg-type]
        row, stop = _row_at(text, line)
        if row[PATH_INDEX] < prefix:
            low = min(stop + 2, len(text) - 1)
        else:
            high = line
    return low


def row_text(item: ScanItem) -> str:
    """An item's row as the catalog stores it."""
    stored = item.stored_row() if isinstance(item, PackedItem) else dumps(packed_row(item))
    return stored.decode("utf-8")


@dataclass(slots=True)
class Spliced:
    """A document written again by :func:`splice_document`; ``changed`` is False when
    it is the stored one (nothing to write)."""

    raw: dict[str, Any]
    changed: bool
    count: int
    #: The folders whose rows were replaced, and the rows now under them (as stored).
    folders: tuple[str, ...] = ()
    rows: tuple[str, ...] = ()


def splice_document(
    document: PackedDocument, runs: Sequence[Run], items: Iterable[ScanItem]
) -> Spliced | None:
    """``document`` with its ``runs`` replaced by ``items`` (every one of them under a
    run's folder); None when that cannot be done exactly (an item under none of them,
    or a folder index whose order a new folder's place in it cannot be told from)."""
    text: Text = document.raw["rows"]
    by_run: list[list[ScanItem]] = [[] for _ in runs]
    for item in sorted(items, key=lambda i: i.path):
        number = next((n for n, run in enumerate(runs) if run.holds(item.path)), None)
        if number is None or item.root != document.root or item.kind != document.kind:
            return None
        by_run[number].append(item)
    row_texts = [[row_text(item) for item in group] for group in by_run]
    new_texts = [",\n".join(texts) for texts in row_texts]
    compared = new_texts if isinstance(text, str) else [new.encode() for new in new_texts]
    if all(text[run.start : run.stop] == new for run, new in zip(runs, compared, strict=True)):
        return Spliced(document.raw, False, 0)
    folders = _spliced_folders(document, runs, by_run)
    if folders is None:
        return None
    # the rows: what is kept between the runs (slices of the stored text), and the new
    # rows, one a line
    parts: list[str | TextSlice] = []
    cursor, end = 1, len(text) - 1
    for run, new in zip(runs, new_texts, strict=True):
        before = run.start if run.start == end else run.start - 2  # without ",\n"
        if before > cursor:
            parts.append(TextSlice(text, cursor, before))
        if new:
            parts.append(new)
        cursor = run.stop + 2 if run.rows else run.start
    if end > cursor:
        parts.append(TextSlice(text, cursor, end))
    pieces: list[str | TextSlice] = ["["]
    for number, part in enumerate(parts):
        if number:
            pieces.append(",\n")
        pieces.append(part)
    pieces.append("]")
    checksum = 0
    for piece in pieces:
        if isinstance(piece, TextSlice) and not isinstance(piece.text, str):
            checksum = zlib.crc32(memoryview(piece.text)[piece.start : piece.stop], checksum)
            continue
        for chunk in piece.chunks() if isinstance(piece, TextSlice) else (piece,):
            checksum = zlib.crc32(chunk.encode("utf-8", "surrogatepass"), checksum)
    names, counts = folders
    unavailable = int(document.raw.get(UNAVAILABLE) or 0) - sum(r.unavailable for r in runs)
    unavailable += sum(1 for group in by_run for item in group if not item.available)
    raw: dict[str, Any] = {
        "root": document.root,
        "kind": document.kind,
        "rows": TextPieces(pieces),
        CHECKSUM: checksum,
        FOLDERS: "\0".join(names),
        COUNTS: counts,
        UNAVAILABLE: unavailable,
    }
    folders_replaced = tuple(run.folder for run in runs)
    rows = tuple(text for texts in row_texts for text in texts)
    return Spliced(raw, True, sum(counts), folders_replaced, rows)


def _spliced_folders(
    document: PackedDocument, runs: Sequence[Run], by_run: Sequence[Sequence[ScanItem]]
) -> tuple[list[str], list[int]] | None:
    """The document's folder index with each run's folders replaced by those of its new
    items (in the order of their first item, as ``rows.items_document`` lists them)."""
    blocks: list[dict[str, int]] = []
    for group in by_run:
        block: dict[str, int] = {}
        for item in group:
            block[item.folder] = block.get(item.folder, 0) + 1
        blocks.append(block)
    stored = document.folders()
    placed = [False] * len(runs)
    names: list[str] = []
    counts: list[int] = []

    def place(number: int) -> None:
        placed[number] = True
        names.extend(blocks[number])
        counts.extend(blocks[number].values())

    for folder, count in stored.items():
        under = next((n for n, run in enumerate(runs) if is_under(folder, run.folder)), None)
        if under is not None:  # the run's old folders: its new ones in their place
            if not placed[under]:
                place(under)
            continue
        for number, run in enumerate(runs):
            if placed[number] or run.rows:  # (a run with rows is placed where they were)
                continue
            if is_under(run.folder, folder):
                if blocks[number]:  # its first item may come before this folder's or
                    return None  # after: only its rows would tell
                continue
            if folder + "/" > run.folder + "/":  # this folder's items come after the run's
                place(number)
        names.append(folder)
        counts.append(count)
    for number in range(len(runs)):
        if not placed[number]:
            place(number)
    return names, counts
