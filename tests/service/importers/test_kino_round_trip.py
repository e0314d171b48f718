"""`kino export --format kino` → `kino import kino FILE` onto another box's catalog, whose
library is the same files mounted at another path: every record comes back."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from kino_tui.config.paths import KinoPaths
from kino_tui.core.models import MediaItem, Progress
from kino_tui.service import Library
from kino_tui.service.importers.matching import relative_path
from tests.conftest import LibraryBuilder

LAYOUT = {
    # two films of the same bytes (size and fingerprint alike): only their paths differ
    "Movies/Heat (1995)/Heat (1995).mkv": "h264.mkv",
    "Movies/Ronin (1998)/Ronin (1998).mkv": "h264.mkv",
    "Movies/Long (2020)/Long (2020).mkv": "long.mkv",
    # two shows whose episodes have the same names and bytes
    "Shows/Dark/Season 1/Dark S01E01.mkv": "hevc.mp4",
    "Shows/Dark/Season 1/Dark S01E02.mkv": "vp9.webm",
    "Shows/Other/Season 1/Dark S01E01.mkv": "hevc.mp4",
    "Music/Artist/Album/01 - Song.flac": "song.flac",
    # a name that is not UTF-8 (an old Latin-1 disk)
    "Movies/" + os.fsdecode(b"Caf\xe9 (2001)/Caf\xe9 (2001).mkv"): "vp9.webm",
}


def _open(paths: KinoPaths, root: Path) -> tuple[Library, dict[str, MediaItem]]:
    library = Library(paths)
    library.add_roots([str(root / "Movies")], "movies")
    library.add_roots([str(root / "Shows")], "shows")
    library.add_roots([str(root / "Music")], "music")
    library.scan()
    items = {relative_path(item): item for item in library.load()[0].items.values()}
    return library, items


@pytest.fixture
def first_box(
    kino_paths: KinoPaths, build_library: LibraryBuilder
) -> tuple[Library, dict[str, MediaItem], Path]:
    root = build_library(LAYOUT)
    library, items = _open(kino_paths, root)
    assert len(items) == len(LAYOUT)
    states = [
        Progress(0.0, 1.0, True, 2, "2024-01-02T03:04:05+00:00"),
        Progress(0.0, 1.0, True, 1, "2024-02-02T03:04:05+00:00"),
        Progress(123.5, 400.0, False, 0, "2024-03-02T03:04:05+00:00"),
        Progress(0.0, 1.0, True, 3, "2024-04-02T03:04:05+00:00"),
        Progress(0.4, 1.0, False, 0, "2024-05-02T03:04:05+00:00"),
        Progress(0.0, 1.0, True, 1, "2024-06-02T03:04:05+00:00"),
        Progress(0.0, 1.0, False, 5, "2024-07-02T03:04:05+00:00"),
        Progress(0.0, 1.0, True, 1, "2024-08-02T03:04:05+00:00"),
    ]
    for item, state in zip(sorted(items.values(), key=lambda i: i.path), states, strict=True):
        library.watch.save(item, state)
    return library, items, root


def _second_box(tmp_path: Path, root: Path) -> tuple[Library, dict[str, MediaItem]]:
    mounted = tmp_path / "mnt" / "nas" / "media"
    shutil.copytree(root, mounted)
    box = KinoPaths(
        tmp_path / "box" / "config", tmp_path / "box" / "data", tmp_path / "box" / "cache"
    )
    return _open(box, mounted)


def test_export_then_import_on_another_box_restores_every_record(
    first_box: tuple[Library, dict[str, MediaItem], Path], run_kino, tmp_path: Path
) -> None:
    library, items, root = first_box
    export = tmp_path / "history.json"
    assert run_kino("export", "--format", "kino", "-o", str(export)).stdout.strip() == (
        f"exported 8 records to {export}"
    )
    document = json.loads(export.read_text())
    assert (document["format"], document["version"]) == ("kino-watch-history", 1)
    heat = next(r for r in document["records"] if r["title"] == "Heat")
    assert heat["relative_path"] == "Heat (1995)/Heat (1995).mkv" and heat["fingerprint"]
    assert set(heat) >= {"ids", "root", "path", "size", "fingerprint", "last_played"}

    box, box_items = _second_box(tmp_path, root)
    assert all(item.id not in library.watch.all() for item in box_items.values())  # new ids
    report = box.import_history("kino", str(export))
    assert (report.matched, len(report.changes), report.unmatched) == (8, 8, [])
    restored = box.watch.all()
    for relative, item in items.items():
        assert restored[box_items[relative].id] == library.watch.get(item.id), relative

    again = box.import_history("kino", str(export))  # a second import changes nothing
    assert (len(again.changes), again.skipped) == (0, 8)


def test_standard_output_is_the_default(first_box, run_kino) -> None:
    document = json.loads(run_kino("export", "--format", "kino").stdout)
    assert len(document["records"]) == 8


def test_records_of_a_removed_folder_are_exported_and_still_match(
    first_box: tuple[Library, dict[str, MediaItem], Path], run_kino, tmp_path: Path
) -> None:
    """`kino remove` keeps watch progress: the export keeps it too (the path it was
    recorded at, no folder), and the other box matches it by that path's tail."""
    library, items, root = first_box
    library.remove_root(str(root / "Music"))
    document = json.loads(run_kino("export", "--format", "kino").stdout)
    (song,) = [r for r in document["records"] if r["path"].endswith(".flac")]
    assert (song["root"], song["relative_path"], song["kind"]) == (None, None, None)
    export = tmp_path / "history.json"
    export.write_text(json.dumps(document))
    box, box_items = _second_box(tmp_path, root)
    report = box.import_history("kino", str(export))
    assert (report.matched, report.unmatched) == (8, [])
    song_item = box_items["Artist/Album/01 - Song.flac"]
    assert box.watch.get(song_item.id) == library.watch.get(items["Artist/Album/01 - Song.flac"].id)


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (
            lambda d: d.update(version=2, kino="9.0"),
            "exported by a newer kino (9.0, format version 2",
        ),
        (lambda d: d.update(format="something"), "is not a kino export"),
        (lambda d: d["records"][3].update(watched="yes"), "record 4 has watched = 'yes'"),
        (
            lambda d: d["records"][0].update(size="big"),
            "record 1 has size = 'big' of the wrong type",
        ),
    ],
)
def test_a_bad_export_imports_nothing(
    first_box, run_kino, tmp_path: Path, change, said: str
) -> None:
    library, items, _ = first_box
    document = json.loads(run_kino("export", "--format", "kino").stdout)
    for item in items.values():  # the box played nothing newer: every record would apply
        library.watch.restore_many([item], {item.id: None})
    change(document)
    export = tmp_path / "bad.json"
    export.write_text(json.dumps(document))
    before = library.paths.watch_file.read_bytes()
    result = run_kino("import", "kino", str(export), check=False)
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert said in line and "nothing was imported" in line
    assert library.paths.watch_file.read_bytes() == before


