"""Scan stamps: a no-change rescan that neither reads the catalog nor lists a folder, and
never misses a change (real folders, real media, a real catalog file)."""

from __future__ import annotations

import dataclasses
import os
import shutil
import time
from pathlib import Path

import orjson
import pytest

from kino_tui.core.catalog.store import SCHEMA_VERSION, Catalog
from kino_tui.core.models import LibraryRoot, ScanSummary
from kino_tui.core.scan import stamps as scanstamps
from kino_tui.core.scan import unchanged as unchanged_module
from kino_tui.core.scan.scanner import Scanner
from kino_tui.core.scan.state import ANALYSIS_VERSION
from kino_tui.core.walk import listing as listing_module
from kino_tui.core.watch.store import WatchStore
from tests.conftest import LibraryBuilder

LIBRARY = {
    "Movies/Film (2010)/Film (2010).mkv": "h264.mkv",
    "Movies/Film (2010)/poster.jpg": "jpeg",
    "Movies/Other (2011)/Other (2011).mkv": "h264.mkv",
    "TV/Show (2020)/tvshow.nfo": "<tvshow><title>The Show</title></tvshow>",
    "TV/Show (2020)/Season 01/Show S01E01.mkv": "h264.mkv",
    "TV/Show (2020)/Season 01/Show S01E02.mkv": "hevc.mp4",
    "Music/Artist/Album (2001)/01 - Song.mp3": "song.mp3",
    "Music/Artist/Album (2001)/02 - Song.flac": "song.flac",
}
ITEMS = 6


class Spies:
    """What a scan did: which folders it listed, whether it read the catalog file."""

    def __init__(self) -> None:
        self.listed: list[str] = []
        self.catalog_reads = 0


@pytest.fixture
def spies(monkeypatch: pytest.MonkeyPatch) -> Spies:
    seen = Spies()
    real_read_folder, real_read = listing_module._read_folder, Catalog.read

    def read_folder(path: str, within: str | None = None):  # type: ignore[no-untyped-def]
        seen.listed.append(path)
        return real_read_folder(path, within)

    def read(catalog: Catalog):  # type: ignore[no-untyped-def]
        seen.catalog_reads += 1
        return real_read(catalog)

    monkeypatch.setattr(listing_module, "_read_folder", read_folder)
    monkeypatch.setattr(Catalog, "read", read)
    return seen


@pytest.fixture
def not_racy(monkeypatch: pytest.MonkeyPatch) -> None:
    """Folders made a moment ago count as settled (else a stamp trusts folder times only
    two seconds after their last change)."""
    monkeypatch.setattr(scanstamps, "RACY_NS", 0)


@pytest.fixture
def catalog_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "catalog.json"


def scan(root: Path, catalog_path: Path, workers: int = 1, **root_options: object) -> ScanSummary:
    catalog = Catalog(catalog_path)
    watch = WatchStore(catalog_path.with_name("watch.json"))
    library = LibraryRoot(str(root), "mixed", **root_options)  # type: ignore[arg-type]
    return Scanner(catalog, watch, workers=workers).scan([library])


def stamps_file(catalog_path: Path) -> scanstamps.ScanStamps:
    return scanstamps.ScanStamps(catalog_path, f"{SCHEMA_VERSION}/{ANALYSIS_VERSION}")


def _raw_stamps(catalog_path: Path) -> dict[str, scanstamps.RootStamp]:
    """The stamps as stored (none without a file)."""
    return stamps_file(catalog_path).read()


def counts(summary: ScanSummary) -> tuple[int, int, int, int, int]:
    return summary.added, summary.updated, summary.moved, summary.removed, summary.unchanged


def test_a_no_change_rescan_stats_and_neither_lists_nor_reads_the_catalog(
    build_library: LibraryBuilder, catalog_path: Path, spies: Spies, not_racy: None
) -> None:
    root = build_library(LIBRARY)
    assert scan(root, catalog_path).added == ITEMS
    stamp = _raw_stamps(catalog_path)[str(root)]
    assert stamp.items == ITEMS and stamp.folders is not None
    catalog_before = catalog_path.stat()
    spies.listed.clear()
    spies.catalog_reads = 0
    summary = scan(root, catalog_path)
    assert counts(summary) == (0, 0, 0, 0, ITEMS)
    assert (summary.problems, summary.warning, summary.stopped) == ([], None, False)
    assert spies.listed == [] and spies.catalog_reads == 0
    after = catalog_path.stat()
    assert (after.st_ino, after.st_mtime_ns) == (catalog_before.st_ino, catalog_before.st_mtime_ns)


