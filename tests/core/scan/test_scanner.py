"""Scanning real folders of ffmpeg-made media into a real catalog file."""

from __future__ import annotations

import os
import shutil
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import orjson
import pytest

from kino_tui.core.browse.view import LibraryView
from kino_tui.core.catalog import rows as catalog_rows
from kino_tui.core.catalog.store import Catalog
from kino_tui.core.models import LibraryRoot, MediaItem, Progress, ScanSummary
from kino_tui.core.scan.scanner import Scanner
from kino_tui.core.walk import listing as listing_module
from kino_tui.core.walk import walker as walker_module
from kino_tui.core.walk.listing import WalkResult
from kino_tui.core.walk.walker import walk
from kino_tui.core.watch.store import WatchStore
from tests.conftest import LibraryBuilder

T = TypeVar("T")

NFO = """<movie><title>Proper Title</title><year>2011</year><plot>The [b]plot[/b].</plot>
<genre>Drama</genre><rating>7.5</rating><uniqueid type="imdb">tt1234567</uniqueid></movie>"""

REALISTIC = {
    "Movies/Film (2010)/Film (2010).mkv": "h264.mkv",
    "Movies/Film (2010)/Film (2010).en.srt": "1\n00:00:00,000 --> 00:00:01,000\nhi\n",
    "Movies/Film (2010)/Film (2010).fr.forced.ass": "[Script Info]\n",
    "Movies/Film (2010)/poster.jpg": "jpeg",
    "Movies/Film (2010)/fanart.jpg": "jpeg",
    "Movies/Film (2010)/Extras/Making of.mkv": "vp9.webm",
    "Movies/Film (2010)/Film (2010)-trailer.mp4": "hevc.mp4",
    "Movies/Stacked (1999)/Stacked (1999) cd2.avi": "mpeg4.avi",
    "Movies/Stacked (1999)/Stacked (1999) cd1.avi": "mpeg4.avi",
    "Movies/Named Badly/movie.nfo": NFO,
    "Movies/Named Badly/whatever.mkv": "h264.mkv",
    "Movies/Release.Name.2015.1080p.BluRay.x264-GRP.mkv": "h264.mkv",
    "TV/Show (2020)/tvshow.nfo": "<tvshow><title>The Show</title><genre>Comedy</genre></tvshow>",
    "TV/Show (2020)/poster.jpg": "jpeg",
    "TV/Show (2020)/season01-poster.jpg": "jpeg",
    "TV/Show (2020)/season02-poster.jpg": "jpeg",
    "TV/Show (2020)/Season 01/Show S01E01.mkv": "h264.mkv",
    "TV/Show (2020)/Season 01/Show S01E02-E03.mkv": "hevc.mp4",
    "TV/Show (2020)/Season 01/Show S01E02-E03-thumb.jpg": "jpeg",
    "TV/Show (2020)/Season 02/03.mkv": "vp9.webm",
    "TV/Show (2020)/Specials/Show S00E01.mkv": "mpeg4.avi",
    "Music/Test Artist/Test Album (2001)/03 - Test Song.mp3": "song.mp3",
    "Music/Test Artist/Test Album (2001)/04 - Song Flac.flac": "song.flac",
    "Music/Test Artist/Test Album (2001)/cover.jpg": "jpeg",
    "Music/Someone/Untagged (1990)/07 - Loose Song.mp3": "plain.mp3",
    "Home/birthday.mp4": "hevc.mp4",
}


def scan(root: Path, catalog_path: Path, root_type: str = "mixed", **kwargs) -> ScanSummary:
    catalog = Catalog(catalog_path)
    watch = WatchStore(catalog_path.with_name("watch.json"))
    return Scanner(catalog, watch, **kwargs).scan([LibraryRoot(str(root), root_type)])  # type: ignore[arg-type]


def items(catalog_path: Path) -> dict[str, MediaItem]:
    """Items by path relative to the library root."""
    data = Catalog(catalog_path).load()
    return {os.path.relpath(item.path, item.root): item for item in data.items.values()}


@pytest.fixture
def catalog_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "catalog.json"


