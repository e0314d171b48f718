"""New items a scan keeps as rows (core/catalog/compact.py), rows written one a line and
read a piece at a time (core/catalog/rows.py), and the readers' row transport."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kino_tui.core.catalog import rows as catalog_rows
from kino_tui.core.catalog.compact import PackedItem
from kino_tui.core.catalog.rows import (
    PackedCatalog,
    _checksum,
    items_document,
    packed_row,
    row_chunks,
)
from kino_tui.core.catalog.storage import dumps, dumps_pieces, loads
from kino_tui.core.models import ROW_FIELDS, AudioTrack, MediaItem, Problem
from kino_tui.core.scan.analysis import FolderResult
from kino_tui.core.scan.readers import decode_results, encode_results

ROOT = "/media/Music"


def track(number: int, **fields: object) -> MediaItem:
    path = f"{ROOT}/Artist/Album/{number:02d} - Song.mp3"
    values: dict[str, object] = {
        "id": f"id{number:05d}", "kind": "track", "path": path, "root": ROOT, "parts": [path],
        "title": f"Song {number}", "added": "2026-12-06T05:00:00+00:00", "size": 4000 + number,
        "mtime": 1796524438.2439487, "inode": 900 + number, "device": 65024,
        "fingerprint": f"{number:024x}", "duration": 1.5, "container": "MP3",
        "audio": [AudioTrack(codec="mp3", channels=2)], "artist": "Artist", "album": "Album",
        "track": number,
    }  # fmt: skip
    values.update(fields)
    return MediaItem(**values)  # type: ignore[arg-type]


def shapes() -> list[MediaItem]:
    """Items whose rows differ in shape: short, long, with parts, a name not UTF-8."""
    odd = ROOT + "/Artist/" + os.fsdecode(b"caf\xe9") + "/01.mp3"
    return [
        track(1),
        track(2, genres=["Rock", "Pop"], ids={"musicbrainz": "abc"}, rating=7.5),
        MediaItem(
            id="bare", kind="track", path=f"{ROOT}/b.mp3", root=ROOT, parts=[f"{ROOT}/b.mp3"]
        ),
        track(3, path=odd, parts=[odd], title=os.fsdecode(b"caf\xe9")),
        track(4, kind="episode", parts=[f"{ROOT}/a.mkv", f"{ROOT}/b.mkv"], series="Show"),
        track(5, error="cannot read audio: bad frame", available=True),
    ]


def as_new(item: MediaItem) -> PackedItem:
    """The item as a reader sends it (no id, no time added) kept packed, then given the
    id and time a scan gives it."""
    row = item.to_row()
    row[0] = ""
    if len(row) > ROW_FIELDS.index("added"):
        row[ROW_FIELDS.index("added")] = None
    packed = PackedItem(row)
    packed.id, packed.added = item.id, item.added
    return packed


@pytest.mark.parametrize("item", shapes(), ids=lambda i: i.id)
def test_a_packed_item_stores_the_row_its_item_would(item: MediaItem) -> None:
    packed = as_new(item)
    assert packed.stored_row() == dumps(packed_row(item))
    assert packed.item() == item
    assert (packed.size, packed.inode, packed.device, packed.fingerprint) == (
        item.size, item.inode, item.device, item.fingerprint,
    )  # fmt: skip
    assert (packed.folder, packed.available, packed.path) == (item.folder, True, item.path)


def test_items_with_links_or_an_nfo_stay_whole() -> None:
    assert PackedItem.wanted(track(1).to_row())
    assert PackedItem.wanted(track(1, kind="episode").to_row())
    for kind in ("movie", "video", "extra"):
        assert not PackedItem.wanted(track(1, kind=kind).to_row())
    assert not PackedItem.wanted(track(1, nfo=ROOT + "/Artist/Album/album.nfo").to_row())


def test_a_document_of_packed_and_whole_items_reads_back_as_the_items() -> None:
    items = shapes()
    mixed = [as_new(item) if n % 2 else item for n, item in enumerate(items)]
    document = items_document(ROOT, "track", mixed)
    assert document == items_document(ROOT, "track", items)
    stored = loads(b"".join(dumps_pieces(document)))  # as the catalog file holds it
    assert stored["rows"] == str(document["rows"]) and document["rows"] == stored["rows"]
    assert stored["rows_crc"] == _checksum(stored["rows"])
    catalog = PackedCatalog(Path("/nowhere/catalog.json"), [stored], list(ROW_FIELDS), {})
    assert catalog.items() == items
    assert list(catalog.documents[0].item_dicts() or ()) == [i.to_dict() for i in items]


def test_rows_are_written_one_a_line_and_read_a_piece_at_a_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    items = [track(n) for n in range(1, 2501)]
    text = str(items_document(ROOT, "track", items)["rows"])
    assert text.count("\n") == len(items) - 1  # one row a line
    whole = loads(text)
    monkeypatch.setattr(catalog_rows, "_PIECE", 4096)  # about 15 rows a piece
    chunks = list(row_chunks(text))
    assert len(chunks) > 100 and max(map(len, chunks)) < 40
    assert [row for chunk in chunks for row in chunk] == whole
    # rows written on one line (by a kino before this one) are still read
    one_line = dumps([packed_row(item) for item in items]).decode()
    assert [row for chunk in row_chunks(one_line) for row in chunk] == whole
    assert list(row_chunks("[]")) == [[]] and list(row_chunks(dumps([whole[0]]).decode())) == [
        whole[:1]
    ]


def test_readers_send_rows_and_new_ones_stay_packed() -> None:
    items = shapes()
    results = [
        FolderResult(f"{ROOT}/Artist/Album", items[:3], [Problem("/x", "bad")], 3),
        FolderResult(f"{ROOT}/Other", items[3:], [], 2, failed=True),
    ]
    for result in results:
        for item in result.items:
            item.id, item.added = "", None  # as a reader makes them
    back = decode_results(encode_results(results))
    assert back == results  # every field and problem, names that are not UTF-8 too
    known = items[0].path
    kept = decode_results(
        encode_results(results), lambda row: row[2] != known and PackedItem.wanted(row)
    )
    assert [i.path for i in kept[0].items] == [known]
    assert [p.path for p in kept[0].packed] == [i.path for i in items[1:3]]
    assert [p.path for p in kept[1].packed] == [i.path for i in items[3:]]
    assert kept[0].problems == [Problem("/x", "bad")] and kept[1].failed
