"""The catalog file and the watch-state store: atomic, migratable, shared by processes."""

from __future__ import annotations

import multiprocessing
import os
import textwrap
import time
from pathlib import Path

import orjson
import pytest

from kino_tui.core.catalog.migrations import SCHEMA_VERSION
from kino_tui.core.catalog.rows import CatalogData
from kino_tui.core.catalog.store import Catalog
from kino_tui.core.errors import CatalogDamaged, CatalogTooNew
from kino_tui.core.models import ROW_FIELDS, MediaItem, Progress
from kino_tui.core.watch.store import WatchStore
from tests.helpers.killing import kill_after
from tests.helpers.library import make_items


def test_round_trip_keeps_every_field(tmp_path: Path) -> None:
    catalog = Catalog(tmp_path / "catalog.json")
    items = make_items(3)
    items["id000000"].path = os.fsdecode(b"/m/caf\xe9.mkv")
    catalog.save(CatalogData(items, {"/m": "key"}))
    loaded = catalog.load()
    assert loaded.items == items
    assert loaded.folders == {"/m": "key"}
    raw = orjson.loads((tmp_path / "catalog.json").read_bytes())
    assert raw["meta"]["1"]["schema"] == SCHEMA_VERSION


def test_missing_catalog_is_empty(tmp_path: Path) -> None:
    assert Catalog(tmp_path / "none.json").load().items == {}


def test_unversioned_catalog_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "catalog.json"
    item = next(iter(make_items(1).values()))
    path.write_bytes(orjson.dumps({"items": {"1": item.to_dict()}}))
    assert Catalog(path).load().items == {item.id: item}


def test_newer_schema_is_refused_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "catalog.json"
    content = orjson.dumps({"meta": {"1": {"schema": SCHEMA_VERSION + 1}}, "items": {}})
    path.write_bytes(content)
    with pytest.raises(CatalogTooNew, match="newer kino"):
        Catalog(path).load()
    assert path.read_bytes() == content


def test_damaged_catalog_is_reported_and_set_aside(tmp_path: Path) -> None:
    path = tmp_path / "catalog.json"
    Catalog(path).save(CatalogData(make_items(50)))
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(CatalogDamaged):
        Catalog(path).load()
    recovered, warning = Catalog(path).load_or_recover()
    assert recovered.items == {} and warning is not None
    assert "kept as" in warning and "kino scan" in warning
    assert not path.exists()


WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from tests.helpers.library import make_items
    from kino_tui.core.catalog.store import Catalog, CatalogData
    catalog = Catalog(Path(sys.argv[1]))
    generation = 0
    print("ready", flush=True)
    while True:
        generation += 1
        catalog.save(CatalogData(make_items(20000, prefix=f"/gen{generation}")))
    """
)


def test_kill_during_write_leaves_a_whole_catalog(tmp_path: Path) -> None:
    path = tmp_path / "catalog.json"
    Catalog(path).save(CatalogData(make_items(10, prefix="/gen0")))
    for delay in (0.05, 0.3, 0.7):
        kill_after(WRITER, [str(path)], delay)
        loaded = Catalog(path).load()  # must not raise
        prefixes = {item.root for item in loaded.items.values()}
        assert len(prefixes) == 1
        assert len(loaded.items) in (10, 20000)
    leftovers = [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert len(leftovers) <= 3  # temporary files of killed writers, never the catalog


def _save_progress(path: str, prefix: str, count: int, start) -> None:  # type: ignore[no-untyped-def]
    store = WatchStore(Path(path))
    start.wait(timeout=60)  # both processes write at the same time
    for number in range(count):
        item = MediaItem(
            id=f"{prefix}{number}", kind="episode", path=f"/{prefix}/{number}.mkv", root="/"
        )
        store.save(item, Progress(position=float(number), duration=100.0))
        time.sleep(0.003)  # like a player reporting: let the other process in


def test_two_processes_lose_no_progress(tmp_path: Path) -> None:
    path = str(tmp_path / "watch.json")
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    workers = [
        context.Process(target=_save_progress, args=(path, p, 60, start)) for p in ("a", "b")
    ]
    for worker in workers:
        worker.start()
    time.sleep(1.0)
    start.set()
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0
    saved = WatchStore(Path(path)).all()
    assert len(saved) == 120
    assert saved["a59"].position == 59.0 and saved["b0"].position == 0.0


def test_watched_by_hand(tmp_path: Path) -> None:
    store = WatchStore(tmp_path / "watch.json")
    item = MediaItem(id="x", kind="movie", path="/m/x.mkv", root="/m")
    store.save(item, Progress(position=30.0, duration=100.0))
    progress = store.set_watched(item, True)
    assert (progress.watched, progress.play_count, progress.position) == (True, 1, 0.0)
    assert store.get("x").watched
    assert store.set_watched(item, False).watched is False
    assert store.get("x").play_count == 1


def test_version_1_layout_still_loads(tmp_path: Path) -> None:
    """Schema 1 stored full rows with absolute paths, in the field order of its day."""
    item = make_items(1, prefix="/media")["id000000"]
    item.series, item.genres = "Show", ["Drama"]
    full = item.to_dict()
    old_order = list(reversed(list(full)))  # any order: rows are matched by field name
    full["root"] = None
    full["parts"] = None
    full["audio"] = [list(a.values()) for a in full["audio"]]
    full["subtitles"] = [list(s.values()) for s in full["subtitles"]]
    row = [full[name] for name in old_order]
    raw = {
        "meta": {"1": {"schema": 1, "fields": old_order}},
        "items": {"1": {"root": "/media", "rows": [row]}},
        "folders": {},
    }
    path = tmp_path / "catalog.json"
    path.write_bytes(orjson.dumps(raw))
    loaded = Catalog(path).load().items["id000000"]
    assert loaded == item


def test_rows_are_compact(tmp_path: Path) -> None:
    items = make_items(3, prefix="/media/Movies")
    path = tmp_path / "catalog.json"
    Catalog(path).save(CatalogData(items))
    stored = orjson.loads(path.read_bytes())
    (document,) = stored["items"].values()
    assert (document["root"], document["kind"]) == ("/media/Movies", "movie")
    row = orjson.loads(document["rows"])[0]  # rows are JSON text, unpacked when needed
    assert not row[2].startswith("/")  # paths relative to the root
    assert len(row) < len(stored["meta"]["1"]["fields"])  # trailing defaults left out
    assert Catalog(path).load().items == items


def test_an_old_layout_is_written_back_once(tmp_path: Path) -> None:
    items = make_items(2)
    path = tmp_path / "catalog.json"
    write_version_2(path, items)
    assert Catalog(path).load().items == items
    assert orjson.loads(path.read_bytes())["meta"]["1"]["schema"] == SCHEMA_VERSION
    written = path.stat().st_ino
    assert Catalog(path).load().items == items
    assert path.stat().st_ino == written  # the new layout is not written again


def test_kinds_are_unpacked_when_asked_for(tmp_path: Path) -> None:
    items = make_items(2)
    show = MediaItem(id="ep", kind="episode", path="/m/Show/S01E01.mkv", root="/m", series="Show")
    show.parts = [show.path]
    path = tmp_path / "catalog.json"
    Catalog(path).save(CatalogData({**items, "ep": show}, {"/m": "k"}))
    packed = Catalog(path).read()
    assert packed.kinds == {"movie", "episode"}
    assert packed.items(["episode"]) == [show]
    assert sorted(i.id for i in packed.items(["movie"])) == sorted(items)
    assert packed.data() == CatalogData({**items, "ep": show}, {"/m": "k"})


def test_damaged_rows_are_reported_when_unpacked(tmp_path: Path) -> None:
    path = tmp_path / "catalog.json"
    Catalog(path).save(CatalogData(make_items(1)))
    raw = orjson.loads(path.read_bytes())
    raw["items"]["1"]["rows"] = raw["items"]["1"]["rows"][:-5]  # truncated text
    path.write_bytes(orjson.dumps(raw))
    packed = Catalog(path).read()  # the file itself is whole
    with pytest.raises(CatalogDamaged):
        packed.items()
    recovered, warning = Catalog(path).load_or_recover()
    assert recovered.items == {} and warning and "kept as" in warning
    assert list(tmp_path.glob("catalog.json.damaged-*"))


def write_version_2(path: Path, items: dict[str, MediaItem]) -> None:
    """Schema 2 kept one document per root with its rows as JSON arrays."""
    rows = [
        [i.id, i.kind, i.path[len("/m/") :], None, None, *i.to_row()[5:]]
        for i in sorted(items.values(), key=lambda i: i.path)
    ]
    raw = {
        "meta": {"1": {"schema": 2, "fields": list(ROW_FIELDS)}},
        "items": {"1": {"root": "/m", "rows": rows}},
        "folders": {},
    }
    path.write_bytes(orjson.dumps(raw))


def test_version_2_layout_is_migrated(tmp_path: Path) -> None:
    items = make_items(2)
    episode = MediaItem(id="ep", kind="episode", path="/m/Show/S01E01.mkv", root="/m")
    episode.parts = [episode.path]
    items["ep"] = episode
    path = tmp_path / "catalog.json"
    write_version_2(path, items)
    assert Catalog(path).load().items == items
    stored = orjson.loads(path.read_bytes())  # written back in the new layout
    assert stored["meta"]["1"]["schema"] == SCHEMA_VERSION
    assert {doc["kind"] for doc in stored["items"].values()} == {"movie", "episode"}


def test_documents_carry_a_folder_index(tmp_path: Path) -> None:
    items = make_items(3)
    items["id000001"].available = False
    extra = MediaItem(id="x", kind="extra", path="/m/Film 0 (2000)/Extras/a.mkv", root="/m")
    extra.parts = [extra.path]
    top = MediaItem(id="t", kind="movie", path="/m/top.mkv", root="/m", parts=["/m/top.mkv"])
    path = tmp_path / "catalog.json"
    Catalog(path).save(CatalogData({**items, "x": extra, "t": top}))
    stored = {doc["kind"]: doc for doc in orjson.loads(path.read_bytes())["items"].values()}
    movies = stored["movie"]
    index = zip(movies["item_folders"].split("\0"), movies["item_counts"], strict=True)
    assert sorted(index) == [
        ("/m", 1),
        ("/m/Film 0 (2000)", 1),
        ("/m/Film 1 (2000)", 1),
        ("/m/Film 2 (2000)", 1),
    ]
    assert (stored["movie"]["unavailable"], stored["extra"]["unavailable"]) == (1, 0)
    packed = Catalog(path).read()
    movies = next(d for d in packed.documents if d.kind == "movie")
    assert movies.folders() == {
        "/m": 1,
        "/m/Film 0 (2000)": 1,
        "/m/Film 1 (2000)": 1,
        "/m/Film 2 (2000)": 1,
    }
    assert movies.unavailable() == 1
    assert not movies.unpacked  # the index is read without unpacking a row
    assert movies.folders() == {item.folder: 1 for item in movies.items()}


def test_update_writes_only_what_changed(tmp_path: Path) -> None:
    path = tmp_path / "catalog.json"
    catalog = Catalog(path)
    items = make_items(2)
    for item in make_items(2, prefix="/other").values():
        item.id = "other-" + item.id
        items[item.id] = item
    catalog.save(CatalogData(items, {"/m": "k"}))
    before, content = path.stat(), path.read_bytes()
    packed = catalog.read()
    movies = next(d for d in packed.documents if d.root == "/m")
    # the same items and folders: nothing is written
    assert not catalog.update(packed, [movies], movies.items(), {"/m": "k"})
    assert path.stat().st_ino == before.st_ino and path.read_bytes() == content
    # one item changed: its document is packed again, the other kept as stored
    movies.items()[0].title = "Renamed"
    assert catalog.update(packed, [movies], movies.items(), {"/m": "k"})
    raw = {doc["root"]: doc for doc in orjson.loads(path.read_bytes())["items"].values()}
    old = {doc["root"]: doc for doc in orjson.loads(content)["items"].values()}
    assert raw["/other"] == old["/other"] and raw["/m"] != old["/m"]
    loaded = catalog.load().items
    assert loaded["id000000"].title == "Renamed"
    assert {i: v for i, v in loaded.items() if v.root == "/other"} == {
        i: v for i, v in items.items() if v.root == "/other"
    }


def test_update_adds_new_items_to_a_document_left_packed(tmp_path: Path) -> None:
    path = tmp_path / "catalog.json"
    catalog = Catalog(path)
    items = make_items(2)
    catalog.save(CatalogData(items, {}))
    packed = catalog.read()
    new = MediaItem(id="new", kind="movie", path="/m/New (2020).mkv", root="/m")
    new.parts = [new.path]
    assert catalog.update(packed, [], [new], {"/m": "k2"})
    assert catalog.load() == CatalogData({**items, "new": new}, {"/m": "k2"})
    # an emptied document is dropped
    packed = catalog.read()
    assert catalog.update(packed, packed.documents, [], {})
    assert catalog.load() == CatalogData({}, {})


def test_update_writes_an_old_layout_anew(tmp_path: Path) -> None:
    path = tmp_path / "catalog.json"
    items = make_items(2)
    write_version_2(path, items)
    catalog = Catalog(path)
    with catalog.lock():  # as in a scan: the read cannot write the new layout itself
        packed = catalog.read()
        assert not packed.current
        assert catalog.update(packed, [], [], {})
    stored = orjson.loads(path.read_bytes())
    assert stored["meta"]["1"]["schema"] == SCHEMA_VERSION
    (document,) = stored["items"].values()
    assert isinstance(document["rows"], str) and "item_folders" in document
    assert catalog.load().items == items


def test_read_or_recover_sets_a_damaged_file_aside(tmp_path: Path) -> None:
    path = tmp_path / "catalog.json"
    path.write_bytes(b'{"items": ')
    packed, warning = Catalog(path).read_or_recover()
    assert packed.documents == [] and packed.folders == {}
    assert warning and "damaged" in warning and "kept as" in warning
    assert not path.exists() and list(tmp_path.glob("catalog.json.damaged-*"))


def test_the_folder_index_keeps_names_that_are_not_utf8(tmp_path: Path) -> None:
    folder = os.fsdecode(b"/m/caf\xe9 (2001)")
    item = MediaItem(id="c", kind="movie", path=f"{folder}/a.mkv", root="/m")
    item.parts = [item.path]
    path = tmp_path / "catalog.json"
    Catalog(path).save(CatalogData({"c": item}))
    (document,) = Catalog(path).read().documents
    assert document.folders() == {folder: 1}
    assert not document.unpacked


def test_rows_edited_by_hand_are_checked_and_used_when_sound(tmp_path: Path) -> None:
    path = tmp_path / "catalog.json"
    Catalog(path).save(CatalogData(make_items(2)))
    raw = orjson.loads(path.read_bytes())
    (document,) = raw["items"].values()
    assert isinstance(document["rows_crc"], int)  # rows as kino wrote them are not re-checked
    document["rows"] = document["rows"].replace('"Film 1"', '"Film One"')
    path.write_bytes(orjson.dumps(raw))
    assert Catalog(path).load().items["id000001"].title == "Film One"
    document["rows"] = document["rows"].replace('"Film One"', "1")
    path.write_bytes(orjson.dumps(raw))
    with pytest.raises(CatalogDamaged, match="row 2 of the movie items of /m: title is 1"):
        Catalog(path).load()


def test_rows_stored_without_a_checksum_are_checked_and_given_one(tmp_path: Path) -> None:
    path = tmp_path / "catalog.json"
    catalog = Catalog(path)
    catalog.save(CatalogData(make_items(2)))
    raw = orjson.loads(path.read_bytes())
    del raw["items"]["1"]["rows_crc"]  # as a kino before the checksum wrote it
    path.write_bytes(orjson.dumps(raw))
    packed = catalog.read()
    assert catalog.update(packed, [], [], packed.folders)  # packed again, once
    assert "rows_crc" in orjson.loads(path.read_bytes())["items"]["1"]
    assert not catalog.update(catalog.read(), [], [], packed.folders)
    assert catalog.load().items == make_items(2)


def test_a_catalog_rebuilt_meanwhile_is_not_set_aside(tmp_path: Path) -> None:
    """A reader found the file damaged; before it set it aside a scan rebuilt it: the good
    catalog stays where it is (it was moved aside, and the user saw an empty library)."""
    path = tmp_path / "catalog.json"
    path.write_text('{"meta": []}')
    catalog = Catalog(path)
    with pytest.raises(CatalogDamaged) as damaged:
        catalog.read()
    Catalog(path).save(CatalogData(make_items(3)))  # the scan, meanwhile
    message = catalog.set_aside(damaged.value)
    assert "rewrote it meanwhile" in message
    assert not list(tmp_path.glob("catalog.json.damaged-*"))
    assert len(Catalog(path).load().items) == 3


def test_rows_of_an_older_schema_are_checked_when_migrated(tmp_path: Path) -> None:
    """A schema-2 catalog with a number for a title: damaged, not trusted by a checksum
    the migration computed (ls --json printed 5 and split a genre into letters)."""
    path = tmp_path / "catalog.json"
    Catalog(path).save(CatalogData(make_items(2)))
    raw = orjson.loads(path.read_bytes())
    raw["meta"]["1"]["schema"] = 2
    title = list(raw["meta"]["1"]["fields"]).index("title")
    documents = {}
    for number, doc in raw["items"].items():
        rows = orjson.loads(doc["rows"])
        rows[0][title] = 5
        documents[number] = {"root": doc["root"], "rows": rows}
    raw["items"] = documents
    path.write_bytes(orjson.dumps(raw))
    with pytest.raises(CatalogDamaged, match="title"):
        Catalog(path).load()


def test_a_folders_rows_are_read_alone_as_the_whole_document_gives_them(tmp_path: Path) -> None:
    """A live update reads the rows of the folders it scanned without parsing the rest
    (rows are stored in path order: a folder's are one run of the text); they are the
    rows a whole read gives, for names that share a start ("Album" and "Album 2"),
    names with quotes and accents, a folder with nothing now, and nested folders; a
    name that is not UTF-8 (stored escaped) leaves it to a whole read."""
    root = "/m"
    names = ["Album/01 a.mp3", "Album/02 b.mp3", "Album 2/01 c.mp3", 'Björk "Post"/01 d.mp3',
             "Album/CD2/01 e.mp3", "Zed/01 f.mp3"]  # fmt: skip
    paths = [f"{root}/{name}" for name in names]
    items = [
        MediaItem(id=f"i{n}", kind="track", path=path, root=root, parts=[path], title=path)
        for n, path in enumerate(paths)
    ]
    catalog = Catalog(tmp_path / "catalog.json")
    catalog.save(CatalogData({item.id: item for item in items}))
    (document,) = catalog.read().documents

    def under(*folders: str) -> list[str] | None:
        rows = document.rows_under([f"{root}/{folder}" for folder in folders])
        return None if rows is None else sorted(str(row[2]) for row in rows)

    assert under("Album") == ["Album/01 a.mp3", "Album/02 b.mp3", "Album/CD2/01 e.mp3"]
    assert under("Album 2") == ["Album 2/01 c.mp3"]
    assert under('Björk "Post"', "Zed") == ['Björk "Post"/01 d.mp3', "Zed/01 f.mp3"]
    assert under("Album/CD2") == ["Album/CD2/01 e.mp3"]
    assert under("Gone") == []
    odd = f"{root}/" + os.fsdecode(b"caf\xe9") + "/01.mp3"
    extra = MediaItem(id="odd", kind="track", path=odd, root=root, parts=[odd])
    catalog.save(CatalogData({item.id: item for item in [*items, extra]}))
    (document,) = catalog.read().documents
    assert document.rows_under([f"{root}/Album"]) is None  # read whole instead