def test_a_file_changed_in_place_with_its_size_is_seen(
    build_library: LibraryBuilder, catalog_path: Path, spies: Spies, not_racy: None
) -> None:
    root = build_library(LIBRARY)
    scan(root, catalog_path)
    target = root / "Movies/Other (2011)/Other (2011).mkv"
    status = target.stat()
    folder_before = target.parent.stat()
    replacement = (root / "TV/Show (2020)/Season 01/Show S01E02.mkv").read_bytes()
    with open(target, "r+b") as handle:  # same size, new content, in place
        handle.write(replacement[: status.st_size].ljust(status.st_size, b"\0"))
    os.utime(target, ns=(status.st_atime_ns, status.st_mtime_ns + 1_000_000_000))
    folder_after = target.parent.stat()
    assert (folder_after.st_mtime_ns, folder_after.st_ino) == (
        folder_before.st_mtime_ns,
        folder_before.st_ino,
    )  # its folder does not show it: the file's own mtime does
    assert target.stat().st_size == status.st_size
    spies.catalog_reads = 0
    summary = scan(root, catalog_path)
    assert spies.catalog_reads == 1  # the quick check saw it: the ordinary scan ran
    assert summary.files_read == 1 and summary.updated + summary.unchanged == ITEMS


def test_a_new_file_in_an_old_folder_is_seen(
    build_library: LibraryBuilder, catalog_path: Path, media: dict[str, Path], not_racy: None
) -> None:
    root = build_library(LIBRARY)
    scan(root, catalog_path)
    shutil.copyfile(media["h264.mkv"], root / "TV/Show (2020)/Season 01/Show S01E03.mkv")
    summary = scan(root, catalog_path)
    assert counts(summary) == (1, 0, 0, 0, ITEMS)
    assert scan(root, catalog_path).unchanged == ITEMS + 1


