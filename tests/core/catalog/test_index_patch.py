"""The catalog's index patched after a limited scan is the index a build from the new
catalog gives: every item, part, kind, group summary and search record, in the same
order; and it is patched only when it was current for the catalog the scan read."""

from __future__ import annotations

import random
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from mutagen.easyid3 import EasyID3

from kino_tui.config.paths import KinoPaths
from kino_tui.config.roots_file import add_roots
from kino_tui.core.catalog.index import CatalogIndex, catalog_signature
from kino_tui.core.catalog.index_patch import CatalogChange, RowsReplaced, patch_index
from kino_tui.core.catalog.rows import packed_row
from kino_tui.core.catalog.storage import dumps
from kino_tui.core.catalog.store import Catalog, CatalogData
from kino_tui.core.models import MediaItem
from kino_tui.service import Library
from tests.conftest import LibraryBuilder
from tests.helpers.index_corpus import ROOT, corpus, item


def index_contents(path: Path) -> dict[str, Any]:
    """Everything an index answers from, without what a patch may place differently
    (rowids, search positions, a document's number: its root's path stands for it)."""
    db = sqlite3.connect(path)
    try:
        roots = dict(db.execute("SELECT number, root FROM roots"))
        return {
            "meta": dict(db.execute("SELECT name, value FROM meta")),
            "items": sorted(
                (i, p, k, g, s, roots[r], row)
                for i, p, k, g, s, r, row in db.execute("SELECT * FROM items")
            ),
            "parts": sorted(db.execute("SELECT path, id FROM parts")),
            "kinds": sorted(db.execute("SELECT kind FROM kinds")),
            "groups": sorted(db.execute("SELECT key, kind, summary FROM groups")),
            "search": list(
                db.execute("SELECT kind, key, title, line FROM search ORDER BY position")
            ),
        }
    finally:
        db.close()


def build(catalog: Catalog, index: CatalogIndex) -> str:
    signature = catalog_signature(catalog.path)
    assert signature is not None
    assert index.build(catalog.read(), signature)
    return signature


def edited(items: list[MediaItem], seed: int) -> tuple[list[MediaItem], list[RowsReplaced]]:
    """The corpus after a limited scan of a few track and episode folders: some items
    gone, some changed (title, artist, album, season), some new, a new album; and the
    rows replaced, as ``scan/folders.save_spliced`` reports them."""
    rng = random.Random(seed)
    by_folder: dict[tuple[str, str], list[MediaItem]] = {}
    for one in items:
        if one.kind in ("track", "episode"):
            by_folder.setdefault((one.kind, one.path.rpartition("/")[0]), []).append(one)
    chosen = rng.sample(sorted(by_folder), 4)

    def scanned(one: MediaItem, kind: str, folder: str) -> bool:  # the folder and below
        return one.kind == kind and one.path.startswith(folder + "/")

    kept = [one for one in items if not any(scanned(one, *c) for c in chosen)]
    new: list[MediaItem] = []
    for number, (kind, folder) in enumerate(chosen):
        for one in [one for one in items if scanned(one, kind, folder)]:
            if any(scanned(one, *c) for c in chosen[:number]):
                continue  # under an earlier folder too
            fate = rng.random()
            if fate < 0.3:
                continue  # gone
            if fate < 0.6:
                one.title = f"{one.title} Remastered"
                if kind == "track":
                    one.artist, one.album = rng.choice([("Air", "Talkie"), ("Zed", None)])
                else:
                    one.season = rng.choice([None, 0, 3])
            new.append(one)
        for extra in range(rng.randint(0, 3)):
            path = f"{folder}/{90 + extra} Added {number}.mp3"
            fields: dict[str, object] = {"title": f"Added {number} {extra}"}
            if kind == "track":
                fields |= {"artist": "Newcomer", "album": "Debut", "track": extra + 1}
            else:
                fields |= {"series": "Fresh Show", "season": 1, "episode": extra + 1}
            new.append(item(f"n{seed}-{number}-{extra}", kind, path, **fields))
    # a new album: a folder the catalog did not have
    album = f"{ROOT}/Music/Newcomer/Second"
    new.append(item(f"n{seed}-album", "track", f"{album}/01 One.mp3", title="One",
                    artist="Newcomer", album="Second", track=1))  # fmt: skip
    chosen.append(("track", album))
    replaced = []
    for kind in ("track", "episode"):
        folders = tuple(folder for k, folder in chosen if k == kind)
        rows = sorted((one for one in new if one.kind == kind), key=lambda one: one.path)
        texts = tuple(dumps(packed_row(one)).decode("utf-8", "surrogatepass") for one in rows)
        replaced.append(RowsReplaced(ROOT, kind, folders, texts))
    return kept + new, replaced


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_a_patched_index_is_the_index_of_the_new_catalog(tmp_path: Path, seed: int) -> None:
    catalog = Catalog(tmp_path / "catalog.json")
    items = corpus(seed=seed)
    catalog.save(CatalogData({one.id: one for one in items}))
    index = CatalogIndex(tmp_path / "cache" / "catalog-index.sqlite", catalog.path)
    before = build(catalog, index)
    built_before = index_contents(index.path)

    changed, replaced = edited(corpus(seed=seed), seed)
    catalog.save(CatalogData({one.id: one for one in changed}))
    after = catalog_signature(catalog.path)
    assert after is not None and after != before
    assert index.open() is None  # stale until patched
    assert patch_index(index, CatalogChange(before, after, tuple(replaced)))
    patched = index_contents(index.path)
    with index.reading() as reader:
        assert reader is not None  # current: no build needed
        assert {m.key for m in reader.search("added")}  # the new items are found

    fresh = CatalogIndex(tmp_path / "fresh" / "catalog-index.sqlite", catalog.path)
    build(catalog, fresh)
    expected = index_contents(fresh.path)
    assert patched == expected
    assert patched != built_before


