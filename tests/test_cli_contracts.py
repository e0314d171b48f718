"""What the command line promises whatever the files hold and wherever they are: a damaged
catalog is one line and a rebuild, a data folder kino cannot write is one line naming the
file and why, never a traceback (real media, real catalogs, a real unprivileged user)."""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import sys
import tempfile
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from kino_tui.cli import run
from kino_tui.config.paths import KinoPaths
from kino_tui.core.models import ROW_FIELDS, MediaItem
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
    "a studio is a number": _field("studios", [7]),
    "a cast member is a name alone": _field("cast", ["Al Pacino"]),
    "a cast member's role is a number": _field("cast", [["Al Pacino", 3]]),
    "a rating is text": _field("ratings", {"imdb": "8.3"}),
    "a tagline is a list": _field("tagline", ["A saga"]),
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


NOBODY = 65534
AS_ROOT = os.geteuid() == 0
#: What a command may import late: the child that dropped to nobody cannot read the
#: interpreter's own library (it lives in root's home), so it is imported beforehand.
LATE_IMPORTS = (
    "kino_tui.cli.commands",
    "kino_tui.core.browse.view",
    "kino_tui.core.scan.scanner",
    "kino_tui.core.scan.analysis",
    "kino_tui.core.metadata.probe",
    "pymediainfo",
    "mutagen",
    "ctypes",
    "kino_tui.core.text",
    "concurrent.futures",
    "difflib",
    "base64",
    "json",
)


def kino_as_nobody(*args: str) -> tuple[int, str, list[str]]:
    """``kino ARGS`` as ``main`` runs it, in a forked child that dropped to ``nobody``
    (root writes anywhere): the exit status, stdout, and stderr's lines. A traceback
    that escapes the command line shows in stderr with the status 70."""
    for module in LATE_IMPORTS:
        importlib.import_module(module)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        pid = os.fork()
        if pid == 0:  # pragma: no cover (the child)
            status = 70
            try:
                os.dup2(out.fileno(), 1)
                os.dup2(err.fileno(), 2)
                sys.stdout = open(1, "w", closefd=False)  # noqa: SIM115
                sys.stderr = open(2, "w", closefd=False)  # noqa: SIM115
                if AS_ROOT:
                    os.setgroups([])
                    os.setgid(NOBODY)
                    os.setuid(NOBODY)
                status = run(list(args))
            except BaseException:
                traceback.print_exc()
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(status)
        _, code = os.waitpid(pid, 0)
        out.seek(0)
        err.seek(0)
        return (
            os.waitstatus_to_exitcode(code),
            out.read().decode(),
            err.read().decode().splitlines(),
        )