def test_a_folder_whose_mtime_is_put_back_is_still_seen(
    build_library: LibraryBuilder, catalog_path: Path, media: dict[str, Path], not_racy: None
) -> None:
    """As a copy that keeps times (rsync -t, cp -p) does: the folder's ctime shows it."""
    root = build_library(LIBRARY)
    scan(root, catalog_path)
    folder = root / "Music/Artist/Album (2001)"
    before = folder.stat()
    shutil.copyfile(media["song.mp3"], folder / "03 - New Song.mp3")
    os.utime(folder, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert folder.stat().st_mtime_ns == before.st_mtime_ns
    summary = scan(root, catalog_path)
    assert counts(summary) == (1, 0, 0, 0, ITEMS)


def test_removed_and_renamed_folders_are_seen(
    build_library: LibraryBuilder, catalog_path: Path, not_racy: None
) -> None:
    root = build_library(LIBRARY)
    scan(root, catalog_path)
    shutil.rmtree(root / "TV/Show (2020)/Season 01")
    (root / "Movies/Film (2010)").rename(root / "Movies/Film Renamed (2010)")
    summary = scan(root, catalog_path)
    assert (summary.removed, summary.moved) == (2, 1)


def test_an_offline_root_keeps_its_items(
    build_library: LibraryBuilder, catalog_path: Path, not_racy: None
) -> None:
    root = build_library(LIBRARY)
    scan(root, catalog_path)
    hidden = root.with_name("unmounted")
    root.rename(hidden)
    summary = scan(root, catalog_path)
    assert (summary.removed, summary.unavailable) == (0, ITEMS)
    assert str(root) not in _raw_stamps(catalog_path)  # no stamp while items are away
    root.mkdir()  # an empty mount point
    assert (scan(root, catalog_path).unavailable, scan(root, catalog_path).removed) == (ITEMS, 0)
    root.rmdir()
    hidden.rename(root)
    summary = scan(root, catalog_path)
    assert (summary.updated, summary.removed) == (ITEMS, 0)
    assert scan(root, catalog_path).unchanged == ITEMS


@pytest.mark.parametrize("where", ["first half", "second half"])
def test_the_check_in_two_processes_sees_a_change_in_either_half(
    build_library: LibraryBuilder,
    catalog_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    spies: Spies,
    not_racy: None,
    where: str,
) -> None:
    monkeypatch.setattr(scanstamps, "PARALLEL_STATS", 1)
    monkeypatch.setattr(unchanged_module, "_can_fork", lambda: True)
    checks: list[tuple[bool, bool]] = []  # (in two processes, unchanged)
    real = unchanged_module.quick_unchanged

    def quick_unchanged(stamps: list, parallel: bool = False) -> bool:  # type: ignore[type-arg]
        same = real(stamps, parallel)
        checks.append((parallel, same))
        return same

    monkeypatch.setattr(unchanged_module, "quick_unchanged", quick_unchanged)
    root = build_library(LIBRARY)
    scan(root, catalog_path, workers=2)
    texts = _raw_stamps(catalog_path)[str(root)].folders
    assert texts is not None
    first, second = (orjson.loads(text) for text in texts)  # each process's share
    assert first and second
    spies.catalog_reads = 0
    assert scan(root, catalog_path, workers=2).unchanged == ITEMS
    assert checks == [(True, True)] and spies.catalog_reads == 0
    # a file of a folder in the first or the second share grows by a byte
    share = first if where == "first half" else second
    path, files = next(folder for folder in share if folder[5])[::5]
    with open(os.path.join(path, files[0]), "ab") as handle:
        handle.write(b"\0")
    checks.clear()
    summary = scan(root, catalog_path, workers=2)
    assert checks == [(True, False)] and spies.catalog_reads == 1
    assert summary.updated + summary.unchanged == ITEMS and summary.files_read >= 1


def test_folders_changed_just_before_the_walk_are_listed(
    build_library: LibraryBuilder, catalog_path: Path, media: dict[str, Path], spies: Spies
) -> None:
    """Two changes within one timestamp tick leave a folder's mtime as it was: a folder
    changed less than two seconds before the stamping walk is never trusted unlisted."""
    root = build_library(LIBRARY)
    scan(root, catalog_path)
    stamp = _raw_stamps(catalog_path)[str(root)]
    assert stamp.folders is None and stamp.items == ITEMS  # just made: walked next time
    spies.listed.clear()
    assert scan(root, catalog_path).unchanged == ITEMS
    assert spies.listed  # walked, and the walk's digest matched
    settled = time.time_ns() - 3_000_000_000
    for path in [root, *root.rglob("*")]:
        os.utime(path, ns=(settled, settled))
    # the ctimes are still new: folders as new as that are still not trusted
    scan(root, catalog_path)
    assert _raw_stamps(catalog_path)[str(root)].folders is None


def test_untrusted_file_systems_and_symlinks_are_walked(
    build_library: LibraryBuilder,
    catalog_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    spies: Spies,
    not_racy: None,
) -> None:
    root = build_library({**LIBRARY, ".stash/Extra (2012)/Extra (2012).mkv": "h264.mkv"})
    trusted = scanstamps.TRUSTED_FILE_SYSTEMS
    monkeypatch.setattr(scanstamps, "TRUSTED_FILE_SYSTEMS", frozenset({"no such fs"}))
    scan(root, catalog_path)  # a network share, say
    assert _raw_stamps(catalog_path)[str(root)].folders is None
    spies.listed.clear()
    assert scan(root, catalog_path).unchanged == ITEMS
    assert spies.listed  # walked
    monkeypatch.setattr(scanstamps, "TRUSTED_FILE_SYSTEMS", trusted)
    scan(root, catalog_path)  # the walk matched its digest: now trusted, it is stamped
    assert _raw_stamps(catalog_path)[str(root)].folders is not None
    (root / "Movies/Extra (2012)").symlink_to(root / ".stash/Extra (2012)")
    summary = scan(root, catalog_path)  # a hidden folder, linked: a film more
    assert (summary.problems, summary.added) == ([], 1)
    assert _raw_stamps(catalog_path)[str(root)].folders is None  # a link: walked each time
    spies.listed.clear()
    assert scan(root, catalog_path).unchanged == ITEMS + 1
    assert spies.listed


def test_a_folder_changed_by_other_files_is_stamped_again(
    build_library: LibraryBuilder, catalog_path: Path, spies: Spies, not_racy: None
) -> None:
    """A file kino does not index changes its folder's times: the walk finds nothing
    changed, and stamps the folder's new times for the next scan."""
    root = build_library(LIBRARY)
    scan(root, catalog_path)
    (root / "Movies/Film (2010)/notes.txt").write_text("not media")
    spies.listed.clear()
    assert counts(scan(root, catalog_path)) == (0, 0, 0, 0, ITEMS)
    assert spies.listed and spies.catalog_reads == 1  # walked; the catalog read only once
    spies.listed.clear()
    assert counts(scan(root, catalog_path)) == (0, 0, 0, 0, ITEMS)
    assert spies.listed == [] and spies.catalog_reads == 1


def test_a_root_given_another_type_is_read_again(
    build_library: LibraryBuilder, catalog_path: Path, not_racy: None
) -> None:
    root = build_library(LIBRARY)
    scan(root, catalog_path)
    assert _raw_stamps(catalog_path)[str(root)].folders is not None
    catalog = Catalog(catalog_path)
    watch = WatchStore(catalog_path.with_name("watch.json"))
    summary = Scanner(catalog, watch).scan([LibraryRoot(str(root), "movies")])
    assert summary.files_read == ITEMS  # every folder read again, as movies this time
    assert _raw_stamps(catalog_path)[str(root)].settings.startswith("movies|")


def test_a_catalog_written_since_the_stamp_is_read(
    build_library: LibraryBuilder, catalog_path: Path, spies: Spies, not_racy: None
) -> None:
    root = build_library(LIBRARY)
    scan(root, catalog_path)
    catalog = Catalog(catalog_path)
    data = catalog.load()
    first = next(iter(data.items.values()))
    first.title = "Changed elsewhere"
    catalog.save(data)  # another kino (or a root removal) wrote the catalog
    spies.catalog_reads = 0
    assert scan(root, catalog_path).unchanged == ITEMS
    assert spies.catalog_reads == 1
    assert Catalog(catalog_path).load().items[first.id].title == "Changed elsewhere"


@pytest.mark.parametrize(
    "content",
    [b"", b"{not json", b'{"version": 1}', b"[]", b'{"version": "%s", "catalog": null}', None],
)
def test_a_damaged_stamps_file_is_ignored_and_rewritten(
    build_library: LibraryBuilder, catalog_path: Path, not_racy: None, content: bytes | None
) -> None:
    root = build_library(LIBRARY)
    scan(root, catalog_path)
    path = catalog_path.with_name("catalog.stamps")
    if content is None:  # cut short: the texts' places are past its end
        content = path.read_bytes()[:-100]
        path.write_bytes(content)
        assert _raw_stamps(catalog_path)[str(root)].folders is None
    path.write_bytes(content)
    summary = scan(root, catalog_path)
    assert counts(summary) == (0, 0, 0, 0, ITEMS) and summary.warning is None
    assert _raw_stamps(catalog_path)[str(root)].items == ITEMS


@pytest.mark.parametrize(
    "text", ["not json", "{}", "[]", '[["/", 1, 2, 3, 4, ["a name", "not a size"]]]', "[[1]]"]
)
def test_damaged_folder_records_only_fail_the_quick_check(
    build_library: LibraryBuilder, catalog_path: Path, spies: Spies, not_racy: None, text: str
) -> None:
    root = build_library(LIBRARY)
    scan(root, catalog_path)
    stamps = stamps_file(catalog_path)
    stamp = stamps.read()[str(root)]
    assert stamp.folders is not None
    damaged = [stamp.folders[0], text.encode()]  # not as kino writes it
    stamps.write({str(root): dataclasses.replace(stamp, folders=damaged)})
    assert _raw_stamps(catalog_path)[str(root)].folders == damaged
    spies.catalog_reads = 0
    assert counts(scan(root, catalog_path)) == (0, 0, 0, 0, ITEMS)
    assert spies.catalog_reads == 0  # the walk's digest still matched
    assert _raw_stamps(catalog_path)[str(root)].folders == stamp.folders  # stamped again


def test_a_stamped_rescan_imports_only_what_it_needs(
    build_library: LibraryBuilder, tmp_path: Path
) -> None:
    """A no-change rescan is stats and little else: the process imports no walker, naming
    rules, probes, live-update follower, or history import and export (at 250,000 tracks
    those imports were a tenth of the rescan; `kino scan` reaches the Library as any
    command does)."""
    import subprocess
    import sys

    root = build_library({f"Show/Season 1/Show S01E{n:02d}.mkv": "h264.mkv" for n in (1, 2)})
    env = {
        **os.environ,
        **{f"XDG_{n}_HOME": str(tmp_path / n.lower()) for n in ("CONFIG", "DATA", "CACHE")},
    }
    kino = [sys.executable, "-m", "kino_tui"]
    subprocess.run([*kino, "add", "--type", "shows", str(root)], env=env, check=True)
    time.sleep(scanstamps.RACY_NS / 1e9 + 0.1)  # folders older than the racy window
    subprocess.run([*kino, "scan", "--json"], env=env, check=True, capture_output=True)
    code = (
        "import sys, json\nfrom kino_tui.cli import run\n"
        "sys.argv = ['kino', 'scan', '--json']\nrun(['scan', '--json'])\n"
        "print(json.dumps(sorted(sys.modules)), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True
    )
    assert orjson.loads(done.stdout)["unchanged"] == 2
    imported = set(orjson.loads(done.stderr.strip().splitlines()[-1]))
    assert "kino_tui.core.scan.stamps" in imported  # the check did run
    for module in (
        "kino_tui.core.walk.walker", "kino_tui.core.naming.rules", "kino_tui.core.scan.analysis",
        "kino_tui.core.follow.follower", "kino_tui.service.exporting", "kino_tui.service.importers",
        "mutagen", "pymediainfo",
    ):  # fmt: skip
        assert module not in imported, module