def test_a_damaged_export_is_one_line(kino_paths, run_kino, tmp_path: Path) -> None:
    export = tmp_path / "cut.json"
    export.write_text('{"format": "kino-watch-history", "version": 1, "records": [{"id"')
    result = run_kino("import", "kino", str(export), check=False)
    assert result.returncode == 2 and "is not a kino export (not JSON" in result.stderr


def test_undo_keeps_what_was_played_since(
    first_box: tuple[Library, dict[str, MediaItem], Path], run_kino, tmp_path: Path
) -> None:
    _, _, root = first_box
    export = tmp_path / "history.json"
    run_kino("export", "--format", "kino", "-o", str(export))
    box, box_items = _second_box(tmp_path, root)
    box.import_history("kino", str(export))
    played = box_items["Long (2020)/Long (2020).mkv"]
    later = Progress(300.0, 400.0, False, 0, "2026-01-01T00:00:00+00:00")
    box.watch.save(played, later)  # played on this box after the import
    undone = box.undo_import()
    assert (undone.restored, undone.kept, undone.source) == (7, 1, "kino")
    assert box.watch.all() == {played.id: later}
    with pytest.raises(Exception, match="nothing to undo"):
        box.undo_import()


def test_an_import_that_cannot_write_keeps_the_earlier_undo(
    first_box: tuple[Library, dict[str, MediaItem], Path],
    run_kino,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Another kino holds the watch file's lock past the wait: the import fails with
    nothing written, and `--undo` still undoes the import before it."""
    from kino_tui.core.errors import LockTimeout
    from kino_tui.core.fsutil import file_lock
    from kino_tui.core.watch import store as watch_store

    _, _, root = first_box
    export = tmp_path / "history.json"
    run_kino("export", "--format", "kino", "-o", str(export))
    box, _ = _second_box(tmp_path, root)
    box.import_history("kino", str(export))
    undo = box.paths.data_dir / "import-undo.json"
    earlier, watch = undo.read_bytes(), box.paths.watch_file.read_bytes()
    document = json.loads(export.read_text())
    for record in document["records"]:
        record["last_played"] = "2030-01-01T00:00:00+00:00"
        record["play_count"] += 1
    export.write_text(json.dumps(document))
    monkeypatch.setattr(watch_store, "LOCK_TIMEOUT", 0.5)
    with file_lock(box.paths.watch_file.with_name("watch.json.lock")), pytest.raises(LockTimeout):
        box.import_history("kino", str(export))
    assert undo.read_bytes() == earlier and box.paths.watch_file.read_bytes() == watch
    assert box.undo_import().restored == 8
