"""A hostile laptop speaking straight to ``kino serve --stdio`` and its stream socket
(tests/remote/test_hostile_peer.py), and a hostile box answering the laptop
(test_hostile_box.py)."""

from __future__ import annotations

import json
import os
import select
import socket
import subprocess
import sys
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kino_tui.service.remote.protocol import PROTOCOL
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
