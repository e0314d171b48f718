"""Remote mode against a hostile peer: a "laptop" speaking the protocol straight to
``kino serve --stdio`` and to its stream socket. The numbers are the attacks of issue 20 (see docs/architecture.md, "Security
model"). A hostile box is test_hostile_box.py; the laptop-side attacks that need two
users and sshd are in test_hostile_laptop.py.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kino_tui.config.paths import KinoPaths
from tests.conftest import LibraryBuilder
from tests.remote.peer import SECRET, Peer, http_get, scanned, secret_file, url_path


@pytest.fixture
def peer(kino_paths: KinoPaths) -> Iterator[Callable[[], Peer]]:
    started: list[Peer] = []

    def start() -> Peer:
        started.append(Peer())
        return started[-1]

    yield start
    for each in started:
        each.close()


# -- 1. files outside the roots ------------------------------------------------------------


def test_1_artwork_replaced_by_a_link_out_of_the_roots_is_not_sent(
    peer: Callable[[], Peer],
    build_library: LibraryBuilder,
    run_kino: Callable[..., subprocess.CompletedProcess[str]],
    tmp_path: Path,
    media: dict[str, Path],
) -> None:
    _, items = scanned(
        build_library,
        run_kino,
        {"Movies/Film (2010)/Film (2010).mkv": "h264.mkv", "Movies/Film (2010)/poster.jpg": "x"},
    )
    film = items["Film"]
    assert film["poster"]
    poster = Path(film["poster"])
    poster.unlink()
    poster.symlink_to(secret_file(tmp_path))  # after the scan
    serve = peer()
    for method, params in (("poster", {"id": film["id"], "field": "poster"}),
                           ("artwork", {"path": film["poster"]})):  # fmt: skip
        answer = serve.ask(method, **params)
        assert "error" in answer, (method, answer)
        assert "secret" not in json.dumps(answer)


def test_1_a_folder_swapped_for_a_link_during_requests_never_sends_a_secret(
    peer: Callable[[], Peer],
    build_library: LibraryBuilder,
    run_kino: Callable[..., subprocess.CompletedProcess[str]],
    tmp_path: Path,
) -> None:
    """The box checked the real path and then opened the path again by name: a folder
    swapped for a symlink between the two sent the secret."""
    _, items = scanned(
        build_library, run_kino, {"Movies/Film (2010)/Film (2010).mkv": "real video bytes"}
    )
    film = items["Film"]
    folder = Path(film["path"]).parent
    decoy = tmp_path / "outside" / "Film (2010)"
    decoy.mkdir(parents=True)
    (decoy / "Film (2010).mkv").write_bytes(SECRET)
    real = folder.with_name("real")
    serve = peer()
    stream = serve.result("stream", ids=[film["id"]])
    path = url_path(stream["token"], "part", film["id"], 0, "Film (2010).mkv")
    stop = threading.Event()

    def swap() -> None:
        while not stop.is_set():
            folder.rename(real)
            folder.symlink_to(decoy)
            folder.unlink()
            real.rename(folder)

    swapper = threading.Thread(target=swap)
    swapper.start()
    leaked = served = 0
    try:
        deadline = time.monotonic() + 60
        for _ in range(3000):
            status, body = http_get(stream["socket"], path)
            leaked += SECRET in body
            served += status == 200
            if time.monotonic() > deadline:
                break
    finally:
        stop.set()
        swapper.join()
    assert leaked == 0, f"the secret was sent {leaked} times"
    assert served > 0  # and the real file was, between the swaps


def test_1_follow_links_reaches_only_targets_under_a_root(
    peer: Callable[[], Peer],
    build_library: LibraryBuilder,
    run_kino: Callable[..., subprocess.CompletedProcess[str]],
    kino_paths: KinoPaths,
    tmp_path: Path,
) -> None:
    other = build_library({"Shared/Other (2011).mkv": "another root's video"})
    root = build_library({"Movies/Film (2010)/Film (2010).mkv": "h264.mkv"})
    kino_paths.config_file.parent.mkdir(parents=True, exist_ok=True)
    kino_paths.config_file.write_text(
        f'[[roots]]\npath = "{root}"\ntype = "movies"\nfollow_links = true\n'
        f'[[roots]]\npath = "{other}"\ntype = "movies"\n'
    )
    run_kino("scan")
    film = next(i for i in json.loads(run_kino("ls", "--json").stdout) if i["title"] == "Film")
    path = Path(film["path"])
    serve = peer()
    stream = serve.result("stream", ids=[film["id"]])
    url = url_path(stream["token"], "part", film["id"], 0, "Film (2010).mkv")
    path.unlink()
    path.symlink_to(other / "Shared" / "Other (2011).mkv")  # under another root: followed
    assert http_get(stream["socket"], url) == (200, b"another root's video")
    path.unlink()
    path.symlink_to(secret_file(tmp_path))  # to /etc/shadow, say: not followed
    status, body = http_get(stream["socket"], url)
    assert status == 403 and SECRET not in body


# -- 2. one bad value put the box's watch state aside --------------------------------------


def damaged_files(kino_paths: KinoPaths) -> list[str]:
    return [p.name for p in kino_paths.data_dir.iterdir() if ".damaged" in p.name]


def test_2_bad_progress_values_are_refused_and_the_watch_state_stays(
    peer: Callable[[], Peer],
    build_library: LibraryBuilder,
    run_kino: Callable[..., subprocess.CompletedProcess[str]],
    kino_paths: KinoPaths,
) -> None:
    _, items = scanned(build_library, run_kino, {"Movies/Film (2010)/Film (2010).mkv": "h264.mkv"})
    film = items["Film"]["id"]
    serve = peer()
    good = {"position": 83.0, "duration": 100.0, "watched": False, "play_count": 0,
            "last_played": "2026-01-02T03:04:05+00:00"}  # fmt: skip
    serve.result("save_progress", id=film, progress=good)
    for bad in ({"position": "1:23"}, {"position": -5}, {"position": float("nan")},
                {"position": 1e300}, {"duration": "long"}, {"watched": "yes"},
                {"play_count": -1}, {"play_count": 1.5}, {"last_played": "yesterday"},
                {"last_played": 7}):  # fmt: skip
        params = {"id": film, "progress": {**good, **bad}}
        answer = serve.raw(
            json.dumps({"id": 9, "method": "save_progress", "params": params}).encode()
        )
        assert answer["error"]["type"] == "BadRequest", (bad, answer)
    assert serve.result("progress", id=film)["position"] == 83.0
    assert serve.result("warnings") == []
    assert damaged_files(kino_paths) == []
    listed = json.loads(run_kino("ls", "--json").stdout)[0]
    assert listed["progress"]["position"] == 83.0


def test_2_bad_history_values_are_refused_and_cannot_rename_the_item(
    peer: Callable[[], Peer],
    build_library: LibraryBuilder,
    run_kino: Callable[..., subprocess.CompletedProcess[str]],
    kino_paths: KinoPaths,
) -> None:
    _, items = scanned(build_library, run_kino, {"Movies/Film (2010)/Film (2010).mkv": "h264.mkv"})
    film = items["Film"]
    serve = peer()
    good = {"player": "mpv", "started_at": "2026-01-02T03:04:05+00:00",
            "ended_at": "2026-01-02T03:14:05+00:00", "position": 60.0, "duration": 100.0,
            "watched": False, "error": None}  # fmt: skip
    serve.result("add_history", id=film["id"], record=good)
    for bad in ({"season": "x"}, {"id": "other"}, {"path": "/etc/shadow"}, {"title": "Renamed"},
                {"position": "1:00"}, {"ended_at": "never"}, {"error": ["x"]},
                {"player": "p" * 100_000}):  # fmt: skip
        answer = serve.ask("add_history", id=film["id"], record={**good, **bad})
        assert answer["error"]["type"] == "BadRequest", (bad, answer)
    [line] = serve.result("history")
    assert (line["id"], line["path"], line["title"]) == (film["id"], film["path"], "Film")
    assert serve.result("warnings") == []
    assert damaged_files(kino_paths) == []


# -- 3. deep nesting ------------------------------------------------------------------------


def test_3_deep_nesting_is_refused_and_serve_answers_on(
    peer: Callable[[], Peer],
    build_library: LibraryBuilder,
    run_kino: Callable[..., subprocess.CompletedProcess[str]],
) -> None:
    scanned(build_library, run_kino, {"Movies/Film (2010)/Film (2010).mkv": "h264.mkv"})
    serve = peer()
    deep = b'{"id": 1, "method": "find", "params": {"target": ' + b"[" * 200_000 + b"]}"
    answer = serve.raw(deep)
    assert answer["error"]["type"] == "ProtocolError"
    assert "nested" in answer["error"]["message"]
    modest = b'{"id": 2, "method": "find", "params": {"target": ' + b"[" * 100 + b"]" * 100 + b"}}"
    assert "error" in serve.raw(modest)
    assert len(serve.result("load")["items"]) == 1  # still serving


# -- 4. huge requests echoed back -----------------------------------------------------------


def test_4_a_huge_request_is_not_echoed(
    peer: Callable[[], Peer],
    build_library: LibraryBuilder,
    run_kino: Callable[..., subprocess.CompletedProcess[str]],
) -> None:
    scanned(build_library, run_kino, {"Movies/Film (2010)/Film (2010).mkv": "h264.mkv"})
    serve = peer()
    for method, params in (("find", {"target": "x" * 2_000_000}),
                           ("section", {"key": "x" * 2_000_000}),
                           ("progress", {"id": "x" * 2_000_000}),
                           ("no-such-method" * 100_000, {})):  # fmt: skip
        answer = serve.ask(method, **params)
        assert "error" in answer
        assert len(json.dumps(answer)) < 2000, (method, len(json.dumps(answer)))
    # A line longer than the longest request is refused (read and dropped, not kept).
    started = time.monotonic()
    answer = serve.raw(b'{"id": 5, "method": "find", "params": {"target": "' + b"y" * (40 << 20)
                       + b'"}}')  # fmt: skip
    assert answer["error"]["type"] == "ProtocolError" and "too long" in answer["error"]["message"]
    assert len(json.dumps(answer)) < 2000
    assert time.monotonic() - started < 30
    assert len(serve.result("load")["items"]) == 1  # still serving


# -- 5. names with braces (and any bytes) ---------------------------------------------------


def test_5_any_file_name_streams(
    peer: Callable[[], Peer],
    build_library: LibraryBuilder,
    run_kino: Callable[..., subprocess.CompletedProcess[str]],
) -> None:
    names = ["Film (2020) {imdb-tt1234567}", "Odd %41 #1 ?x=y&z (2021)", "Brace } { (2022)"]
    root = build_library({f"Movies/{name}/{name}.mkv": f"video of {name}" for name in names})
    latin = os.fsdecode(b"Caf\xe9 {1} (2006)")
    (root / "Movies" / latin).mkdir()
    (root / "Movies" / latin / f"{latin}.mkv").write_bytes(b"latin video")
    run_kino("scan", "--type", "movies", str(root))
    items = json.loads(run_kino("ls", "--json").stdout)
    assert len(items) == 4
    serve = peer()
    stream = serve.result("stream", ids=[item["id"] for item in items])
    for item in items:
        path = os.fsencode(item["path"]) if "path_bytes" not in item else None
        name = path.rpartition(b"/")[2] if path else b"Caf\xe9 {1} (2006).mkv"
        status, body = http_get(
            stream["socket"], url_path(stream["token"], "part", item["id"], 0, name)
        )
        assert status == 200, (item["path"], status, body)
        assert body.startswith((b"video of", b"latin video"))


# -- 6. the token, idle connections (the laptop's log: test_hostile_box.py) ---------------------------------------


def test_6_a_token_opens_only_the_items_of_its_play_and_ends_with_it(
    peer: Callable[[], Peer],
    build_library: LibraryBuilder,
    run_kino: Callable[..., subprocess.CompletedProcess[str]],
) -> None:
    _, items = scanned(
        build_library,
        run_kino,
        {"Movies/Film (2010)/Film (2010).mkv": "film", "Movies/Other (2011)/Other (2011).mkv": "x"},
    )
    film, other = items["Film"], items["Other"]
    serve = peer()
    play = serve.result("stream", ids=[film["id"]])
    socket_path, token = play["socket"], play["token"]
    assert http_get(socket_path, url_path(token, "part", film["id"], 0, "f.mkv"))[0] == 200
    assert http_get(socket_path, url_path(token, "part", other["id"], 0, "o.mkv"))[0] == 403
    # An item queued later joins the same play.
    assert serve.result("stream", ids=[other["id"]], token=token)["token"] == token
    assert http_get(socket_path, url_path(token, "part", other["id"], 0, "o.mkv"))[0] == 200
    # Another play has its own token; the first one ends with its play.
    second = serve.result("stream", ids=[other["id"]])["token"]
    assert second != token
    serve.result("stream_end", token=token)
    assert http_get(socket_path, url_path(token, "part", film["id"], 0, "f.mkv"))[0] == 403
    assert http_get(socket_path, url_path(second, "part", other["id"], 0, "o.mkv"))[0] == 200


def test_6_idle_and_half_sent_connections_are_closed_and_capped(
    peer: Callable[[], Peer],
    build_library: LibraryBuilder,
    run_kino: Callable[..., subprocess.CompletedProcess[str]],
) -> None:
    from kino_tui.service.remote import stream as stream_module

    _, items = scanned(build_library, run_kino, {"Movies/Film (2010)/Film (2010).mkv": "film"})
    film = items["Film"]
    serve = peer()
    play = serve.result("stream", ids=[film["id"]])
    idle: list[socket.socket] = []
    try:
        for number in range(400):  # more than the cap
            client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            client.connect(play["socket"])
            if number % 2:
                client.sendall(b"GET /half-sent HTTP/1.1\r\nHost: x\r\n")  # never finished
            idle.append(client)
        # Over the cap: closed at once; a play still gets its file.
        path = url_path(play["token"], "part", film["id"], 0, "f.mkv")
        time.sleep(1)
        closed_at_once = sum(1 for client in idle if _closed(client, 0.01))
        assert closed_at_once >= 400 - stream_module.MAX_CONNECTIONS
        # The rest are closed after the idle timeout, half-sent ones too.
        time.sleep(stream_module.IDLE_TIMEOUT + 2)
        assert all(_closed(client, 0.5) for client in idle)
        assert http_get(play["socket"], path) == (200, b"film")
    finally:
        for client in idle:
            client.close()


def _closed(client: socket.socket, timeout: float) -> bool:
    client.settimeout(timeout)
    try:
        return client.recv(4096) == b""
    except TimeoutError:
        return False
    except OSError:
        return True


# -- 8. signals leave litter ----------------------------------------------------------------


def stream_folders() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("kino-stream-*")}


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_8_serve_ends_cleanly_on_signals(
    number: int,
    peer: Callable[[], Peer],
    build_library: LibraryBuilder,
    run_kino: Callable[..., subprocess.CompletedProcess[str]],
) -> None:
    _, items = scanned(build_library, run_kino, {"Movies/Film (2010)/Film (2010).mkv": "film"})
    serve = peer()
    folder = Path(serve.result("stream", ids=[items["Film"]["id"]])["socket"]).parent
    assert folder.is_dir()
    serve.process.send_signal(number)
    assert serve.process.wait(timeout=15) in (0, 128 + number)
    assert not folder.exists()
    assert "Traceback" not in serve.stderr()


def test_8_a_killed_serve_folders_are_cleaned_by_the_next(
    peer: Callable[[], Peer],
    build_library: LibraryBuilder,
    run_kino: Callable[..., subprocess.CompletedProcess[str]],
) -> None:
    _, items = scanned(build_library, run_kino, {"Movies/Film (2010)/Film (2010).mkv": "film"})
    killed = peer()
    folder = Path(killed.result("stream", ids=[items["Film"]["id"]])["socket"]).parent
    living = peer()
    kept = Path(living.result("stream", ids=[items["Film"]["id"]])["socket"]).parent
    killed.process.kill()
    killed.process.wait()
    assert folder.is_dir()
    peer()  # the next serve
    assert not folder.exists()
    assert kept.is_dir()  # a living serve's folder stays
