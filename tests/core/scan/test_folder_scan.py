"""A limited scan (live updates' album) reads only the rows under its folders and writes
the catalog by splicing: the same file a scan that unpacks the whole document writes."""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import orjson
import pytest

from kino_tui.core.catalog import rows as catalog_rows
from kino_tui.core.catalog.store import Catalog
from kino_tui.core.models import LibraryRoot, MediaItem, ScanSummary
from kino_tui.core.scan import folders as scan_folders
from kino_tui.core.scan import reconcile
from kino_tui.core.scan.scanner import Scanner
from kino_tui.core.watch.store import WatchStore
from tests.core.scan.test_scanner import _as_nobody
from tests.helpers.killing import kill_after

#: Three artists of two albums of three tracks, a loose track in an artist's folder.
ARTISTS = ("Abba", "Blur", "Cure")


def layout() -> dict[str, str]:
    files = {}
    for artist in ARTISTS:
        for album in ("First (2001)", "Second (2002)"):
            for number in range(1, 4):
                files[f"{artist}/{album}/{number:02d} - Song.mp3"] = "song.mp3"
    files["Cure/00 - Loose.mp3"] = "plain.mp3"
    return files


@pytest.fixture
def base(media: dict[str, Path]) -> Iterator[Path]:
    """A library and kino's files that 'nobody' may read and write (an unreadable folder
    needs a scan that is not root's)."""
    folder = Path(tempfile.mkdtemp(prefix="kino-folders-", dir="/tmp"))
    root = folder / "Music"
    for relative, medium in layout().items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(media[medium], root / relative)
    (folder / "data").mkdir()
    opened(folder)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def opened(folder: Path) -> None:
    for path in [folder, *folder.rglob("*")]:
        path.chmod(0o777 if path.is_dir() else 0o666)


def scan(base: Path, folders: list[str] | None = None) -> ScanSummary:
    catalog = Catalog(base / "data" / "catalog.json")
    watch = WatchStore(base / "data" / "watch.json")
    return Scanner(catalog, watch, workers=1).scan(
        [LibraryRoot(str(base / "Music"), "music")], folders=folders
    )


def stored(base: Path) -> dict[str, MediaItem]:
    data = Catalog(base / "data" / "catalog.json").load()
    return {os.path.relpath(item.path, item.root): item for item in data.items.values()}


@pytest.fixture
def steady(monkeypatch: pytest.MonkeyPatch) -> None:
    """New ids and times added the same in every scan, so two catalogs can be compared
    byte for byte."""
    counter = itertools.count(1)
    monkeypatch.setattr(reconcile, "new_id", lambda: f"new{next(counter):09d}")
    monkeypatch.setattr(reconcile, "now_iso", lambda: "2026-12-06T07:00:00+00:00")


