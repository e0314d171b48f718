"""The catalog read for a limited scan with its rows as bytes (core/catalog/sparse.py): the
same rows as the file read whole, or None where that cannot be done."""

from __future__ import annotations

import os
from pathlib import Path

import orjson
import pytest

from kino_tui.core.catalog import sparse
from kino_tui.core.catalog.splice import rows_under
from kino_tui.core.catalog.storage import TextSlice
from kino_tui.core.catalog.store import Catalog, CatalogData
from kino_tui.core.models import MediaItem

HARD_TITLES = ['a "quoted" title', "back\\slash", "new\nline", "café ☕", 'tab\tand ]"', "x,\\n["]


def tracks(root: str, count: int) -> dict[str, MediaItem]:
    found = {}
    for number in range(count):
        album = f"Artist {number % 3}/Album {number % 5}"
        item = MediaItem(
            id=f"t{number:05d}",
            kind="track" if number % 7 else "episode",
            path=f"{root}/{album}/{number:03d} - {HARD_TITLES[number % len(HARD_TITLES)]}.mp3",
            root=root,
            title=HARD_TITLES[number % len(HARD_TITLES)],
            artist=f"Artist {number % 3}",
            album=f"Album {number % 5}",
            available=number % 11 != 0,
        )
        found[item.id] = item
    return found


def test_the_rows_read_as_bytes_are_the_rows_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "catalog.json"
    items = {**tracks("/music", 3000), **tracks("/other", 40)}
    Catalog(path).save(CatalogData(items, {"/music/Artist 1/Album 2": "key"}))
    monkeypatch.setattr(sparse, "_WINDOW", 4096)  # many pieces, each cut at a row's end
    read = sparse.read_sparse(path)
    whole = Catalog(path).read()
    assert read is not None and read.folders == whole.folders
    assert [(d.root, d.kind) for d in read.documents] == [(d.root, d.kind) for d in whole.documents]
    for mine, theirs in zip(read.documents, whole.documents, strict=True):
        rows = mine.raw["rows"]
        assert isinstance(rows, sparse.RowBytes)
        assert rows.decode("utf-8") == theirs.raw["rows"]
        # written again from the bytes: a few bytes at a time, characters never cut
        pieces = TextSlice(rows, 1, len(rows) - 1).chunks(7)
        assert "".join(pieces) == theirs.raw["rows"][1:-1]
        assert {k: v for k, v in mine.raw.items() if k != "rows"} == {
            k: v for k, v in theirs.raw.items() if k != "rows"
        }
        # an album's rows found in the bytes as in the text
        folder = f"{mine.root}/Artist 1/Album 2"
        assert rows_under(mine, [folder]) == theirs.rows_under([folder])
        sparse.as_text(mine)
        assert [i.to_dict() for i in mine.items()] == [i.to_dict() for i in theirs.items()]


def test_a_catalog_it_cannot_read_so_is_read_as_usual(tmp_path: Path) -> None:
    path = tmp_path / "catalog.json"
    assert sparse.read_sparse(path) is None  # no file
    path.write_bytes(b"")
    assert sparse.read_sparse(path) is None
    items = tracks("/music", 20)
    odd = os.fsdecode(b"/music/Artist 0/caf\xe9.mp3")  # a name that is not UTF-8
    items["odd"] = MediaItem(id="odd", kind="track", path=odd, root="/music")
    Catalog(path).save(CatalogData(items, {}))
    assert Catalog(path).read().items()
    assert sparse.read_sparse(path) is None  # names stored escaped
    Catalog(path).save(CatalogData(tracks("/music", 20), {}))
    assert sparse.read_sparse(path) is not None
    raw = orjson.loads(path.read_bytes())
    document = next(iter(raw["items"].values()))
    document["rows"] = document["rows"].replace("Artist 1", "Artist 9", 1)  # checksum off
    path.write_bytes(orjson.dumps(raw))
    assert sparse.read_sparse(path) is None