@pytest.fixture
def shared(
    monkeypatch: pytest.MonkeyPatch, media: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> Iterator[tuple[KinoPaths, Path]]:
    """Kino's folders and a scanned library where ``nobody`` can read them (made by root)."""
    home = Path(tempfile.mkdtemp(prefix="kino-shared-"))
    home.chmod(0o755)
    for name in ("CONFIG", "DATA", "CACHE"):
        monkeypatch.setenv(f"XDG_{name}_HOME", str(home / "xdg" / name.lower()))
    for relative, source in LAYOUT.items():
        (home / "library" / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(media[source], home / "library" / relative)
    assert kino(capsys, "scan", str(home / "library"))[0] == 0
    subprocess.run(["chmod", "-R", "a+rX", str(home)], check=True)
    yield KinoPaths.default(), home / "library"
    subprocess.run(["chmod", "-R", "u+rwX", str(home)], check=True)
    shutil.rmtree(home, ignore_errors=True)


def lock_out(folder: Path, how: str) -> None:
    """Make ``folder`` one ``nobody`` cannot write: another user's, or its own read-only."""
    if how == "read-only" and AS_ROOT:
        os.chown(folder, NOBODY, NOBODY)
    folder.chmod(0o555 if how == "read-only" else 0o755)


def hint(folder: Path) -> str:
    return f"Permission denied (is {folder} read-only, or another user's?)"


@pytest.mark.parametrize("how", ["another user's", "read-only"])
def test_a_data_folder_kino_cannot_write_is_one_line(
    shared: tuple[KinoPaths, Path], how: str
) -> None:
    paths, library = shared
    lock_out(paths.data_dir, how)
    status, out, err = kino_as_nobody("ls")
    assert (status, err) == (0, []) and "Alien" in out  # reading works
    alien = str(library / "Movies/Alien (1979)/Alien (1979).mkv")
    status, out, err = kino_as_nobody("watched", alien)
    assert (status, out) == (2, "")
    assert err == [f"kino: cannot write {paths.watch_file}: {hint(paths.data_dir)}"]
    assert kino_as_nobody("scan")[0] == 0  # nothing changed: nothing to write
    new = library / "Movies/Zodiac (2007)/Zodiac (2007).mkv"
    new.parent.mkdir(mode=0o755)
    shutil.copyfile(library / "Movies/Alien (1979)/Alien (1979).mkv", new)
    new.chmod(0o644)
    status, out, err = kino_as_nobody("scan")
    assert (status, out) == (2, "")
    assert err == [f"kino: cannot write {paths.catalog_file}: {hint(paths.data_dir)}"]
    assert kino_as_nobody("history") == (0, "nothing played yet\n", [])
    written = sorted(p.name for p in paths.data_dir.iterdir())
    assert written == [  # as set up
        "catalog.json",
        "catalog.json.lock",
        "catalog.stamps",
        "scans.json",  # the first scan's record (by the owner)
    ]


def test_a_damaged_catalog_kino_cannot_move_is_read_as_empty(
    shared: tuple[KinoPaths, Path],
) -> None:
    paths, _ = shared
    paths.catalog_file.write_bytes(b'{"meta": []}')
    lock_out(paths.data_dir, "read-only")
    for command in (("ls",), ("ls", "--json"), ("ls", "--section", "next-up")):
        status, out, err = kino_as_nobody(*command)
        assert status == 0 and out in ("", "[]\n"), (command, out, err)
        (line,) = err
        assert line.startswith(f"kino: {paths.catalog_file} is damaged (")
        assert f"could not be moved aside ({hint(paths.data_dir)})" in line
        assert "empty catalog for now" in line
    assert paths.catalog_file.read_bytes() == b'{"meta": []}'  # left where it was


def test_a_damaged_watch_file_kino_cannot_move_is_said_and_not_overwritten(
    shared: tuple[KinoPaths, Path],
) -> None:
    paths, library = shared
    paths.watch_file.write_bytes(b"\x00garbage")
    lock_out(paths.data_dir, "another user's")
    status, out, err = kino_as_nobody("ls")
    assert status == 0 and "Alien" in out  # the library shows: the catalog is fine
    (line,) = err
    assert line.startswith(f"kino: {paths.watch_file} is damaged (")
    assert "could not be moved aside" in line and "goes on without it" in line
    status, out, err = kino_as_nobody("watched", str(library / "Movies"))
    assert (status, out) == (2, "") and err[0] == line  # said again, then why not marked
    assert err[1:] == [f"kino: cannot write {paths.watch_file}: {hint(paths.data_dir)}"]
    assert paths.watch_file.read_bytes() == b"\x00garbage"


def test_a_catalog_kino_cannot_read_is_one_line(shared: tuple[KinoPaths, Path]) -> None:
    paths, _ = shared
    paths.catalog_file.chmod(0o600)  # root's own file
    status, out, err = kino_as_nobody("ls")
    assert (status, out) == (2, "")
    expected = f"kino: cannot read {paths.catalog_file}: Permission denied (is it another user's?)"
    assert err == [expected]


#: A movie whose folder and file names are Latin-1, not UTF-8, and a broken file beside it.
LATIN1_FOLDER = b"Movies/Caf\xe9 (2001)"
LATIN1_FILE = LATIN1_FOLDER + b"/Caf\xe9 (2001).mkv"
BROKEN_FILE = b"Movies/broken \xff.mkv"
STRICT_PARSER = "import json, sys; json.loads(sys.stdin.buffer.read().decode('utf-8', 'strict'))"


def kino_bytes(*args: str) -> bytes:
    """``kino ARGS`` in a real process: its stdout as bytes (exit status 0)."""
    result = subprocess.run(
        [sys.executable, "-m", "kino_tui", *args],
        capture_output=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    return result.stdout


def strictly_parsed(output: bytes) -> Any:
    """The output as orjson and Python's json over strictly decoded UTF-8 read it."""
    checked = subprocess.run(
        [sys.executable, "-c", STRICT_PARSER], input=output, capture_output=True, check=False
    )
    assert checked.returncode == 0, checked.stderr.decode(errors="replace")
    return orjson.loads(output)


def test_json_output_is_utf8_whatever_the_file_names(
    kino_paths: KinoPaths, build_library: LibraryBuilder, media: dict[str, Path]
) -> None:
    from base64 import b64decode

    from kino_tui.service import Library

    root = build_library({"Movies/Plain (2000)/Plain (2000).mkv": "h264.mkv"})
    movie = os.path.join(os.fsencode(root), LATIN1_FILE)
    os.makedirs(os.path.dirname(movie))
    shutil.copyfile(media["h264.mkv"], movie)
    broken = os.path.join(os.fsencode(root), BROKEN_FILE)
    with open(broken, "wb") as handle:
        handle.write(b"garbage" * 100)

    summary = strictly_parsed(kino_bytes("scan", "--json", str(root)))
    (problem,) = summary["problems"]
    assert problem["path"] == f"{root}/Movies/broken \\xff.mkv"
    assert b64decode(problem["path_bytes"]) == broken

    items = {item["title"]: item for item in strictly_parsed(kino_bytes("ls", "--json"))}
    plain, cafe = items["Plain"], items.get("Café") or items["Caf\\xe9"]
    assert "path_bytes" not in plain and "parts_bytes" not in plain  # UTF-8: as it is
    assert cafe["path"] == f"{root}/Movies/Caf\\xe9 (2001)/Caf\\xe9 (2001).mkv"
    assert b64decode(cafe["path_bytes"]) == movie and os.path.exists(b64decode(cafe["path_bytes"]))
    assert [b64decode(part) for part in cafe["parts_bytes"]] == [movie]
    assert cafe["parts"] == [cafe["path"]]

    library = Library(kino_paths)
    item = next(i for i in library.load()[0].items.values() if os.fsencode(i.path) == movie)
    library.watch.add_history(item, {"player": "mpv", "ended_at": "2026-01-01T00:00:00+00:00"})
    (play,) = strictly_parsed(kino_bytes("history", "--json"))
    assert play["path"] == cafe["path"] and b64decode(play["path_bytes"]) == movie
