"""One import run: read the source, match, merge, and write it all at once (or nothing).

Before writing, the records the run changes are kept as they were in
``import-undo.json`` (data folder); ``kino import --undo`` puts them back, except on items
played since (those keep their new plays, and the undo says how many). The write goes
through the watch store's ``restore_many``, one locked write for the whole run, so it
works the same with any store behind that interface.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kino_tui.core.errors import ImportFailed
from kino_tui.core.fsutil import atomic_write_bytes
from kino_tui.core.models import MediaItem, Progress
from kino_tui.core.watch.store import now_iso
from kino_tui.service.importers.matching import Matcher, merged
from kino_tui.service.importers.records import ImportedRecord, Importer

if TYPE_CHECKING:
    from kino_tui.service.library import Library

UNDO_FILE = "import-undo.json"
UNDO_VERSION = 1


@dataclass(slots=True)
class Change:
    """One item a run changes: its record before (None: it had none) and after."""

    item: MediaItem
    before: Progress | None
    after: Progress


@dataclass(slots=True)
class ImportReport:
    """What a run did (or, with ``dry_run``, would do)."""

    source: str
    dry_run: bool = False
    changes: list[Change] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    skipped: int = 0  # matched, but kino's record is newer or already the same

    @property
    def matched(self) -> int:
        return len(self.changes) + self.skipped


@dataclass(slots=True)
class UndoReport:
    source: str
    restored: int = 0
    kept: int = 0  # played again since the import: left as they are now


def run_import(library: Library, importer: Importer, dry_run: bool = False) -> ImportReport:
    """Import ``importer``'s records into the library's watch state, all or nothing."""
    data, _warnings = library.load()
    items = list(data.items.values())
    records = importer.read(items)  # raises ImportFailed before anything is written
    matcher = Matcher(items)
    matched = [(record, matcher.match(record)) for record in records]
    # read after the source (a server can take a while) and just before the write, so a
    # play saved meanwhile is merged, not overwritten
    current = library.watch.all()
    report = _plan(importer.name, dry_run, matched, current)
    if dry_run or not report.changes:
        return report
    path = undo_path(library)
    try:
        earlier = path.read_bytes()  # the undo of the import before, kept if this one fails
    except OSError:
        earlier = None
    _write_undo(library, report)
    try:
        library.watch.restore_many(
            [change.item for change in report.changes],
            {change.item.id: change.after for change in report.changes},
        )
    except BaseException:
        if earlier is None:
            path.unlink(missing_ok=True)
        else:
            atomic_write_bytes(path, earlier)
        raise
    return report


def _plan(
    source: str,
    dry_run: bool,
    matched: list[tuple[ImportedRecord, MediaItem | None]],
    current: dict[str, Progress],
) -> ImportReport:
    """What importing the matched records over ``current`` changes."""
    report = ImportReport(source, dry_run)
    planned: dict[str, Change] = {}
    for record, item in matched:
        if item is None:
            report.unmatched.append(record.source)
            continue
        known = planned.get(item.id)
        now = known.after if known else current.get(item.id)
        after = merged(now, record.progress(item))
        if after is None:
            report.skipped += 1
            continue
        if known:
            known.after = after
            report.skipped += 1  # the same item twice in the source: one change
        else:
            planned[item.id] = Change(item, current.get(item.id), after)
    report.changes = list(planned.values())
    return report


def undo_path(library: Library) -> Path:
    return library.paths.data_dir / UNDO_FILE


def _progress_dict(progress: Progress | None) -> dict[str, Any] | None:
    return asdict(progress) if progress is not None else None


def _write_undo(library: Library, report: ImportReport) -> None:
    document = {
        "version": UNDO_VERSION,
        "source": report.source,
        "imported_at": now_iso(),
        "records": [
            {
                "id": change.item.id,
                "path": change.item.path,
                "size": change.item.size,
                "before": _progress_dict(change.before),
                "after": _progress_dict(change.after),
            }
            for change in report.changes
        ],
    }
    path = undo_path(library)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, json.dumps(document, indent=1).encode())


def undo_import(library: Library) -> UndoReport:
    """Put back the records the last import changed (not those played since)."""
    path = undo_path(library)
    try:
        document = json.loads(path.read_bytes())
    except FileNotFoundError:
        raise ImportFailed("nothing to undo: no import was made (or it was undone)") from None
    except (OSError, ValueError) as error:
        raise ImportFailed(f"cannot read {path}: {error}") from None
    try:
        if document.get("version") != UNDO_VERSION:
            raise ImportFailed(
                f"{path} was written by another kino (version {document.get('version')!r})"
            )
        entries = [
            (
                MediaItem(
                    id=str(r["id"]), kind="video", path=str(r["path"]), root="", size=int(r["size"])
                ),
                None if r["before"] is None else Progress(**r["before"]),
                Progress(**r["after"]),
            )
            for r in document["records"]
        ]
        source = str(document.get("source", "?"))
    except (AttributeError, KeyError, TypeError, ValueError) as error:
        raise ImportFailed(f"{path} is damaged ({error}); it was left as it is") from None
    current = library.watch.all()
    report = UndoReport(source)
    restore: dict[str, Progress | None] = {}
    items = []
    for item, before, after in entries:
        if current.get(item.id) != after:
            report.kept += 1  # played or marked since: the newer state stays
            continue
        restore[item.id] = before
        items.append(item)
    library.watch.restore_many(items, restore)
    report.restored = len(items)
    path.unlink(missing_ok=True)
    return report
