"""What the command line promises whatever the files hold: a damaged catalog is one line
and a rebuild, never a traceback (real catalogs scanned from real media, then broken)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
import pytest

from kino_tui.cli import run
from kino_tui.core.models import ROW_FIELDS, MediaItem
from kino_tui.paths import KinoPaths
from tests.conftest import LibraryBuilder

LAYOUT = {
    "Movies/Alien (1979)/Alien (1979).mkv": "h264.mkv",
    "Shows/Dark/Season 01/Dark S01E01.mp4": "hevc.mp4",
    "Music/Artist/Album/01 - Song.flac": "song.flac",
}

Raw = dict[str, Any]


def _movie_row(raw: Raw, change: Callable[[list[Any]], None]) -> Raw:
    """``change`` applied to the first movie row (padded to every field first)."""
    blank = MediaItem(id="", kind="movie", path="", root="")
    defaults = [getattr(blank, name) for name in ROW_FIELDS]
    for doc in raw["items"].values():
        if doc["kind"] == "movie":
            rows = orjson.loads(doc["rows"])
            rows[0] = rows[0] + defaults[len(rows[0]) :]
            change(rows[0])
            doc["rows"] = orjson.dumps(rows).decode()
    return raw


def _field(name: str, value: Any) -> Callable[[Raw], Raw]:
    def change(row: list[Any]) -> None:
        row[ROW_FIELDS.index(name)] = value

    return lambda raw: _movie_row(raw, change)


def _document(key: str, value: Any) -> Callable[[Raw], Raw]:
    def change(raw: Raw) -> Raw:
        for doc in raw["items"].values():
            doc[key] = value
        return raw

    return change


#: Whole-file shapes a scan must also set aside and rebuild at once.
BROKEN_FILES: dict[str, Callable[[Raw], Raw]] = {
    "meta is a list": lambda raw: {"meta": []},
    "items is a number": lambda raw: {"items": 5},
    "folders is text": lambda raw: {**raw, "folders": "x"},
    "meta document is a list": lambda raw: {**raw, "meta": {"1": []}},
    "schema is text": lambda raw: {**raw, "meta": {"1": {"schema": "3"}}},
    "fields is text": lambda raw: {**raw, "meta": {"1": {"schema": 3, "fields": "id"}}},
    "fields lack the path": lambda raw: {**raw, "meta": {"1": {"schema": 3, "fields": ["id"]}}},
    "an items document is a list": lambda raw: {**raw, "items": {"1": []}},
    "a folder document is a number": lambda raw: {**raw, "folders": {"1": 5}},
    "a folder path is a number": lambda raw: {**raw, "folders": {"1": {"path": 1, "key": None}}},
    "a root is a number": _document("root", 5),
    "a kind is unknown": _document("kind", "spaceship"),
    "rows are a number": _document("rows", 5),
    "folder counts are text": _document("item_counts", ["a"]),
}
#: Rows a reader finds (a scan of unchanged folders does not unpack them).
BROKEN_ROWS: dict[str, Callable[[Raw], Raw]] = {
    "rows are an object": _document("rows", "{}"),
    "rows are not JSON": _document("rows", "[[1, 2"),
    "a row is a number": _document("rows", "[1]"),
    "a row is too short": _document("rows", '[["id"]]'),
    "a title is a number": _field("title", 42),
    "a path is null": _field("path", None),
    "a path is empty": _field("path", ""),
    "a kind is a number": _field("kind", 7),
    "a size is text": _field("size", "big"),
    "available is text": _field("available", "yes"),
    "a year is text": _field("year", "1999"),
    "a duration is true": _field("duration", True),
    "a part is null": _field("parts", [None]),
    "genres are text": _field("genres", "Drama"),
    "a genre is a number": _field("genres", [1]),
    "audio is text": _field("audio", "aac"),
    "audio channels are text": _field("audio", [["aac", "two", "eng"]]),
    "a subtitle has too many values": _field("subtitles", [["eng", "srt", False, False, None, 1]]),
    "ids are numbers": _field("ids", {"imdb": 5}),
}


def kino(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, list[str]]:
    """Run ``kino ARGS`` as ``main`` does: the exit status, stdout, stderr's lines."""
    status = run(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err.splitlines()


@pytest.fixture
def scanned(
    kino_paths: KinoPaths, build_library: LibraryBuilder, capsys: pytest.CaptureFixture[str]
) -> tuple[Raw, int]:
    root = build_library(LAYOUT)
    assert kino(capsys, "scan", "--json", str(root))[0] == 0
    status, out, err = kino(capsys, "ls", "--json")
    assert (status, err) == (0, [])
    return orjson.loads(kino_paths.catalog_file.read_bytes()), len(orjson.loads(out))


@pytest.mark.parametrize("case", [*BROKEN_FILES, *BROKEN_ROWS])
def test_ls_sets_a_damaged_catalog_aside_and_scan_rebuilds_it(
    case: str,
    kino_paths: KinoPaths,
    scanned: tuple[Raw, int],
    capsys: pytest.CaptureFixture[str],
) -> None:
    raw, count = scanned
    damage = BROKEN_FILES.get(case) or BROKEN_ROWS[case]
    kino_paths.catalog_file.write_bytes(orjson.dumps(damage(raw)))
    status, out, err = kino(capsys, "ls")
    assert (status, out) == (0, "")
    (line,) = err
    assert "is damaged (" in line and "kept as" in line and "kino scan" in line, line
    assert len(list(kino_paths.data_dir.glob("catalog.json.damaged-*"))) == 1
    assert kino(capsys, "ls") == (0, "", [])  # said once: the catalog is now empty
    status, _, err = kino(capsys, "scan")
    assert (status, err) == (0, [])
    status, out, err = kino(capsys, "ls", "--json")
    assert (status, err, len(orjson.loads(out))) == (0, [], count)


@pytest.mark.parametrize("case", list(BROKEN_FILES))
def test_scan_rebuilds_a_catalog_of_the_wrong_shape(
    case: str,
    kino_paths: KinoPaths,
    scanned: tuple[Raw, int],
    capsys: pytest.CaptureFixture[str],
) -> None:
    raw, count = scanned
    kino_paths.catalog_file.write_bytes(orjson.dumps(BROKEN_FILES[case](raw)))
    status, out, err = kino(capsys, "scan", "--json")
    assert status == 0
    (line,) = err
    assert "is damaged (" in line and "kept as" in line, line
    assert orjson.loads(out)["added"] == count
    status, out, err = kino(capsys, "ls", "--json")
    assert (status, err, len(orjson.loads(out))) == (0, [], count)


def test_a_damaged_catalog_in_a_real_process_is_one_line(
    run_kino: Callable[..., Any], kino_paths: KinoPaths, build_library: LibraryBuilder
) -> None:
    root = build_library(LAYOUT)
    run_kino("scan", str(root))
    raw = orjson.loads(kino_paths.catalog_file.read_bytes())
    kino_paths.catalog_file.write_bytes(orjson.dumps(_field("title", 42)(raw)))
    result = run_kino("ls")
    assert result.stdout == "" and "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == 1 and "title is 42" in result.stderr
    run_kino("scan")
    assert "Alien" in run_kino("ls").stdout