def test_realistic_library(build_library: LibraryBuilder, catalog_path: Path) -> None:
    root = build_library(REALISTIC)
    summary = scan(root, catalog_path)
    assert summary.added == 14 and summary.errors == 0, summary
    found = items(catalog_path)

    film = found["Movies/Film (2010)/Film (2010).mkv"]
    assert (film.kind, film.title, film.year) == ("movie", "Film", 2010)
    assert film.poster == f"{root}/Movies/Film (2010)/poster.jpg"
    assert film.fanart == f"{root}/Movies/Film (2010)/fanart.jpg"
    assert [(s.language, s.codec, s.external, s.forced) for s in film.subtitles] == [
        ("ger", "subrip", False, False),
        ("spa", "subrip", False, False),
        ("eng", "subrip", True, False),
        ("fre", "ass", True, True),
    ]
    making_of = found["Movies/Film (2010)/Extras/Making of.mkv"]
    trailer = found["Movies/Film (2010)/Film (2010)-trailer.mp4"]
    assert (making_of.kind, making_of.extra_type, making_of.extra_of) == ("extra", "extra", film.id)
    assert (trailer.kind, trailer.extra_type, trailer.extra_of) == ("extra", "trailer", film.id)

    stacked = found["Movies/Stacked (1999)/Stacked (1999) cd1.avi"]
    assert "Movies/Stacked (1999)/Stacked (1999) cd2.avi" not in found
    assert [p.rsplit("/", 1)[1] for p in stacked.parts] == [
        "Stacked (1999) cd1.avi",
        "Stacked (1999) cd2.avi",
    ]
    assert (stacked.title, stacked.year) == ("Stacked", 1999)
    assert stacked.duration == pytest.approx(2.08, abs=0.2)

    badly = found["Movies/Named Badly/whatever.mkv"]
    assert (badly.kind, badly.title, badly.year, badly.rating) == (
        "movie",
        "Proper Title",
        2011,
        7.5,
    )
    assert badly.genres == ["Drama"] and badly.ids["imdb"] == "tt1234567"
    assert badly.plot == "The [b]plot[/b]."
    release = found["Movies/Release.Name.2015.1080p.BluRay.x264-GRP.mkv"]
    assert (release.kind, release.title, release.year) == ("movie", "Release Name", 2015)

    first = found["TV/Show (2020)/Season 01/Show S01E01.mkv"]
    double = found["TV/Show (2020)/Season 01/Show S01E02-E03.mkv"]
    bare = found["TV/Show (2020)/Season 02/03.mkv"]
    special = found["TV/Show (2020)/Specials/Show S00E01.mkv"]
    assert (first.kind, first.series, first.season, first.episode) == ("episode", "The Show", 1, 1)
    assert first.genres == ["Comedy"]
    assert (double.episode, double.episode_end) == (2, 3)
    assert double.thumb and double.thumb.endswith("Show S01E02-E03-thumb.jpg")
    show_folder = f"{root}/TV/Show (2020)"
    assert first.poster == f"{show_folder}/season01-poster.jpg"
    assert bare.poster == f"{show_folder}/season02-poster.jpg"
    assert special.poster == first.show_poster == bare.show_poster == f"{show_folder}/poster.jpg"
    view = LibraryView(found.values(), {})
    (show,) = view.section("shows")
    assert show.poster == f"{show_folder}/poster.jpg"  # each level has its own poster
    assert [(s.title, s.poster) for s in view.children(show)] == [
        ("Season 1", f"{show_folder}/season01-poster.jpg"),
        ("Season 2", f"{show_folder}/season02-poster.jpg"),
        ("Specials", f"{show_folder}/poster.jpg"),
    ]
    assert (bare.series, bare.season, bare.episode) == ("The Show", 2, 3)
    assert (special.season, special.episode) == (0, 1)

    song = found["Music/Test Artist/Test Album (2001)/03 - Test Song.mp3"]
    assert (song.kind, song.artist, song.album_artist, song.album) == (
        "track",
        "Test Artist",
        "Various Artists",
        "Test Album",
    )
    assert (song.title, song.track, song.disc, song.year, song.genres) == (
        "Test Song",
        3,
        1,
        2001,
        ["Jazz"],
    )
    assert song.embedded_cover and song.poster and song.poster.endswith("cover.jpg")
    loose = found["Music/Someone/Untagged (1990)/07 - Loose Song.mp3"]
    assert (loose.artist, loose.album, loose.year, loose.track, loose.title) == (
        "Someone",
        "Untagged",
        1990,
        7,
        "Loose Song",
    )
    assert not loose.embedded_cover and loose.poster is None
    home = found["Home/birthday.mp4"]
    assert (home.kind, home.title) == ("video", "birthday")


def test_root_types_guide_classification(build_library: LibraryBuilder, catalog_path: Path) -> None:
    root = build_library({"Some Show/Season 2/02.avi": "mpeg4.avi", "Odd Name.mkv": "h264.mkv"})
    scan(root, catalog_path, "shows")
    found = items(catalog_path)
    assert (
        found["Some Show/Season 2/02.avi"].kind,
        found["Some Show/Season 2/02.avi"].episode,
    ) == (
        "episode",
        2,
    )
    # under a shows root every video is an episode, a numberless one too (issue 11)
    odd = found["Odd Name.mkv"]
    assert (odd.kind, odd.series, odd.episode) == ("episode", "Odd Name", None)


def test_a_shows_root_of_release_names(build_library: LibraryBuilder, catalog_path: Path) -> None:
    """Issue 11: release folders, fansub names and numberless files all become episodes of
    the right show, and a show without season folders is one Season 1 in the browser."""
    root = build_library(
        {
            "Show.Name.S01.1080p.WEB-DL-GRP/Show.Name.S01E01.First.Light.1080p.WEB-DL-GRP.mkv": (
                "h264.mkv"
            ),
            "Show.Name.S01.1080p.WEB-DL-GRP/Show.Name.S01E02-E03.1080p.WEB-DL-GRP.mkv": "h264.mkv",
            "Anime/[Group] Anime - 02 [1080p][ABCD1234].mkv": "h264.mkv",
            "Anime/[Group] Anime - 01 [1080p][1234ABCD].mkv": "h264.mkv",
            "Anime/Anime - Recap.mkv": "h264.mkv",
            "24/Season 1/24 - 1x01.avi": "mpeg4.avi",
            "24/Specials/Making Of.avi": "mpeg4.avi",
        }
    )
    scan(root, catalog_path, "shows")
    found = items(catalog_path)
    read = {
        path: (item.kind, item.series, item.season, item.episode, item.episode_end, item.title)
        for path, item in found.items()
    }
    release = "Show.Name.S01.1080p.WEB-DL-GRP/Show.Name"
    assert read == {
        f"{release}.S01E01.First.Light.1080p.WEB-DL-GRP.mkv": (
            "episode",
            "Show Name",
            1,
            1,
            None,
            "First Light",
        ),
        f"{release}.S01E02-E03.1080p.WEB-DL-GRP.mkv": ("episode", "Show Name", 1, 2, 3, None),
        "Anime/[Group] Anime - 02 [1080p][ABCD1234].mkv": ("episode", "Anime", None, 2, None, None),
        "Anime/[Group] Anime - 01 [1080p][1234ABCD].mkv": ("episode", "Anime", None, 1, None, None),
        "Anime/Anime - Recap.mkv": ("episode", "Anime", None, None, None, "Anime - Recap"),
        "24/Season 1/24 - 1x01.avi": ("episode", "24", 1, 1, None, None),
        "24/Specials/Making Of.avi": ("episode", "24", 0, None, None, "Making Of"),
    }
    view = LibraryView(found.values(), {})
    anime = next(entry for entry in view.section("shows") if entry.title == "Anime")
    (season,) = view.season_entries("Anime")
    assert season.title == "Season 1"  # and the show opens straight on its episodes:
    names = [entry.item.path.rpartition("/")[2] for entry in view.children(anime) if entry.item]
    assert names == [
        "[Group] Anime - 01 [1080p][1234ABCD].mkv",
        "[Group] Anime - 02 [1080p][ABCD1234].mkv",
        "Anime - Recap.mkv",
    ]


