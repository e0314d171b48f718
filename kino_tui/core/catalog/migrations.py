"""Catalogs in older layouts (schemas 0-2) brought to the current one on load."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from kino_tui.core.catalog.rows import packed_row, row_groups, rows_document
from kino_tui.core.catalog.validate import CHECKSUM, RawCatalog
from kino_tui.core.errors import (
    CatalogTooNew,
)
from kino_tui.core.models import (
    ROW_FIELDS,
    MediaItem,
)

SCHEMA_VERSION = 3


def _from_documents(raw: RawCatalog) -> RawCatalog:
    """Version 0 kept one TinyDB document per item; pack them into rows per root."""
    items = [MediaItem.from_dict(doc) for doc in raw.get("items", {}).values()]
    documents = {
        str(number): {"root": root, "rows": [packed_row(item) for item in group]}
        for number, ((root, _), group) in enumerate(sorted(row_groups(items).items()), start=1)
    }
    return {**raw, "items": documents, "meta": {"1": {"schema": 0, "fields": list(ROW_FIELDS)}}}


def _relative_rows(raw: RawCatalog) -> RawCatalog:
    """Version 2 stores paths relative to their root and drops trailing default values;
    version 1 rows (absolute paths, every value) still read as they are."""
    return raw


def _rows_as_text(raw: RawCatalog) -> RawCatalog:
    """Version 3 splits each root's rows by kind and keeps them as JSON text."""
    kind_index = raw["meta"]["1"].get("fields", ROW_FIELDS).index("kind")
    documents: dict[str, dict[str, Any]] = {}
    for doc in raw.get("items", {}).values():
        by_kind: dict[str, list[list[Any]]] = {}
        for row in doc["rows"]:
            by_kind.setdefault(row[kind_index], []).append(row)
        for kind, rows in sorted(by_kind.items()):
            migrated = rows_document(doc["root"], kind, rows)
            del migrated[CHECKSUM]  # not written by this kino: its rows are checked
            documents[str(len(documents) + 1)] = migrated
    return {**raw, "items": documents}


#: Migrations from each old schema version to the next one.
MIGRATIONS: dict[int, Callable[[RawCatalog], RawCatalog]] = {
    0: _from_documents,
    1: _relative_rows,
    2: _rows_as_text,
}


def migrate(raw: RawCatalog, path: Path) -> RawCatalog:
    """Bring a stored catalog up to :data:`SCHEMA_VERSION`."""
    meta = raw.get("meta", {}).get("1", {})
    version = int(meta.get("schema", 0))
    if version > SCHEMA_VERSION:
        raise CatalogTooNew(
            f"{path} was written by a newer kino (schema {version}, this kino knows "
            f"{SCHEMA_VERSION}); upgrade kino to use it"
        )
    while version < SCHEMA_VERSION:
        raw = MIGRATIONS[version](raw)
        version += 1
    meta = raw.setdefault("meta", {}).setdefault("1", {})
    meta["schema"] = SCHEMA_VERSION
    meta.setdefault("fields", list(ROW_FIELDS))  # rows keep the field order they were written in
    return raw
