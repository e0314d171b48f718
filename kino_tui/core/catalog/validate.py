"""Checking a catalog file as read: its tables, schema, field list, documents and every row's
value types. Anything unexpected is damage (a :class:`_BadShape` with what is wrong).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from operator import itemgetter
from pathlib import Path
from typing import Any

from kino_tui.core.catalog.storage import json_type
from kino_tui.core.errors import (
    DataFileDamaged,
)
from kino_tui.core.models import (
    KINDS,
    ROW_FIELDS,
    TEXT_LIST_FIELDS,
)

RawCatalog = dict[str, dict[str, Any]]
#: What a damaged file raises while it is unpacked.
DAMAGE = (TypeError, KeyError, ValueError, AttributeError, IndexError)
#: The fields of a stored document besides its root, kind and rows.
FOLDERS, COUNTS, UNAVAILABLE = "item_folders", "item_counts", "unavailable"
CHECKSUM = "rows_crc"


class _BadShape(ValueError):
    """Valid JSON, but not what kino writes; the message says what is wrong."""


_NONE: type = type(None)
_TEXT: frozenset[type] = frozenset({str})
_OPTIONAL_TEXT: frozenset[type] = frozenset({str, _NONE})
_OPTIONAL_WHOLE: frozenset[type] = frozenset({int, _NONE})
_NUMBER: frozenset[type] = frozenset({int, float})
_OPTIONAL_NUMBER: frozenset[type] = frozenset({int, float, _NONE})
#: The JSON types each stored item field may hold (exact types: ``true`` is no number).
#: Fields a newer kino may add are not checked; the values in lists are checked below.
_FIELD_TYPES: dict[str, frozenset[type]] = {
    **dict.fromkeys(ROW_FIELDS, _OPTIONAL_TEXT),
    "id": _TEXT,
    "kind": _TEXT,
    "path": _TEXT,
    "parts": frozenset({list, _NONE}),
    "root": _OPTIONAL_TEXT,
    **dict.fromkeys(("size", "inode", "device"), frozenset({int})),
    "mtime": _NUMBER,
    **dict.fromkeys(("available", "embedded_cover"), frozenset({bool})),
    **dict.fromkeys(("duration", "frame_rate", "rating"), _OPTIONAL_NUMBER),
    **dict.fromkeys(
        (
            "year",
            "bitrate",
            "width",
            "height",
            "season",
            "episode",
            "track",
            "disc",
            "runtime",
            "episode_end",
        ),
        _OPTIONAL_WHOLE,
    ),
    **dict.fromkeys(
        ("audio", "subtitles", "segments", "cast", *TEXT_LIST_FIELDS), frozenset({list})
    ),
    **dict.fromkeys(("ids", "ratings"), frozenset({dict})),
}
_TRACK_TYPES: dict[str, tuple[frozenset[type], ...]] = {
    "audio": (_OPTIONAL_TEXT, _OPTIONAL_WHOLE, _OPTIONAL_TEXT, _OPTIONAL_TEXT, frozenset({bool})),
    "subtitles": (
        _OPTIONAL_TEXT,
        _OPTIONAL_TEXT,
        frozenset({bool}),
        frozenset({bool}),
        _OPTIONAL_TEXT,
        _OPTIONAL_TEXT,
        frozenset({bool}),
    ),
    "segments": (_NUMBER, _NUMBER, _TEXT),
    "cast": (_TEXT, _OPTIONAL_TEXT, _OPTIONAL_TEXT),
}
_REQUIRED = ("id", "kind", "path", "root", "parts")
_CONTAINERS = frozenset({"parts", "ids", "ratings", *TEXT_LIST_FIELDS, *_TRACK_TYPES})
_KINDS = frozenset(KINDS)


def damaged(path: Path, error: Exception) -> DataFileDamaged:
    reason = str(error) if isinstance(error, _BadShape) else repr(error)
    return DataFileDamaged(path, reason)


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def check_file(raw: dict[str, Any]) -> None:
    """Raise :class:`_BadShape` unless the file's tables are shaped as kino writes them
    (the documents of ``items`` are checked after migration, see :func:`check_documents`)."""
    for name in ("meta", "items", "folders"):
        table = raw.get(name, {})
        if not isinstance(table, dict):
            raise _BadShape(f'"{name}" is {json_type(table)}, not a table')
        for doc_id, doc in table.items():
            if not isinstance(doc, dict):
                raise _BadShape(f"{name} document {doc_id} is {json_type(doc)}, not an object")
    meta = raw.get("meta", {}).get("1", {})
    schema = meta.get("schema", 0)
    if type(schema) is not int or schema < 0:
        raise _BadShape(f"the schema version is {_shown(schema)}, not a number")
    stored_fields = meta.get("fields")
    if stored_fields is not None:
        if not isinstance(stored_fields, list) or not all(type(f) is str for f in stored_fields):
            raise _BadShape(f"the field list is {_shown(stored_fields)}, not a list of names")
        missing = [name for name in _REQUIRED if name not in stored_fields]
        if missing or len(set(stored_fields)) != len(stored_fields):
            raise _BadShape(f"the field list {_shown(stored_fields)} lacks {missing or 'nothing'}")
    for doc_id, doc in raw.get("folders", {}).items():
        if type(doc.get("path")) is not str or type(doc.get("key")) is not str:
            raise _BadShape(f"folders document {doc_id} is {_shown(doc)}, not a path and a key")


def check_documents(documents: Iterable[dict[str, Any]]) -> None:
    """Raise :class:`_BadShape` unless every (migrated) items document has a root, a kind,
    rows, and an index of the right types (the rows themselves are checked on unpacking)."""
    for doc in documents:
        root, kind = doc.get("root"), doc.get("kind")
        if type(root) is not str or not root.startswith("/"):
            raise _BadShape(f"an items document's root is {_shown(root)}, not a folder")
        if kind not in _KINDS:
            raise _BadShape(f"the items of {root} have the kind {_shown(kind)}")
        if not isinstance(doc.get("rows"), str | list):
            raise _BadShape(f"the {kind} rows of {root} are {json_type(doc.get('rows'))}")
        counts = doc.get(COUNTS)
        if type(doc.get(FOLDERS)) is str and (  # another index (or none) is rebuilt
            type(counts) is not list or not set(map(type, counts)) <= {int}
        ):
            raise _BadShape(f"the folder index of the {kind} items of {root} is damaged")


def check_rows(rows: Any, stored_fields: list[str], where: str) -> None:
    """Raise :class:`_BadShape` unless ``rows`` are lists of values of the right types
    (without a Python loop over the rows: one would cost a third of the load)."""
    if type(rows) is not list:
        raise _BadShape(f"the {where} are {json_type(rows)}, not a list of rows")
    if not rows:
        return
    if not set(map(type, rows)) <= {list}:
        bad = next(row for row in rows if type(row) is not list)
        raise _BadShape(f"a row of the {where} is {_shown(bad)}")
    shortest = 1 + max(stored_fields.index(name) for name in _REQUIRED)
    # the types of each row's values: a catalog has few distinct such signatures, so
    # they are checked field by field, and the rows are walked only by C loops
    for signature in set(map(tuple, map(map, itertools.repeat(type), rows))):
        if not shortest <= len(signature) <= len(stored_fields):
            raise _BadShape(f"a row of the {where} has {len(signature)} values")
        for index, (name, kind) in enumerate(zip(stored_fields, signature, strict=False)):
            allowed = _FIELD_TYPES.get(name)  # None: a field of a newer kino
            if allowed is not None and kind not in allowed:
                number, row = next(
                    (n, r) for n, r in enumerate(rows) if len(r) > index and type(r[index]) is kind
                )
                shown = _shown(row[index])
                raise _BadShape(f"row {number + 1} of the {where}: {name} is {shown}")
    kinds = set(map(itemgetter(stored_fields.index("kind")), rows))
    if not kinds <= _KINDS:
        raise _BadShape(f"the {where} have the kind {_shown(sorted(kinds - _KINDS))}")
    if "" in map(itemgetter(stored_fields.index("path")), rows):
        raise _BadShape(f"an item of the {where} has an empty path")
    for index, name in enumerate(stored_fields):
        if name not in _CONTAINERS:
            continue
        # the non-empty lists (or objects) stored in this field, in the rows that have it
        values = filter(
            None, itertools.chain.from_iterable(map(itemgetter(slice(index, index + 1)), rows))
        )
        if name == "parts" or name in TEXT_LIST_FIELDS:
            inner = set(map(type, itertools.chain.from_iterable(values)))
            if not inner <= {str}:
                raise _BadShape(f"the {name} of the {where} hold {_shown(inner)}")
        elif name == "ids":
            if not set(map(type, itertools.chain.from_iterable(map(dict.values, values)))) <= {str}:
                raise _BadShape(f"the ids of the {where} are not all text")
        elif name == "ratings":
            inner = set(map(type, itertools.chain.from_iterable(map(dict.values, values))))
            if not inner <= _NUMBER:
                raise _BadShape(f"the ratings of the {where} are not all numbers")
        else:
            tracks = list(itertools.chain.from_iterable(values))
            _check_tracks(tracks, _TRACK_TYPES[name], f"{name} of the {where}")


def _check_tracks(tracks: list[Any], types: tuple[frozenset[type], ...], where: str) -> None:
    """The streams stored in ``audio`` or ``subtitles``: lists of values of these types."""
    if not tracks:
        return
    if not set(map(type, tracks)) <= {list}:
        raise _BadShape(f"the {where} are not lists")
    for signature in set(map(tuple, map(map, itertools.repeat(type), tracks))):
        if len(signature) > len(types) or any(
            kind not in allowed for kind, allowed in zip(signature, types, strict=False)
        ):
            shown = _shown([t.__name__ for t in signature])
            raise _BadShape(f"the {where} hold values of the types {shown}")