def test_no_change_rescan_reads_nothing(build_library: LibraryBuilder, catalog_path: Path) -> None:
    root = build_library(REALISTIC)
    scan(root, catalog_path)
    before = {path: item.to_dict() for path, item in items(catalog_path).items()}
    # Overwrite a file's content while keeping its size and mtime: a rescan that
    # opened it would now record an error.
    target = root / "Movies/Film (2010)/Film (2010).mkv"
    status = target.stat()
    target.write_bytes(b"\0" * status.st_size)
    os.utime(target, ns=(status.st_atime_ns, status.st_mtime_ns))
    summary = scan(root, catalog_path)
    assert (summary.added, summary.updated, summary.removed, summary.unchanged) == (0, 0, 0, 14)
    after = {path: item.to_dict() for path, item in items(catalog_path).items()}
    assert after == before


def test_changed_sidecar_refreshes_its_folder(
    build_library: LibraryBuilder, catalog_path: Path
) -> None:
    root = build_library(REALISTIC)
    scan(root, catalog_path)
    (root / "Movies/Named Badly/movie.nfo").write_text(NFO.replace("Proper Title", "Renamed"))
    summary = scan(root, catalog_path)
    assert summary.updated == 1
    assert items(catalog_path)["Movies/Named Badly/whatever.mkv"].title == "Renamed"


def test_moves_keep_identity(build_library: LibraryBuilder, catalog_path: Path) -> None:
    root = build_library(REALISTIC)
    scan(root, catalog_path)
    before = items(catalog_path)
    film_id = before["Movies/Film (2010)/Film (2010).mkv"].id
    song_id = before["Music/Test Artist/Test Album (2001)/03 - Test Song.mp3"].id
    home_id = before["Home/birthday.mp4"].id
    # a rename (same inode)
    (root / "Movies/Film (2010)").rename(root / "Movies/Film Renamed (2010)")
    # a move across folders
    (root / "Music/Other").mkdir()
    (root / "Music/Test Artist/Test Album (2001)/03 - Test Song.mp3").rename(
        root / "Music/Other/moved.mp3"
    )
    # a copy then delete (new inode, same content)
    shutil.copyfile(root / "Home/birthday.mp4", root / "Home/birthday party.mp4")
    (root / "Home/birthday.mp4").unlink()
    summary = scan(root, catalog_path)
    # the film, its trailer and its extra moved with the folder; the song; the copy
    assert (summary.moved, summary.added, summary.removed) == (5, 0, 0), summary
    after = items(catalog_path)
    assert after["Movies/Film Renamed (2010)/Film (2010).mkv"].id == film_id
    assert after["Music/Other/moved.mp3"].id == song_id
    assert after["Home/birthday party.mp4"].id == home_id


def test_deleted_files_are_removed_when_visible(
    build_library: LibraryBuilder, catalog_path: Path
) -> None:
    root = build_library(REALISTIC)
    scan(root, catalog_path)
    (root / "Home/birthday.mp4").unlink()
    shutil.rmtree(root / "TV/Show (2020)/Specials")
    summary = scan(root, catalog_path)
    assert summary.removed == 2
    assert "Home/birthday.mp4" not in items(catalog_path)


def test_offline_root_keeps_everything(build_library: LibraryBuilder, catalog_path: Path) -> None:
    root = build_library(REALISTIC)
    scan(root, catalog_path)
    hidden = root.with_name("unmounted")
    root.rename(hidden)
    summary = scan(root, catalog_path)
    assert (summary.removed, summary.unavailable) == (0, 14)
    assert "offline" in summary.problems[0].message
    assert all(not item.available for item in items(catalog_path).values())
    # an empty mount point is offline too
    root.mkdir()
    summary = scan(root, catalog_path)
    assert (summary.removed, summary.unavailable) == (0, 14)
    root.rmdir()
    hidden.rename(root)
    summary = scan(root, catalog_path)
    assert summary.removed == 0 and summary.updated == 14
    assert all(item.available for item in items(catalog_path).values())


def test_empty_subfolder_mount_keeps_items(
    build_library: LibraryBuilder, catalog_path: Path
) -> None:
    """A nested mount (root/disk2) that goes down leaves an empty folder behind."""
    root = build_library(
        {"disk1/a (2001).mkv": "h264.mkv", "disk2/Movies/b (2002).mkv": "h264.mkv"}
    )
    scan(root, catalog_path)
    shutil.rmtree(root / "disk2")
    (root / "disk2").mkdir()
    summary = scan(root, catalog_path)
    assert (summary.removed, summary.unavailable) == (0, 1)
    assert not items(catalog_path)["disk2/Movies/b (2002).mkv"].available


