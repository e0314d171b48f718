"""Remote mode against a hostile peer: a "laptop" speaking the protocol straight to
``kino serve --stdio`` and to its stream socket, and a "box" that answers the laptop
with junk. The numbers are the attacks of issue 20 (see docs/architecture.md, "Security
model"). The laptop-side ones that need two users and sshd are in test_hostile_laptop.py.
"""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from kino_tui.config.paths import KinoPaths
from kino_tui.config.settings import RemoteSettings, Settings
from kino_tui.core.errors import KinoError
from kino_tui.service.remote.connection import Connection
from kino_tui.service.remote.protocol import PROTOCOL, RemoteError
from tests.conftest import LibraryBuilder

SECRET = b"the box user's secret\n"


class Peer:
    """A hostile laptop: ``kino serve --stdio`` spoken to directly."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kino_tui", "serve", "--stdio"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.numbers = iter(range(1, 1_000_000))
        greeting = self.line(timeout=30)
        assert greeting["kino"] == "serve" and greeting["protocol"] == PROTOCOL

    def send(self, data: bytes) -> None:
        assert self.process.stdin
        self.process.stdin.write(data)
        self.process.stdin.flush()

    def line(self, timeout: float = 60) -> dict[str, Any]:
        assert self.process.stdout
        ready, _, _ = select.select([self.process.stdout], [], [], timeout)
        assert ready, "serve did not answer"
        line = self.process.stdout.readline()
        assert line, f"serve ended: {self.stderr()}"
        return json.loads(line)

    def raw(self, data: bytes) -> dict[str, Any]:
        self.send(data + b"\n")
        return self.line()

    def ask(self, method: str, **params: Any) -> dict[str, Any]:
        number = next(self.numbers)
        request = {"id": number, "method": method, "params": params}
        answer = self.raw(json.dumps(request).encode())
        assert answer["id"] == number
        return answer

    def result(self, method: str, **params: Any) -> Any:
        answer = self.ask(method, **params)
        assert "error" not in answer, answer
        return answer["result"]

    def stderr(self) -> str:
        assert self.process.stderr
        if self.process.poll() is None:
            return ""
        return self.process.stderr.read().decode("utf-8", "replace")

    def close(self) -> None:
        if self.process.poll() is None:
            assert self.process.stdin
            self.process.stdin.close()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for stream in (self.process.stdout, self.process.stderr):
            if stream:
                stream.close()


@pytest.fixture
def peer(kino_paths: KinoPaths) -> Iterator[Callable[[], Peer]]:
    started: list[Peer] = []

    def start() -> Peer:
        started.append(Peer())
        return started[-1]

    yield start
    for each in started:
        each.close()


def http_get(
    socket_path: str, path: str, headers: dict[str, str] | None = None, timeout: float = 30
) -> tuple[int, bytes]:
    """One GET over the stream's Unix socket (what the ssh forward carries)."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
        client.settimeout(timeout)
        client.connect(socket_path)
        lines = [f"GET {path} HTTP/1.1", "Host: localhost", "Connection: close"]
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        client.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        data = b""
        while chunk := client.recv(1 << 20):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1]) if head else 0
    return status, body


def url_path(token: str, kind: str, item_id: str, index: int, name: str | bytes) -> str:
    """A stream URL's path as the laptop writes it: each part quoted whole."""
    quoted = urllib.parse.quote(os.fsencode(name) if isinstance(name, str) else name, safe="")
    item = urllib.parse.quote(item_id, safe="")
    return f"/{token}/{kind}/{item}/{index}/{quoted}"


def scanned(
    build_library: LibraryBuilder,
    run_kino: Callable[..., subprocess.CompletedProcess[str]],
    layout: dict[str, str],
) -> tuple[Path, dict[str, dict[str, Any]]]:
    root = build_library(layout)
    run_kino("scan", "--type", "movies", str(root))
    items = json.loads(run_kino("ls", "--json").stdout)
    return root, {item["title"]: item for item in items}


def secret_file(tmp_path: Path) -> Path:
    secret = tmp_path / "outside" / "secret.txt"
    secret.parent.mkdir()
    secret.write_bytes(SECRET)
    return secret


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
        answer = serve.raw(json.dumps({"id": 9, "method": "save_progress", "params": params}).encode())
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


def fake_box(answers: dict[str, str], folder: Path) -> tuple[str, ...]:
    """An "ssh" whose box greets, then answers each method with the raw JSON text given
    for it (``{id}`` stands for the request's number)."""
    script = f"""
import json, sys
answers = {answers!r}
print(json.dumps({{"kino": "serve", "protocol": {PROTOCOL}, "version": "x"}}), flush=True)
for line in sys.stdin:
    request = json.loads(line)
    text = answers.get(request["method"], '{{"id": {{id}}, "result": null}}')
    sys.stdout.write(text.replace("{{id}}", str(request["id"])) + "\\n")
    sys.stdout.flush()
"""
    path = folder / "fake_box.py"
    path.write_text(script)
    return (sys.executable, str(path))