def test_a_limited_scan_reads_only_the_rows_under_its_folders(
    base: Path, media: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    scan(base)
    album = base / "Music/Blur/First (2001)"
    shutil.copyfile(media["plain.mp3"], album / "04 - New.mp3")
    made: list[str] = []
    whole: list[str] = []
    item_of_row = catalog_rows.item_of_row
    items = catalog_rows.PackedDocument.items

    def counted(row: list[object], root: str) -> MediaItem:
        made.append(str(row[2]))
        return item_of_row(row, root)  # type: ignore[arg-type]

    def unpacked(document: catalog_rows.PackedDocument) -> list[MediaItem]:
        whole.append(document.kind)
        return items(document)

    monkeypatch.setattr(scan_folders, "item_of_row", counted)
    monkeypatch.setattr(catalog_rows.PackedDocument, "items", unpacked)
    summary = scan(base, [str(album)])
    assert (summary.added, summary.unchanged) == (1, 3), summary
    assert sorted(made) == [f"Blur/First (2001)/{n:02d} - Song.mp3" for n in (1, 2, 3)]
    assert whole == []  # no document unpacked
    found = stored(base)
    assert len(found) == 20 and "Blur/First (2001)/04 - New.mp3" in found


def changes(base: Path, media: dict[str, Path]) -> dict[str, Callable[[], list[str]]]:
    """Each change, made on disk; what live updates would name (the folders to scan)."""
    music = base / "Music"

    def new_track() -> list[str]:
        shutil.copyfile(media["plain.mp3"], music / "Blur/First (2001)/04 - New.mp3")
        return [str(music / "Blur/First (2001)")]

    def changed_tag() -> list[str]:
        target = music / "Blur/Second (2002)/02 - Song.mp3"
        target.unlink()
        shutil.copyfile(media["plain.mp3"], target)
        return [str(target.parent)]

    def deleted_track() -> list[str]:
        (music / "Blur/First (2001)/01 - Song.mp3").unlink()
        return [str(music / "Blur/First (2001)")]

    def moved_track() -> list[str]:
        (music / "Abba/Second (2002)/03 - Song.mp3").rename(
            music / "Cure/First (2001)/09 - Moved.mp3"
        )
        return [str(music / "Abba/Second (2002)"), str(music / "Cure/First (2001)")]

    def new_album() -> list[str]:
        (music / "Blur/Middle (2001)").mkdir()
        for number in (1, 2):
            shutil.copyfile(
                media["plain.mp3"], music / f"Blur/Middle (2001)/{number:02d} - New.mp3"
            )
        return [str(music / "Blur/Middle (2001)")]

    def album_beside_a_track() -> list[str]:  # its place in the folder index: rows tell
        (music / "Cure/Middle (2001)").mkdir()
        shutil.copyfile(media["plain.mp3"], music / "Cure/Middle (2001)/01 - New.mp3")
        return [str(music / "Cure/Middle (2001)")]

    def album_gone() -> list[str]:
        shutil.rmtree(music / "Abba/First (2001)")
        return [str(music / "Abba/First (2001)")]

    def unreadable() -> list[str]:
        shutil.copyfile(media["plain.mp3"], music / "Cure/Second (2002)/04 - New.mp3")
        (music / "Cure/Second (2002)").chmod(0o000)
        return [str(music / "Cure/Second (2002)")]

    return {
        "a new track": new_track,
        "a changed tag": changed_tag,
        "a deleted track": deleted_track,
        "a moved track": moved_track,
        "a new album": new_album,
        "a new album beside a track": album_beside_a_track,
        "an album gone": album_gone,
        "an unreadable album": unreadable,
    }


CHANGES = (
    "a new track",
    "a changed tag",
    "a deleted track",
    "a moved track",
    "a new album",
    "a new album beside a track",
    "an album gone",
    "an unreadable album",
)


@pytest.mark.parametrize("change", CHANGES)
def test_the_spliced_catalog_is_what_a_whole_document_scan_writes(
    base: Path,
    media: dict[str, Path],
    monkeypatch: pytest.MonkeyPatch,
    steady: None,
    change: str,
) -> None:
    scan(base)  # as root: every module the scans as 'nobody' need is imported
    scan(base, [str(base / "Music/Abba")])
    opened(base)
    data = base / "data"
    kept = {path.name: path.read_bytes() for path in data.iterdir() if path.is_file()}
    folders = changes(base, media)[change]()

    def restored() -> None:
        for name, content in kept.items():
            (data / name).write_bytes(content)

    try:
        spliced = _as_nobody(lambda: scan(base, folders))
        spliced_file = (data / "catalog.json").read_bytes()
        restored()
        with monkeypatch.context() as patched:  # today's path: whole documents unpacked
            patched.setattr(scan_folders, "runs_under", lambda document, folders: None)
            whole = _as_nobody(lambda: scan(base, folders))
        whole_file = (data / "catalog.json").read_bytes()
    finally:
        opened(base)
    counts = ("added", "updated", "removed", "moved", "unchanged", "unavailable")
    assert [getattr(spliced, n) for n in counts] == [getattr(whole, n) for n in counts]
    assert spliced.added + spliced.updated + spliced.removed + spliced.moved + spliced.unavailable
    assert spliced_file == whole_file
    raw = orjson.loads(spliced_file)
    assert Catalog(data / "catalog.json").read().items()  # every row reads and checks
    assert len(raw["items"]) == 1


def test_a_move_between_two_scanned_folders_keeps_its_id(
    base: Path, media: dict[str, Path]
) -> None:
    scan(base)
    before = stored(base)["Abba/Second (2002)/03 - Song.mp3"].id
    folders = changes(base, media)["a moved track"]()
    summary = scan(base, folders)
    assert (summary.moved, summary.added, summary.removed) == (1, 0, 0)
    assert stored(base)["Cure/First (2001)/09 - Moved.mp3"].id == before


def test_a_known_id_is_reused_only_when_no_item_has_it(base: Path, media: dict[str, Path]) -> None:
    """A new file the watch store knows by path gets its id back (a catalog rebuilt),
    unless an item anywhere in the catalog has it: found without unpacking a document."""
    scan(base)
    found = stored(base)
    taken = found["Abba/First (2001)/01 - Song.mp3"].id  # outside the folder scanned
    watch = WatchStore(base / "data" / "watch.json")
    music = base / "Music"
    fresh, clash = (
        music / "Blur/First (2001)/05 - Back.mp3",
        music / "Blur/First (2001)/06 - Clash.mp3",
    )
    watch.set_watched(
        MediaItem(id="feedface0001", kind="track", path=str(fresh), root=str(music)), True
    )
    watch.set_watched(MediaItem(id=taken, kind="track", path=str(clash), root=str(music)), True)
    shutil.copyfile(media["plain.mp3"], fresh)
    shutil.copyfile(media["plain.mp3"], clash)
    scan(base, [str(fresh.parent)])
    after = stored(base)
    assert after["Blur/First (2001)/05 - Back.mp3"].id == "feedface0001"
    assert after["Blur/First (2001)/06 - Clash.mp3"].id != taken
    assert after["Abba/First (2001)/01 - Song.mp3"].id == taken


def test_rows_that_do_not_read_set_the_catalog_aside(base: Path, media: dict[str, Path]) -> None:
    scan(base)
    path = base / "data" / "catalog.json"
    raw = orjson.loads(path.read_bytes())
    document = raw["items"]["1"]
    # a row of the album scanned no longer parses (its checksum no longer holds)
    document["rows"] = document["rows"].replace(
        '"Blur/First (2001)/02 - Song.mp3",', '"Blur/First', 1
    )
    path.write_bytes(orjson.dumps(raw))
    shutil.copyfile(media["plain.mp3"], base / "Music/Blur/First (2001)/04 - New.mp3")
    summary = scan(base, [str(base / "Music/Blur/First (2001)")])
    assert summary.warning and "kept as" in summary.warning, summary.warning
    assert list(path.parent.glob("catalog.json.damaged-*"))
    assert len(stored(base)) == 20  # rebuilt: every folder scanned again


WRITER = textwrap.dedent(
    """
    import shutil, sys
    from pathlib import Path
    from kino_tui.core.catalog.store import Catalog
    from kino_tui.core.models import LibraryRoot
    from kino_tui.core.scan.scanner import Scanner
    base = Path(sys.argv[1])
    album = base / "Music/Blur/First (2001)"
    scanner = Scanner(Catalog(base / "data/catalog.json"), None, workers=1)
    print("ready", flush=True)
    for generation in range(1_000_000):
        new = album / f"{generation % 2:02d} - Extra.mp3"
        shutil.copyfile(base / "Music/Cure/00 - Loose.mp3", new)
        scanner.scan([LibraryRoot(str(base / "Music"), "music")], folders=[str(album)])
        new.unlink()
    """
)


def test_a_kill_during_a_spliced_write_leaves_a_whole_catalog(base: Path) -> None:
    scan(base)
    path = base / "data" / "catalog.json"
    for delay in (0.2, 0.45, 0.7, 1.1):
        kill_after(WRITER, [str(base)], delay)
        packed = Catalog(path).read()
        assert all(document.verified for document in packed.documents)  # as kino wrote it
        items = packed.items()
        paths = {os.path.relpath(item.path, base / "Music") for item in items}
        assert {p for p in paths if "Extra" not in p} == set(layout()), delay
        assert len(paths) <= 20


def test_the_documents_it_did_not_touch_are_written_as_they_were(
    base: Path, media: dict[str, Path]
) -> None:
    """Another root's document and the root's other kinds, read as bytes, go back into
    the file as they were stored; only the album's rows change."""
    other = base / "Other"
    (other / "Show/Season 1").mkdir(parents=True)
    for number in (1, 2):
        shutil.copyfile(media["h264.mkv"], other / f"Show/Season 1/Show S01E0{number}.mkv")
    roots = [LibraryRoot(str(base / "Music"), "music"), LibraryRoot(str(other), "tv")]
    catalog = Catalog(base / "data" / "catalog.json")
    Scanner(catalog, None, workers=1).scan(roots)
    before = orjson.loads(catalog.path.read_bytes())["items"]
    shutil.copyfile(media["plain.mp3"], base / "Music/Blur/First (2001)/04 - New.mp3")
    summary = Scanner(catalog, None, workers=1).scan(
        roots, folders=[str(base / "Music/Blur/First (2001)")]
    )
    assert summary.added == 1
    after = orjson.loads(catalog.path.read_bytes())["items"]
    assert [d["root"] for d in after.values()] == [d["root"] for d in before.values()]
    assert after["2"] == before["2"]  # the other root's episodes, byte for byte
    assert after["1"]["rows"] != before["1"]["rows"]
    assert after["1"]["rows"].count("\n") == before["1"]["rows"].count("\n") + 1
