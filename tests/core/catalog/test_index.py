"""The catalog's index: ranks every query exactly as the in-memory search does, finds what
``kino play``/``watched`` name, and is never trusted when missing, stale or damaged."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from kino_tui.core.browse.view import LibraryView
from kino_tui.core.catalog.index import CatalogIndex, catalog_signature
from kino_tui.core.catalog.store import Catalog, CatalogData
from kino_tui.core.errors import ItemNotFound
from kino_tui.core.models import MediaItem
from kino_tui.service import indexing
from kino_tui.service.loading import find_items
from tests.helpers.index_corpus import corpus, item
from tests.helpers.killing import kill_after


def queries(items: list[MediaItem]) -> list[str]:
    found = {"dark", "da", "d", "a", "ark ity", "season 1", "specials", "ac dc", "AMELIE", "x"}
    found |= {"10", "café", "noir", "air moon", "the dark", "various", "mkv", "night river"}
    for one in items[::37]:
        if one.title:
            found |= {one.title, one.title[:3], one.title.lower().split()[-1]}
    return sorted(found)


@pytest.fixture
def indexed(tmp_path: Path) -> tuple[CatalogIndex, list[MediaItem], Catalog]:
    catalog = Catalog(tmp_path / "catalog.json")
    items = corpus()
    catalog.save(CatalogData({i.id: i for i in items}))
    index = CatalogIndex(tmp_path / "cache" / "catalog-index.sqlite", catalog.path)
    before = catalog_signature(catalog.path)
    assert before is not None
    assert index.build(catalog.read(), before)
    return index, items, catalog


@pytest.mark.parametrize("limit", [500, 7])
def test_the_index_ranks_every_query_as_the_view_does(
    indexed: tuple[CatalogIndex, list[MediaItem], Catalog], limit: int
) -> None:
    index, items, _ = indexed
    view = LibraryView(items, {})
    view.build_search_index()
    assert view._search is not None
    memory = view._search
    with index.reading() as reader:
        assert reader is not None
        for query in queries(items):
            expected = [(memory.records[i].key, tier) for i, tier in memory.ranked(query, limit)]
            got = [(m.key, m.tier) for m in reader.search(query, limit)]
            assert got == expected, query
    assert any(memory.ranked(q, limit) for q in queries(items))  # the corpus finds things


def test_the_index_finds_what_play_and_watched_name(
    indexed: tuple[CatalogIndex, list[MediaItem], Catalog],
) -> None:
    index, _, catalog = indexed
    data = catalog.load()  # in the catalog's order, as `kino play` reads it
    raw = os.fsdecode(b"/m/Movies/Caf\xe9 Noir.mkv")
    targets = [
        "m4", "raw", raw, "/m/Movies/Long (2001)/Long cd2.mkv", "/m/Music/AC/DC",
        "/m/TV", "show:Dark Show", "show:Dark Show:season:1", "artist:Air",
        "artist:Air:album:Moon Safari", "artist:Air:album:Unknown album",
    ]  # fmt: skip
    with index.reading() as reader:
        assert reader is not None
        for target in targets:
            expected = find_items(data, target)
            assert [i.id for i in indexing.find(reader, target)] == [i.id for i in expected]
            assert indexing.find(reader, target) == expected, target  # every field
        for missing in ("nope", "/m/Nowhere", "show:Nobody"):
            with pytest.raises(ItemNotFound):
                indexing.find(reader, missing)


def test_a_stale_index_is_not_used(indexed: tuple[CatalogIndex, list[MediaItem], Catalog]) -> None:
    """Any save of the catalog (a new file) makes the index stale until it is built again."""
    index, items, catalog = indexed
    with index.reading() as reader:
        assert reader is not None
    new = item("new", "movie", "/m/Movies/Fresh.mkv", title="Fresh")
    catalog.save(CatalogData({i.id: i for i in [*items, new]}))
    with index.reading() as reader:
        assert reader is None
    before = catalog_signature(catalog.path)
    assert before is not None and index.build(catalog.read(), before)
    with index.reading() as reader:
        assert reader is not None and [m.key for m in reader.search("fresh")] == ["new"]


@pytest.mark.parametrize("damage", ["garbage", "truncated", "other tables", "empty"])
def test_a_damaged_index_is_not_used(
    indexed: tuple[CatalogIndex, list[MediaItem], Catalog], damage: str
) -> None:
    index, _, _ = indexed
    data = index.path.read_bytes()
    if damage == "garbage":
        index.path.write_bytes(b"not a database at all" * 100)
    elif damage == "truncated":
        index.path.write_bytes(data[: len(data) // 3])
    elif damage == "empty":
        index.path.write_bytes(b"")
    else:
        import sqlite3

        index.path.unlink()
        sqlite3.connect(index.path).execute("CREATE TABLE meta (x)").connection.commit()
    with index.reading() as reader:
        if reader is not None:  # a truncated file may still open: every query must fail
            with pytest.raises(indexing.INDEX_ERRORS):
                reader.search("dark")
                reader.item("m4")


def test_an_index_that_cannot_be_written_is_left_out(tmp_path: Path) -> None:
    catalog = Catalog(tmp_path / "catalog.json")
    catalog.save(CatalogData({i.id: i for i in corpus(20)}))
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache folder should be")
    index = CatalogIndex(blocker / "catalog-index.sqlite", catalog.path)
    before = catalog_signature(catalog.path)
    assert before is not None
    assert not index.build(catalog.read(), before)
    assert index.open() is None


KILLER = """
import sys
from pathlib import Path
from kino_tui.core.catalog.index import CatalogIndex, catalog_signature
from kino_tui.core.catalog.store import Catalog
catalog = Catalog(Path(sys.argv[1]))
index = CatalogIndex(Path(sys.argv[2]), catalog.path)
print("ready", flush=True)
while True:
    index.build(catalog.read(), catalog_signature(catalog.path))
"""


def test_a_kill_while_the_index_is_written_leaves_a_whole_one(tmp_path: Path) -> None:
    """kill -9 a process that rebuilds the index over and over, at random moments: the
    index is always either absent or whole (every item, every search record)."""
    catalog = Catalog(tmp_path / "catalog.json")
    items = corpus(3000)
    catalog.save(CatalogData({i.id: i for i in items}))
    path = tmp_path / "cache" / "catalog-index.sqlite"
    rng = random.Random(5)
    opened = 0
    for _ in range(6):
        kill_after(KILLER, [str(catalog.path), str(path)], rng.uniform(0.0, 0.8))
        index = CatalogIndex(path, catalog.path)
        with index.reading() as reader:
            if reader is not None:
                opened += 1
                assert len(reader) == len(items)
                assert [m.key for m in reader.search("fresh")] == []
                assert reader.item("m4") == next(i for i in items if i.id == "m4")
    assert opened  # at least one kill came after a whole index was in place
