"""``kino serve --stdio`` on its own (no ssh): the handshake, answers, errors, and that
it leaves nothing behind when its input ends; the client's checks of the greeting."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from kino_tui.config.load import load_settings
from kino_tui.config.paths import KinoPaths
from kino_tui.core.errors import ConfigError
from kino_tui.service.remote.connection import Connection
from kino_tui.service.remote.protocol import PROTOCOL, ProtocolError, RemoteError
from tests.conftest import LibraryBuilder


def start_serve() -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "kino_tui", "serve", "--stdio"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def ask(serve: subprocess.Popen[bytes], line: bytes) -> dict:
    assert serve.stdin and serve.stdout
    serve.stdin.write(line + b"\n")
    serve.stdin.flush()
    return json.loads(serve.stdout.readline())


def test_serve_answers_and_exits_when_its_input_ends(
    kino_paths: KinoPaths,
    build_library: LibraryBuilder,
    run_kino: Callable[..., subprocess.CompletedProcess[str]],
) -> None:
    root = build_library({"Movies/Film (2010)/Film (2010).mkv": "h264.mkv"})
    run_kino("scan", "--type", "movies", str(root))
    serve = start_serve()
    assert serve.stdout
    greeting = json.loads(serve.stdout.readline())
    assert greeting["kino"] == "serve" and greeting["protocol"] == PROTOCOL
    answer = ask(serve, b'{"id": 1, "method": "load", "params": {}}')
    assert answer["id"] == 1
    [item] = answer["result"]["items"]
    assert item["title"] == "Film"
    assert ask(serve, b"not json")["error"]["type"] == "ProtocolError"
    assert "unknown request" in ask(serve, b'{"id": 2, "method": "rm"}')["error"]["message"]
    request = {"id": 3, "method": "save_progress", "params": {"id": "/etc/passwd", "progress": {}}}
    missing = ask(serve, json.dumps(request).encode())
    assert missing["error"]["type"] == "ItemNotFound"
    request = {"id": 4, "method": "stream", "params": {"ids": [item["id"]]}}
    stream = ask(serve, json.dumps(request).encode())["result"]
    socket_dir = Path(stream["socket"]).parent
    assert socket_dir.is_dir() and (socket_dir.stat().st_mode & 0o777) == 0o700
    assert len(stream["token"]) >= 32
    serve.stdin.close()  # type: ignore[union-attr]
    assert serve.wait(timeout=10) == 0
    assert not socket_dir.exists()


def fake_box(greeting: dict) -> tuple[str, ...]:
    """An "ssh" that answers with ``greeting`` (the extra ssh arguments are ignored)."""
    script = f"import sys; print({json.dumps(json.dumps(greeting))}, flush=True); sys.stdin.read()"
    return (sys.executable, "-c", script)


def test_a_different_protocol_is_refused_with_what_to_do() -> None:
    connection = Connection("box", fake_box({"kino": "serve", "protocol": PROTOCOL + 1}))
    with pytest.raises(ProtocolError, match="install the same kino version"):
        connection.open()


def test_a_box_without_kino_says_what_ssh_said(tmp_path: Path) -> None:
    script = "import sys; sys.stderr.write('sh: 1: kino: not found\\n'); sys.exit(127)"
    connection = Connection("box", (sys.executable, "-c", script))
    started = time.monotonic()
    with pytest.raises(RemoteError, match="kino: not found") as refused:
        connection.open()
    assert "--remote-kino PATH" in str(refused.value)  # and what to do
    assert time.monotonic() - started < 10


def test_hosts_that_look_like_options_are_refused() -> None:
    with pytest.raises(RemoteError):
        Connection("-oProxyCommand=touch /tmp/x")


def test_remote_settings(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[remote]\nhost = "media-box"\ncommand = ["/opt/kino/bin/kino"]\n')
    remote = load_settings(path).remote
    assert remote.host == "media-box"
    assert remote.command == ("/opt/kino/bin/kino",)
    assert remote.ssh == ("ssh",)
    assert remote.timeout == 30
    path.write_text("[remote]\ntimeout = 4.5\n")
    assert load_settings(path).remote.timeout == 4.5
    path.write_text("[remote]\ntimeout = 0\n")
    with pytest.raises(ConfigError, match="timeout must be 1 to 3600 seconds"):
        load_settings(path)
    path.write_text('[remote]\n\nhost = "-oProxyCommand=sh"\n')
    with pytest.raises(ConfigError, match="line 3: host must be a host name"):
        load_settings(path)
    path.write_text("[remote]\ncommand = 3\n")
    with pytest.raises(ConfigError, match="command must be a list of strings"):
        load_settings(path)
    path.write_text('[remote]\nhots = "x"\n')
    with pytest.raises(ConfigError, match="did you mean 'host'"):
        load_settings(path)


def test_remote_needs_a_host_and_refuses_box_commands(
    kino_paths: KinoPaths, run_kino: Callable[..., subprocess.CompletedProcess[str]]
) -> None:
    result = run_kino("--remote", "ls", check=False)
    assert result.returncode == 2
    assert "which box?" in result.stderr
    result = run_kino("--remote", "box", "scan", check=False)
    assert result.returncode == 2
    assert "runs on the box itself" in result.stderr