def test_an_index_not_current_for_the_catalog_read_is_left_stale(tmp_path: Path) -> None:
    catalog = Catalog(tmp_path / "catalog.json")
    items = corpus()
    catalog.save(CatalogData({one.id: one for one in items}))
    index = CatalogIndex(tmp_path / "catalog-index.sqlite", catalog.path)
    build(catalog, index)
    # another save the index never saw, then the scan's own
    catalog.save(CatalogData({one.id: one for one in items[1:]}))
    read = catalog_signature(catalog.path)
    changed, replaced = edited(corpus()[1:], 1)
    catalog.save(CatalogData({one.id: one for one in changed}))
    after = catalog_signature(catalog.path)
    assert read is not None and after is not None
    kept = index.path.read_bytes()
    assert not patch_index(index, CatalogChange(read, after, tuple(replaced)))
    assert index.path.read_bytes() == kept  # untouched, and stale
    assert index.open() is None


def test_a_patch_that_fails_midway_leaves_the_index_as_it_was(tmp_path: Path) -> None:
    catalog = Catalog(tmp_path / "catalog.json")
    items = corpus()
    catalog.save(CatalogData({one.id: one for one in items}))
    index = CatalogIndex(tmp_path / "catalog-index.sqlite", catalog.path)
    before = build(catalog, index)
    kept = index_contents(index.path)
    changed, replaced = edited(corpus(), 2)
    catalog.save(CatalogData({one.id: one for one in changed}))
    after = catalog_signature(catalog.path)
    assert after is not None
    broken = RowsReplaced(ROOT, "track", replaced[0].folders, (*replaced[0].rows, "[not a row"))
    assert not patch_index(index, CatalogChange(before, after, (broken, replaced[1])))
    assert index_contents(index.path) == kept  # the transaction rolled back
    assert index.open() is None


def tag(path: Path, artist: str, album: str, title: str, number: int) -> None:
    tags = EasyID3(path)
    tags["artist"], tags["albumartist"], tags["album"] = artist, artist, album
    tags["title"] = title
    tags["tracknumber"] = str(number)
    tags.save()


def test_a_live_update_patches_the_index_instead_of_leaving_it_to_be_built(
    kino_paths: KinoPaths, build_library: LibraryBuilder, media: dict[str, Path]
) -> None:
    layout = {
        f"{artist}/{album}/{n:02d} - Song.mp3": "song.mp3"
        for artist in ("Abba", "Blur")
        for album in ("First", "Second")
        for n in (1, 2, 3)
    }
    root = build_library(layout)
    for relative in layout:
        artist, album, name = relative.split("/")
        tag(root / relative, artist, album, f"{album} {name[:2]}", int(name[:2]))
    add_roots(kino_paths.config_file, [str(root)], "music")
    library = Library(kino_paths)
    library.scan()
    assert library.index.open() is not None  # a whole scan builds it

    album = root / "Blur" / "Second"
    (album / "01 - Song.mp3").unlink()
    shutil.copyfile(media["plain.mp3"], album / "04 - Song.mp3")
    tag(album / "04 - Song.mp3", "Blur", "Second", "Brand New", 4)
    tag(album / "02 - Song.mp3", "Cure", "Third", "Moved On", 2)  # another artist now
    summary = library.scan(folders=[str(album)])
    assert (summary.added, summary.updated, summary.removed) == (1, 1, 1)

    with library.index.reading() as reader:
        assert reader is not None  # patched: current without a build
        assert [m.key for m in reader.search("brand new")]
        assert reader.group_items("artist:Cure")[0].title == "Moved On"
    patched = index_contents(library.index.path)

    # a sidecar of nothing (an edit list no file is named for): the album read again,
    # its items the same, only the folder's key written (no rows replaced)
    signature = library.catalog_signature()
    (album / "notes.edl").write_text("0 10 0\n")
    summary = library.scan(folders=[str(album)])
    assert summary.unchanged == 3 and library.catalog_signature() != signature
    assert library.index.open() is not None  # the new catalog stamped: no build needed
    patched = index_contents(library.index.path)
    library.index.path.unlink()
    assert library.index.open() is None
    from kino_tui.service.indexing import refresh_index

    assert refresh_index(library)
    assert index_contents(library.index.path) == patched


def test_a_build_over_a_patch_killed_midway_does_not_take_its_journal(tmp_path: Path) -> None:
    catalog = Catalog(tmp_path / "catalog.json")
    catalog.save(CatalogData({one.id: one for one in corpus()}))
    index = CatalogIndex(tmp_path / "catalog-index.sqlite", catalog.path)
    build(catalog, index)
    journal = index.path.with_name(index.path.name + "-journal")
    journal.write_bytes(b"\xd9\xd5\x05\xf9\x20\xa1\x63\xd7" + bytes(504))  # a hot journal
    build(catalog, index)
    assert not journal.exists()
    with index.reading() as reader:
        assert reader is not None and len(reader) == len(corpus())