@pytest.mark.parametrize(
    "answers",
    [
        {"load": '{"id": {id}, "result": ' + "[" * 100_000 + "]" * 100_000 + "}"},
        {"load": '{"id": {id}, "result": null}'},
        {"load": '{"id": {id}, "result": {"items": [{"id": 5}], "warnings": []}}'},
        {"load": '{"id": {id}, "result": {"items": [{"id": "a", "kind": "movie", "path": "/x",'
                  ' "title": 7}], "warnings": [1]}}'},
        {"load": '{"id": {id}, "error": ' + "[" * 100_000 + "]" * 100_000 + "}"},
    ],
    ids=["deep", "null", "not-an-item", "bad-types", "deep-error"],
)
def test_3_a_hostile_box_gets_a_clear_error_on_the_laptop(
    answers: dict[str, str], tmp_path: Path
) -> None:
    from kino_tui.service.remote.library import RemoteLibrary

    paths = KinoPaths(tmp_path / "config", tmp_path / "data", tmp_path / "cache")
    settings = Settings(remote=RemoteSettings("box", ("kino",), fake_box(answers, tmp_path)))
    library = RemoteLibrary(paths, "box", settings)
    try:
        with pytest.raises(KinoError) as refused:
            library.load()
        assert "box" in str(refused.value)
        assert len(str(refused.value)) < 500
    finally:
        library.close()


def test_3_progress_from_a_hostile_box_is_checked_on_the_laptop(tmp_path: Path) -> None:
    from kino_tui.service.remote.library import RemoteLibrary

    answers = {"progress": '{"id": {id}, "result": {"a": {"position": "1:23"}}}'}
    paths = KinoPaths(tmp_path / "config", tmp_path / "data", tmp_path / "cache")
    settings = Settings(remote=RemoteSettings("box", ("kino",), fake_box(answers, tmp_path)))
    library = RemoteLibrary(paths, "box", settings)
    try:
        with pytest.raises(KinoError, match="position"):
            library.watch.all()
    finally:
        library.close()


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


# -- 6. the token, idle connections, the laptop's log ---------------------------------------


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


def test_6_the_laptop_ssh_log_is_capped_and_rotated(tmp_path: Path) -> None:
    """ssh's messages (a box that writes tracebacks without end, say) go to a log in the
    connection's private folder that never grows past its cap, and is never read whole."""
    from kino_tui.service.remote import connection as connection_module

    script = tmp_path / "noisy_box.py"
    script.write_text(
        "import json, sys\n"
        "for n in range(40000):\n"
        "    sys.stderr.write(f'Traceback line {n} ' + 'x' * 500 + '\\n')\n"
        "sys.stderr.write('the last words\\n'); sys.stderr.flush()\n"
        f"print(json.dumps({{'kino': 'serve', 'protocol': {PROTOCOL}}}), flush=True)\n"
        "sys.stdin.read()\n"
    )
    connection = Connection("box", (sys.executable, str(script))).open()
    log = connection.directory / "ssh.log"
    try:
        deadline = time.monotonic() + 30
        while b"the last words" not in log.read_bytes() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert b"the last words" in log.read_bytes()
        logs = sorted(p.name for p in connection.directory.iterdir() if "log" in p.name)
        assert logs == ["ssh.log", "ssh.log.1"]
        for name in logs:
            assert (connection.directory / name).stat().st_size <= connection_module.LOG_CAP
    finally:
        connection.close()
    assert not connection.directory.exists()


# -- 7. no timeout on protocol calls --------------------------------------------------------


def test_7_a_box_that_stops_answering_times_out(tmp_path: Path) -> None:
    script = (
        f"import json, sys, time\n"
        f"print(json.dumps({{'kino': 'serve', 'protocol': {PROTOCOL}}}), flush=True)\n"
        "sys.stdin.readline(); time.sleep(600)\n"
    )
    connection = Connection("box", (sys.executable, "-c", script), timeout=2)
    connection.open()
    started = time.monotonic()
    try:
        with pytest.raises(RemoteError, match="stopped answering"):
            connection.call("items")
        assert time.monotonic() - started < 10
        with pytest.raises(RemoteError):  # and the connection is given up
            connection.call("items")
    finally:
        connection.close()
    assert time.monotonic() - started < 20


def test_7_an_interrupt_ends_a_hung_call_at_once(tmp_path: Path) -> None:
    script = (
        f"import json, sys, time\n"
        f"print(json.dumps({{'kino': 'serve', 'protocol': {PROTOCOL}}}), flush=True)\n"
        "sys.stdin.readline(); time.sleep(600)\n"
    )
    connection = Connection("box", (sys.executable, "-c", script), timeout=300)
    connection.open()
    threading.Timer(0.5, connection.interrupt).start()
    started = time.monotonic()
    try:
        with pytest.raises(RemoteError, match="interrupted"):
            connection.call("items")
        assert time.monotonic() - started < 5
    finally:
        connection.close()


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