def test_bad_input_never_stops_a_scan(
    build_library: LibraryBuilder, catalog_path: Path, media: dict[str, Path]
) -> None:
    root = build_library(
        {
            "zero.mkv": "",
            "noise.mkv": "not a video at all" * 100,
            "fake.mp3": "nope" * 100,
            "good (2001).mkv": "h264.mkv",
            "Hostile (2002)/Hostile (2002).mkv": "h264.mkv",
            "Hostile (2002)/Hostile (2002).nfo": '<!DOCTYPE m [<!ENTITY a "aaaa">]><movie><title>&a;</title></movie>',
            "Broken (2003)/Broken (2003).mkv": "h264.mkv",
            "Broken (2003)/movie.nfo": "<movie><title>unclosed</movie>",
        }
    )
    (root / "zero.mkv").write_bytes(b"")
    data = media["h264.mkv"].read_bytes()
    (root / "truncated (2004).mkv").write_bytes(data[: len(data) // 2])
    (root / os.fsdecode(b"caf\xe9 [bold]x[red] (2005).mkv")).write_bytes(data)
    (root / "loop").mkdir()
    (root / "loop" / "again").symlink_to(root)
    (root / "dangling.mkv").symlink_to(root / "nowhere.mkv")
    summary = scan(root, catalog_path)
    found = items(catalog_path)
    messages = " | ".join(f"{p.path}: {p.message}" for p in summary.problems)
    assert found["zero.mkv"].error == "empty file (0 bytes)"
    assert "no video stream" in (found["noise.mkv"].error or "")
    assert found["fake.mp3"].error
    assert found["good (2001).mkv"].error is None
    assert found["Hostile (2002)/Hostile (2002).mkv"].title == "Hostile"
    assert "refused" in messages and "malformed" in messages
    assert "symlink loop" in messages and "dangling.mkv" in messages
    weird = found[os.fsdecode(b"caf\xe9 [bold]x[red] (2005).mkv")]
    assert weird.year == 2005 and weird.error is None
    assert os.fsencode(weird.path).endswith(b"caf\xe9 [bold]x[red] (2005).mkv")
    assert "truncated (2004).mkv" in found
    assert len([p for p in found if p.startswith("loop")]) == 0


def _scan_as_nobody(root: Path, catalog_path: Path) -> ScanSummary:
    """Root reads every folder, so run the scan in a child that dropped to 'nobody'."""
    return _as_nobody(lambda: scan(root, catalog_path))


def _as_nobody(action: Callable[[], T]) -> T:
    """Run ``action`` in a child that dropped to 'nobody' (when running as root)."""
    if os.geteuid() != 0:
        return action()
    import pickle

    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(read_end)
        status = 0
        try:
            os.setgid(65534)
            os.setuid(65534)
            os.write(write_end, pickle.dumps(action()))
        except BaseException:
            traceback.print_exc()
            status = 1
        finally:
            os._exit(status)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        payload = pipe.read()
    _, status = os.waitpid(pid, 0)
    assert status == 0 and payload, "the unprivileged run failed"
    result: T = pickle.loads(payload)
    return result


def test_unreadable_folder_keeps_its_items(media: dict[str, Path]) -> None:
    base = Path(tempfile.mkdtemp(prefix="kino-shared-", dir="/tmp"))
    base.chmod(0o777)
    root = base / "lib"
    for relative in ("open/a (2001).mkv", "locked/b (2002).mkv"):
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(media["h264.mkv"], root / relative)
    catalog_path = base / "data" / "catalog.json"
    catalog_path.parent.mkdir()
    for path in [root, *root.rglob("*"), catalog_path.parent]:
        path.chmod(0o777 if path.is_dir() else 0o666)
    first = _scan_as_nobody(root, catalog_path)
    assert first.added == 2
    (root / "locked").chmod(0o000)
    try:
        summary = _scan_as_nobody(root, catalog_path)
    finally:
        (root / "locked").chmod(0o777)
    assert (summary.removed, summary.unavailable) == (0, 1)
    assert any("cannot read folder" in p.message for p in summary.problems)
    found = items(catalog_path)
    assert not found["locked/b (2002).mkv"].available
    assert found["open/a (2001).mkv"].available
    shutil.rmtree(base)


def test_parallel_first_scan_matches_serial(build_library: LibraryBuilder, tmp_path: Path) -> None:
    layout = {f"Show/Season 1/Show S01E{n:02d}.mkv": "h264.mkv" for n in range(1, 61)}
    layout.update({f"Artist/Album/{n:02d} - Song.flac": "song.flac" for n in range(1, 21)})
    root = build_library(layout)
    parallel = scan(root, tmp_path / "p" / "catalog.json", workers=2)
    serial = scan(root, tmp_path / "s" / "catalog.json", workers=1)
    assert parallel.added == serial.added == 80

    def comparable(path: Path) -> list[dict]:
        return sorted(
            (
                {k: v for k, v in i.to_dict().items() if k not in ("id", "added")}
                for i in Catalog(path).load().items.values()
            ),
            key=lambda d: d["path"],
        )

    assert comparable(tmp_path / "p" / "catalog.json") == comparable(
        tmp_path / "s" / "catalog.json"
    )


def test_rebuilt_catalog_keeps_watch_state(
    build_library: LibraryBuilder, catalog_path: Path
) -> None:
    root = build_library(REALISTIC)
    scan(root, catalog_path)
    film = items(catalog_path)["Movies/Film (2010)/Film (2010).mkv"]
    watch = WatchStore(catalog_path.with_name("watch.json"))
    watch.save(film, Progress(position=0.5, duration=1.0, play_count=1))
    # cut the catalog in half
    raw = catalog_path.read_bytes()
    catalog_path.write_bytes(raw[: len(raw) // 2])
    data, warning = Catalog(catalog_path).load_or_recover()
    assert warning and "damaged" in warning and "kino scan" in warning
    assert not data.items
    backups = list(catalog_path.parent.glob("catalog.json.damaged-*"))
    assert len(backups) == 1 and backups[0].read_bytes() == raw[: len(raw) // 2]
    summary = scan(root, catalog_path)
    assert summary.added == 14
    rebuilt = items(catalog_path)["Movies/Film (2010)/Film (2010).mkv"]
    assert rebuilt.id == film.id
    assert watch.get(rebuilt.id).position == 0.5


def test_items_of_other_roots_are_untouched(
    build_library: LibraryBuilder, catalog_path: Path
) -> None:
    first = build_library({"a (2001).mkv": "h264.mkv"})
    second = build_library({"b (2002).mkv": "h264.mkv"})
    scan(first, catalog_path)
    scan(second, catalog_path)
    assert len(Catalog(catalog_path).load().items) == 2


# A no-change rescan: one read of the catalog, no row unpacked, no write.


def stored_documents(catalog_path: Path) -> dict[tuple[str, str], dict]:
    """The catalog file's item documents by (root, kind), as stored."""
    raw = orjson.loads(catalog_path.read_bytes())
    return {(doc["root"], doc["kind"]): doc for doc in raw["items"].values()}


@pytest.fixture
def unpacked(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Every (root, kind) document whose rows get unpacked from now on."""
    seen: list[tuple[str, str]] = []
    real = catalog_rows._unpack

    def spy(doc: dict, fields: list[str]) -> list[MediaItem]:
        seen.append((doc["root"], doc["kind"]))
        return real(doc, fields)

    monkeypatch.setattr(catalog_rows, "_unpack", spy)
    return seen


def test_no_change_rescan_neither_unpacks_nor_writes(
    build_library: LibraryBuilder, catalog_path: Path, unpacked: list[tuple[str, str]]
) -> None:
    root = build_library(REALISTIC)
    scan(root, catalog_path)
    before = catalog_path.stat()
    content = catalog_path.read_bytes()
    unpacked.clear()
    summary = scan(root, catalog_path)
    assert (summary.added, summary.updated, summary.removed, summary.unchanged) == (0, 0, 0, 14)
    assert summary.warning is None
    assert unpacked == []
    after = catalog_path.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert catalog_path.read_bytes() == content


def test_a_changed_folder_unpacks_only_its_documents(
    build_library: LibraryBuilder, tmp_path: Path, unpacked: list[tuple[str, str]]
) -> None:
    first = build_library(
        {
            "Film (2010)/Film (2010).mkv": "h264.mkv",
            "Film (2010)/Extras/Making of.mkv": "vp9.webm",
            "Artist/Album (2001)/01 - One.mp3": "song.mp3",
            "Artist/Album (2001)/02 - Two.flac": "song.flac",
        }
    )
    second = build_library({"Show/Season 1/Show S01E01.mkv": "h264.mkv"})
    catalog_path = tmp_path / "catalog.json"
    roots = [LibraryRoot(str(first)), LibraryRoot(str(second), "shows")]
    scanner = Scanner(Catalog(catalog_path), WatchStore(tmp_path / "watch.json"))
    scanner.scan(roots)
    documents = stored_documents(catalog_path)
    old = {item.path: item.to_dict() for item in Catalog(catalog_path).load().items.values()}
    assert set(documents) == {
        (str(first), "movie"),
        (str(first), "extra"),
        (str(first), "track"),
        (str(second), "episode"),
    }
    # a new track in one album: only the track document is read and written again
    shutil.copyfile(
        first / "Artist/Album (2001)/01 - One.mp3", first / "Artist/Album (2001)/03 - Three.mp3"
    )
    unpacked.clear()
    summary = scanner.scan(roots)
    assert (summary.added, summary.updated, summary.removed, summary.unchanged) == (1, 0, 0, 5)
    assert unpacked == [(str(first), "track")]
    stored = stored_documents(catalog_path)
    for key in documents:
        if key != (str(first), "track"):
            assert stored[key] == documents[key]  # rows kept as they were, byte for byte
    new = {item.path: item.to_dict() for item in Catalog(catalog_path).load().items.values()}
    added = str(first / "Artist/Album (2001)/03 - Three.mp3")
    assert {path: record for path, record in new.items() if path != added} == old
    assert new[added]["kind"] == "track" and new[added]["id"] not in {r["id"] for r in old.values()}
    # a second rescan changes nothing again
    written = catalog_path.stat().st_ino
    unpacked.clear()
    assert scanner.scan(roots).unchanged == 6
    assert unpacked == [] and catalog_path.stat().st_ino == written


def test_a_replaced_movie_gets_its_extras_back(
    build_library: LibraryBuilder, catalog_path: Path, media: dict[str, Path]
) -> None:
    root = build_library(
        {"Film (2010)/Film (2010).mkv": "h264.mkv", "Film (2010)/Extras/Making of.mkv": "vp9.webm"}
    )
    scan(root, catalog_path)
    old_film = items(catalog_path)["Film (2010)/Film (2010).mkv"]
    (root / "Film (2010)/Film (2010).mkv").unlink()
    # another file: a new item with a new id
    shutil.copyfile(media["hevc.mp4"], root / "Film (2010)/Film (2010) remux.mp4")
    summary = scan(root, catalog_path)
    assert (summary.added, summary.removed, summary.moved) == (1, 1, 0), summary
    found = items(catalog_path)
    new_film = found["Film (2010)/Film (2010) remux.mp4"]
    assert new_film.id != old_film.id
    # the extra's folder did not change, its document is linked again all the same
    assert found["Film (2010)/Extras/Making of.mkv"].extra_of == new_film.id


@pytest.mark.parametrize("index", ["none", "another"])
def test_a_catalog_without_the_folder_index_is_indexed_once(
    build_library: LibraryBuilder,
    catalog_path: Path,
    unpacked: list[tuple[str, str]],
    index: str,
) -> None:
    root = build_library(REALISTIC)
    scan(root, catalog_path)
    raw = orjson.loads(catalog_path.read_bytes())
    for doc in raw["items"].values():  # as kino wrote it before the index, or another one
        del doc["item_folders"], doc["item_counts"], doc["unavailable"]
        if index == "another":
            doc["item_folders"] = {"Movies": 1}
    catalog_path.write_bytes(orjson.dumps(raw))
    before = items(catalog_path)
    summary = scan(root, catalog_path)
    assert (summary.added, summary.updated, summary.removed, summary.unchanged) == (0, 0, 0, 14)
    assert all("item_folders" in doc for doc in stored_documents(catalog_path).values())
    assert items(catalog_path) == before
    unpacked.clear()
    written = catalog_path.stat().st_ino
    assert scan(root, catalog_path).unchanged == 14
    assert unpacked == [] and catalog_path.stat().st_ino == written


def test_scan_reports_a_damaged_catalog(build_library: LibraryBuilder, catalog_path: Path) -> None:
    root = build_library(REALISTIC)
    scan(root, catalog_path)
    raw = catalog_path.read_bytes()
    catalog_path.write_bytes(raw[: len(raw) // 2])
    summary = scan(root, catalog_path)
    assert summary.warning and "damaged" in summary.warning and "kept as" in summary.warning
    assert summary.to_dict()["warning"] == summary.warning
    assert summary.added == 14
    (backup,) = catalog_path.parent.glob("catalog.json.damaged-*")
    assert backup.read_bytes() == raw[: len(raw) // 2]
    assert scan(root, catalog_path).warning is None


def test_damaged_rows_found_during_a_scan_are_set_aside(
    build_library: LibraryBuilder, catalog_path: Path
) -> None:
    root = build_library(REALISTIC)
    scan(root, catalog_path)
    raw = orjson.loads(catalog_path.read_bytes())
    for doc in raw["items"].values():
        if doc["kind"] == "track":
            doc["rows"] = doc["rows"][:-3]  # the file is whole, these rows are not
    catalog_path.write_bytes(orjson.dumps(raw))
    # unchanged folders do not need those rows
    assert scan(root, catalog_path).warning is None
    # a changed album does: the catalog is set aside and rebuilt
    (root / "Music/Test Artist/Test Album (2001)/cover.jpg").write_text("another jpeg")
    summary = scan(root, catalog_path)
    assert summary.warning and "damaged" in summary.warning
    assert summary.added == 14
    assert len(items(catalog_path)) == 14


def test_offline_root_is_marked_without_rewriting_twice(
    build_library: LibraryBuilder, catalog_path: Path, unpacked: list[tuple[str, str]]
) -> None:
    root = build_library(REALISTIC)
    scan(root, catalog_path)
    hidden = root.with_name("unmounted")
    root.rename(hidden)
    assert scan(root, catalog_path).unavailable == 14
    written = catalog_path.stat().st_ino
    summary = scan(root, catalog_path)  # still offline: nothing to mark again
    assert (summary.unavailable, summary.removed) == (14, 0)
    assert catalog_path.stat().st_ino == written
    hidden.rename(root)
    summary = scan(root, catalog_path)
    assert (summary.updated, summary.removed) == (14, 0)
    assert all(item.available for item in items(catalog_path).values())


# The walk: two processes list a large tree exactly as one does.


def walk_layout(root: Path, folders: int = 72) -> None:
    """A tree wide enough to be shared (empty media files: the walk never opens them)."""
    for number in range(folders):
        album = root / f"Artist {number % 6}" / f"Album {number}"
        album.mkdir(parents=True)
        for track in range(3):
            (album / f"{track:02d} - Song.flac").write_bytes(b"x" * (number + track))
        (album / "cover.jpg").write_bytes(b"jpeg")
        (album / "notes.txt").write_bytes(b"not media")
        (album / "mkv").write_bytes(b"no extension")
    for skipped in ("Artist 0/@eaDir", ".Trash-1000", "Artist 1/.thumbs", "$RECYCLE.BIN"):
        (root / skipped).mkdir()
        (root / skipped / "skipped.mkv").write_bytes(b"")


def comparable_walk(result: WalkResult) -> tuple:
    listings = [
        (
            path,
            one.folders,
            one.files,
            one.entry_count,
            one.signature(),
            one.sidecar_signature(),
            one.status,
            one.linked,
            one.listed(),
        )
        for path, one in result.folders.items()
    ]
    return listings, sorted(result.unreadable), result.problems


@pytest.fixture
def helpers(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each walk with workers > 1 got its listing from a helper process (False:
    the helper gave way to the plain walk). Forking is allowed even if another test left
    a thread running, so these tests always exercise the helper."""
    joined: list[bool] = []
    real = walker_module._Helper.join

    def spy(helper, on_folder) -> list | None:  # type: ignore[no-untyped-def]
        met = real(helper, on_folder)
        joined.append(met is not None)
        return met

    monkeypatch.setattr(walker_module._Helper, "join", spy)
    monkeypatch.setattr(walker_module, "_can_fork", lambda: True)
    return joined


def test_shared_walk_matches_the_plain_walk(tmp_path: Path, helpers: list[bool]) -> None:
    walk_layout(tmp_path / "lib")
    plain = walk(str(tmp_path / "lib"))
    assert helpers == []
    together = walk(str(tmp_path / "lib"), workers=2)
    assert helpers == [True]  # a helper process listed it with this one
    assert comparable_walk(together) == comparable_walk(plain)
    assert len(plain.folders) == 1 + 6 + 72
    listing = plain.folders[str(tmp_path / "lib/Artist 1/Album 1")]
    assert [entry.name for entry in listing.files] == [
        "00 - Song.flac",
        "01 - Song.flac",
        "02 - Song.flac",
        "cover.jpg",
    ]
    assert listing.files[0].size == 1 and listing.has_media()
    assert not plain.folders[str(tmp_path / "lib/Artist 1")].has_media()
    # a small tree: the helper lists it whole
    small = walk(str(tmp_path / "lib/Artist 2"), workers=2)
    assert helpers == [True, True]
    assert comparable_walk(small) == comparable_walk(walk(str(tmp_path / "lib/Artist 2")))


@pytest.mark.parametrize("alias", ["loop", "repeat", "top"])
def test_shared_walk_gives_way_when_a_folder_is_met_twice(
    tmp_path: Path, alias: str, helpers: list[bool]
) -> None:
    root = tmp_path / "lib"
    walk_layout(root)
    if alias == "loop":
        (root / "Artist 3" / "Album 3" / "up").symlink_to(root)
    elif alias == "repeat":
        (root / "Artist 5" / "again").symlink_to(root / "Artist 2" / "Album 2")
    else:  # met twice in the top of the tree, which the helper lists first
        (root / "Artist 1" / "again").symlink_to(root / "Artist 4")
    plain = walk(str(root))
    assert any("symlink loop or repeated folder" in p.message for p in plain.problems)
    assert comparable_walk(walk(str(root), workers=2)) == comparable_walk(plain)
    assert helpers == [False]  # the helper gave way to the plain walk


def test_shared_walk_records_unreadable_folders(helpers: list[bool]) -> None:
    base = Path(tempfile.mkdtemp(prefix="kino-walk-", dir="/tmp"))
    try:
        root = base / "lib"
        walk_layout(root)
        for path in [base, *root.rglob("*")]:
            path.chmod(0o777 if path.is_dir() else 0o666)
        locked = root / "Artist 4" / "Album 4"
        locked.chmod(0)

        def both() -> tuple[tuple, tuple, list[bool]]:
            plain = comparable_walk(walk(str(root)))
            return plain, comparable_walk(walk(str(root), workers=2)), helpers

        plain, together, helped = _as_nobody(both)
        assert str(locked) in plain[1]
        assert any("cannot read folder" in p.message for p in plain[2])
        assert together == plain and helped == [True]
    finally:
        shutil.rmtree(base)


def test_a_failed_helper_leaves_the_walk_to_this_process(
    tmp_path: Path, helpers: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    walk_layout(tmp_path / "lib")

    def crash(*args: object) -> None:
        raise MemoryError("the helper could not go on")

    monkeypatch.setattr(walker_module, "_help", crash)
    plain = walk(str(tmp_path / "lib"))
    assert comparable_walk(walk(str(tmp_path / "lib"), workers=2)) == comparable_walk(plain)
    assert helpers == [False]


def test_a_walk_left_unfinished_stops_its_helper(tmp_path: Path, helpers: list[bool]) -> None:
    walk_layout(tmp_path / "lib")
    with walker_module.Walking(str(tmp_path / "lib"), workers=2) as walking:
        helper = walking._helper
        assert helper is not None and helper.pid
        pid = helper.pid
    # left without taking the result (as when reading the catalog fails): ended and reaped
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert helpers == []


def test_folder_keys_keep_their_stored_form(tmp_path: Path) -> None:
    """Keys written by earlier kinos must still match, or every folder is read again."""
    import hashlib

    from kino_tui.core.scan.plan import folder_keys as _folder_keys
    from kino_tui.core.scan.state import ANALYSIS_VERSION

    root = tmp_path / "lib"
    season = root / "Show" / "Season 1"
    season.mkdir(parents=True)
    files = {
        root / "poster.jpg": (b"jpeg", 1_600_000_000_250_000_000),
        root / "Show" / "tvshow.nfo": (b"<tvshow/>", 1_600_000_001_000_000_000),
        season / "Show S01E01.mkv": (b"video", 1_600_000_002_500_000_000),
        season / "Show S01E01.en.srt": (b"1", 1_600_000_003_000_000_000),
    }
    for path, (content, mtime) in files.items():
        path.write_bytes(content)
        os.utime(path, ns=(mtime, mtime))

    def signature(*paths: Path) -> str:
        text = "\n".join(f"{p.name}\0{p.stat().st_size}\0{p.stat().st_mtime}" for p in paths)
        return hashlib.blake2b(text.encode(), digest_size=10).hexdigest()

    keys = _folder_keys(LibraryRoot(str(root), "shows"), walk(str(root), workers=2))
    srt, mkv = season / "Show S01E01.en.srt", season / "Show S01E01.mkv"
    assert keys == {
        str(season): "|".join(
            (
                ANALYSIS_VERSION,  # bumped when naming rules change: every folder read again
                "shows",
                signature(srt, mkv),  # every relevant file, by name
                signature(root / "Show" / "tvshow.nfo"),  # the sidecars above
                signature(root / "poster.jpg"),
            )
        )
    }


def test_a_folder_unreadable_after_the_walk_keeps_its_items(
    build_library: LibraryBuilder,
    catalog_path: Path,
    helpers: list[bool],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root = build_library(REALISTIC)
    scan(root, catalog_path)
    album = root / "Music/Test Artist/Test Album (2001)"
    (album / "cover.jpg").write_text("another jpeg")  # the album is to be read again
    # the helper lists the (small) tree; here, the album cannot be listed again for reading
    real, parent = listing_module._read_folder, os.getpid()

    def read_folder(path: str, within: str | None = None):  # type: ignore[no-untyped-def]
        if os.getpid() == parent and path == str(album):
            raise PermissionError(13, "Permission denied")
        return real(path, within)

    monkeypatch.setattr(listing_module, "_read_folder", read_folder)
    summary = scan(root, catalog_path)
    assert helpers[-1] is True
    assert (summary.removed, summary.unavailable, summary.unchanged) == (0, 2, 12)
    assert any(p.path == str(album) and "cannot read folder" in p.message for p in summary.problems)
    found = items(catalog_path)
    assert not found["Music/Test Artist/Test Album (2001)/03 - Test Song.mp3"].available
    monkeypatch.setattr(listing_module, "_read_folder", real)
    summary = scan(root, catalog_path)  # readable again: read, and back
    assert (summary.removed, summary.updated) == (0, 2)
    assert all(item.available for item in items(catalog_path).values())


@pytest.mark.parametrize("mode", ["serial", "forked readers", "spawned readers"])
def test_a_cancelled_scan_keeps_what_it_read(
    build_library: LibraryBuilder, catalog_path: Path, mode: str
) -> None:
    """Cancelling (the TUI's Event; the command line sets it on a signal) stops the reading
    and saves what was read; the next scan reads only the rest. With another thread
    running (as in the TUI) the readers are spawned, not forked."""
    import threading

    from kino_tui.core.scan.readers import PARALLEL_THRESHOLD

    # each reader is handed its next batch as it returns one (before the scan sees that
    # one and is stopped): enough batches that some are never handed out
    layout = {
        f"Music/Artist/Album {a:02d}/{t:02d} - Song.mp3": "plain.mp3"
        for a in range(30)
        for t in range(1, 6)
    }
    assert len(layout) > PARALLEL_THRESHOLD
    root = build_library(layout)
    cancel = threading.Event()
    seen: list[tuple[str, int]] = []

    def progress(report) -> None:
        seen.append((report.phase, report.done))
        if report.phase == "reading" and report.done > 0:
            cancel.set()

    release = threading.Event()
    other = threading.Thread(target=release.wait)
    if mode == "spawned readers":
        other.start()
    try:
        catalog = Catalog(catalog_path)
        summary = Scanner(catalog, workers=1 if mode == "serial" else 2).scan(
            [LibraryRoot(str(root), "music")], on_progress=progress, cancel=cancel
        )
    finally:
        release.set()
        if other.is_alive():
            other.join()
    assert summary.stopped and summary.files_to_read == len(layout), summary
    assert 0 < summary.files_read < len(layout), summary
    assert summary.added == summary.files_read and summary.errors == 0, summary
    assert len(items(catalog_path)) == summary.files_read

    again = scan(root, catalog_path, "music")
    assert not again.stopped and again.files_read == len(layout) - summary.files_read
    assert (again.added, again.unchanged, again.removed) == (again.files_read, summary.added, 0)
    assert len(items(catalog_path)) == len(layout)


def test_a_stopped_scan_removes_nothing_and_the_next_one_sees_the_move(
    build_library: LibraryBuilder, catalog_path: Path
) -> None:
    """A file that seems gone may have moved into a folder the stopped scan did not read:
    it stays, and the next scan finds the move (same id, so the same watch progress)."""
    import threading

    root = build_library({"A/01 - Song.mp3": "plain.mp3", "C/01 - Other.mp3": "song.mp3"})
    scan(root, catalog_path, "music")
    before = items(catalog_path)["A/01 - Song.mp3"]
    (root / "Z").mkdir()
    (root / "A/01 - Song.mp3").rename(root / "Z/01 - Song.mp3")
    (root / "B").mkdir()
    shutil.copyfile(root / "C/01 - Other.mp3", root / "B/01 - New.mp3")
    cancel = threading.Event()

    def progress(report) -> None:
        if report.phase == "reading" and report.done > 0:
            cancel.set()  # B is read, Z is not

    summary = Scanner(Catalog(catalog_path), workers=1).scan(
        [LibraryRoot(str(root), "music")], on_progress=progress, cancel=cancel
    )
    assert summary.stopped and (summary.files_read, summary.files_to_read) == (1, 2), summary
    assert (summary.added, summary.removed, summary.moved) == (1, 0, 0), summary
    assert set(items(catalog_path)) == {"A/01 - Song.mp3", "B/01 - New.mp3", "C/01 - Other.mp3"}

    again = scan(root, catalog_path, "music")
    assert (again.added, again.removed, again.moved, again.stopped) == (0, 0, 1, False), again
    assert items(catalog_path)["Z/01 - Song.mp3"].id == before.id


def test_a_scan_stopped_while_walking_changes_nothing(
    build_library: LibraryBuilder, catalog_path: Path
) -> None:
    import threading

    root = build_library({f"F{n:03d}/x.mp3": "plain.mp3" for n in range(70)})
    cancel = threading.Event()

    def progress(report) -> None:
        if report.phase == "walking" and report.done >= 64:  # reported every 64 folders
            cancel.set()  # as if Ctrl+C came during the walk

    summary = Scanner(Catalog(catalog_path), workers=1).scan(
        [LibraryRoot(str(root), "music")], on_progress=progress, cancel=cancel
    )
    assert summary.stopped and summary.added == 0 and summary.files_to_read == 0, summary
    assert not catalog_path.exists() or items(catalog_path) == {}


def test_shared_walk_keeps_links_inside_the_root(tmp_path: Path, helpers: list[bool]) -> None:
    """Links that leave the root are skipped the same way by the helper, including when
    the folders it listed are listed again for reading."""
    root, outside = tmp_path / "lib", tmp_path / "outside"
    walk_layout(root)
    (outside / "Album").mkdir(parents=True)
    (outside / "Album/01 - Far.flac").write_bytes(b"far")
    (outside / "02 - Far.flac").write_bytes(b"far")
    for number in (7, 40, 71):  # deep in the subtrees handed out
        album = root / f"Artist {number % 6}" / f"Album {number}"
        (album / "elsewhere").symlink_to(outside / "Album")
        (album / "03 - Far.flac").symlink_to(outside / "02 - Far.flac")
    plain = walk(str(root))
    together = walk(str(root), workers=2)
    assert helpers == [True]
    assert comparable_walk(together) == comparable_walk(plain)
    assert len([p for p in plain.problems if "link outside the library folder" in p.message]) == 6
    album = together.folders[str(root / "Artist 1/Album 7")]
    album._files = None  # listed by the helper: listed again here for reading
    assert "03 - Far.flac" not in album.names()
    assert str(root / "Artist 1/Album 7/elsewhere") not in together.folders
    followed = walk(str(root), workers=2, follow_links=True)
    assert str(root / "Artist 1/Album 7/elsewhere") in followed.folders
    assert "03 - Far.flac" in followed.folders[str(root / "Artist 1/Album 7")].names()
    # a folder with a link is marked, whoever listed it (a scan stamp never trusts it)
    linked = {path for path, one in together.folders.items() if one.linked}
    assert linked == {str(root / f"Artist {n % 6}/Album {n}") for n in (7, 40, 71)}
    assert {p for p, one in followed.folders.items() if one.linked} == linked


def test_a_reader_process_that_dies_costs_only_its_batch(
    build_library: LibraryBuilder, catalog_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reader that dies (a crash in a media library, the OOM killer) is a problem line
    for the folders it held; the other reader reads the rest, and the next scan reads
    those folders again."""
    import threading

    from kino_tui.core.scan import readers as readers_module

    if threading.active_count() > 1:
        pytest.skip("another thread runs: readers are spawned and would not see the patch")
    layout = {
        f"Music/Artist/Album {a:02d}/{t:02d} - Song.mp3": "plain.mp3"
        for a in range(12)
        for t in range(1, 6)
    }
    root = build_library(layout)
    real = readers_module._analyse_batch

    def crash_on_the_first_album(jobs):  # type: ignore[no-untyped-def]
        if any(job.path.endswith("Album 00") for job in jobs):
            os._exit(70)  # in the forked reader: it dies mid-batch
        return real(jobs)

    monkeypatch.setattr(readers_module, "_analyse_batch", crash_on_the_first_album)
    summary = scan(root, catalog_path, "music", workers=2)
    crashed = {p.path for p in summary.problems}
    assert not summary.stopped and crashed and str(root / "Music/Artist/Album 00") in crashed
    assert all(
        p.message == "could not read folder: its reader process ended unexpectedly"
        " (read again next scan)"
        for p in summary.problems
    )
    assert summary.added == len(layout) - 5 * len(crashed)
    monkeypatch.setattr(readers_module, "_analyse_batch", real)
    again = scan(root, catalog_path, "music")
    assert (again.added, again.errors) == (5 * len(crashed), 0)


def test_moved_tracks_read_by_reader_processes_keep_their_ids(
    build_library: LibraryBuilder, catalog_path: Path
) -> None:
    # enough files for reader processes: their new items come back as rows and stay
    # rows (PackedItem), whose inode and fingerprint a move is recognised by
    layout = {f"Artist/Album/{n:02d} - Song.mp3": "song.mp3" for n in range(1, 61)}
    root = build_library(layout)
    first = scan(root, catalog_path, root_type="music", workers=2)
    assert first.added == 60 and first.files_read == 60
    before = {os.path.basename(p): item.id for p, item in items(catalog_path).items()}
    (root / "Artist" / "Album").rename(root / "Artist" / "Album (2001)")
    moved = scan(root, catalog_path, root_type="music", workers=2)
    assert (moved.moved, moved.added, moved.removed) == (60, 0, 0), moved
    after = items(catalog_path)
    assert {os.path.basename(p): item.id for p, item in after.items()} == before
    assert all(p.startswith("Artist/Album (2001)/") for p in after)
    # and copies (new inodes) are matched by content: same size and fingerprint
    for path in (root / "Artist" / "Album (2001)").iterdir():
        shutil.copyfile(path, root / "Artist" / path.name)
    shutil.rmtree(root / "Artist" / "Album (2001)")
    copied = scan(root, catalog_path, root_type="music", workers=2)
    assert (copied.moved, copied.added, copied.removed) == (60, 0, 0), copied
