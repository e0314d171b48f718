"""One ssh connection to the box, running ``kino serve --stdio`` there.

ssh is started with an argument list (never a local shell) and honours the user's
``~/.ssh/config``, keys and agent. It is the master of a private control socket, so the
stream forward (``ssh -O forward``) rides the same connection: no second login, and
when the connection ends, the forward and the box's ``serve`` end with it.

The remote command is one string (ssh's protocol carries a command line, run by the
user's login shell on the box): every word is quoted with :func:`shlex.quote`, as rsync
does with ``--rsync-path``.
"""

from __future__ import annotations

import contextlib
import itertools
import shlex
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kino_tui.service.remote import protocol
from kino_tui.service.remote.protocol import ProtocolError, RemoteError

CLOSE_TIMEOUT = 5.0


def _ignore_interrupt() -> None:
    # Ctrl+C belongs to the player (it quits, kino saves): ssh keeps SIGINT ignored when
    # it starts with it ignored, so the connection outlives the keypress.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


#: A shell's exit status when the command is not there (kino not on the box's PATH).
COMMAND_NOT_FOUND = 127


class Connection:
    """Requests and answers over one ssh process; safe to use from several threads."""

    def __init__(
        self,
        host: str,
        ssh: Sequence[str] = ("ssh",),
        remote_command: Sequence[str] = ("kino",),
    ) -> None:
        if not host or host.startswith("-"):
            raise RemoteError(f"{host!r} is not a host name for ssh")
        self.host = host
        self.ssh = tuple(ssh)
        self.remote_command = tuple(remote_command)
        self.directory = Path(tempfile.mkdtemp(prefix="kino-remote-"))  # mode 0700
        self.control_path = self.directory / "control"
        self.process: subprocess.Popen[bytes] | None = None
        self.server_version = ""
        self._numbers = itertools.count(1)
        self._lock = threading.Lock()
        self._forwards: dict[str, int] = {}
        self._stderr = open(self.directory / "ssh.log", "w+b")  # noqa: SIM115

    def argv(self) -> list[str]:
        command = shlex.join([*self.remote_command, "serve", "--stdio"])
        return [
            *self.ssh,
            "-T",
            "-o", "ControlMaster=yes",
            "-o", f"ControlPath={self.control_path}",
            "-o", "ControlPersist=no",
            "-o", "ServerAliveInterval=15",
            "--", self.host, command,
        ]  # fmt: skip

    def open(self) -> Connection:
        try:
            self.process = subprocess.Popen(
                self.argv(),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self._stderr,
                preexec_fn=_ignore_interrupt,
            )
        except OSError as error:
            self.close()
            raise RemoteError(f"cannot start {self.ssh[0]}: {error.strerror}") from None
        try:
            greeting = self._read()
        except RemoteError:
            self.close()
            raise
        if greeting.get("kino") != "serve":
            self.close()
            raise ProtocolError(f"{self.host} did not answer as kino serve: {greeting!r}")
        if greeting.get("protocol") != protocol.PROTOCOL:
            self.close()
            raise ProtocolError(
                f"kino on {self.host} speaks protocol {greeting.get('protocol')}, this kino "
                f"speaks {protocol.PROTOCOL}: install the same kino version on both machines"
            )
        self.server_version = str(greeting.get("version", ""))
        return self

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def call(self, method: str, **params: Any) -> Any:
        """One request and its answer; raises the box's error, or :class:`RemoteError`
        when the connection is gone."""
        with self._lock:
            number = next(self._numbers)
            self._write({"id": number, "method": method, "params": params})
            answer = self._read()
        if answer.get("id") != number:
            raise ProtocolError(f"answer {answer.get('id')} to request {number}")
        if "error" in answer:
            raise protocol.error_from_wire(answer["error"])
        return answer.get("result")

    def forward(self, socket_path: str) -> int:
        """A local port on 127.0.0.1 that leads to ``socket_path`` on the box, through
        this connection."""
        if socket_path in self._forwards:
            return self._forwards[socket_path]
        port = _free_port()
        argv = [
            *self.ssh, "-S", str(self.control_path), "-O", "forward",
            "-L", f"127.0.0.1:{port}:{socket_path}", "--", self.host,
        ]  # fmt: skip
        result = subprocess.run(
            argv, stdin=subprocess.DEVNULL, capture_output=True, timeout=30, check=False
        )
        if result.returncode != 0:
            reason = result.stderr.decode("utf-8", "replace").strip().splitlines()
            raise RemoteError(
                f"ssh could not forward the stream from {self.host}: "
                f"{reason[-1] if reason else 'status ' + str(result.returncode)}"
            )
        self._forwards[socket_path] = port
        return port

    def close(self) -> None:
        """End the connection: the box's serve sees its input end and exits."""
        process = self.process
        if process is not None:
            with contextlib.suppress(OSError):
                if process.stdin:
                    process.stdin.close()
            try:
                process.wait(timeout=CLOSE_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.terminate()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=CLOSE_TIMEOUT)
            if process.stdout:
                process.stdout.close()
        self._stderr.close()
        shutil.rmtree(self.directory, ignore_errors=True)

    def _write(self, message: dict[str, Any]) -> None:
        process = self.process
        if process is None or process.stdin is None:
            raise RemoteError(f"not connected to {self.host}")
        try:
            process.stdin.write(protocol.encode(message))
            process.stdin.flush()
        except (BrokenPipeError, ValueError, OSError):
            raise self._lost() from None

    def _read(self) -> dict[str, Any]:
        process = self.process
        if process is None or process.stdout is None:
            raise RemoteError(f"not connected to {self.host}")
        try:
            line = process.stdout.readline(protocol.MAX_LINE)
        except (OSError, ValueError):
            line = b""
        if not line:
            raise self._lost()
        return protocol.decode(line)

    def _lost(self) -> RemoteError:
        """Why the connection is gone, in ssh's own last words when it said any."""
        process = self.process
        with contextlib.suppress(subprocess.TimeoutExpired):
            if process is not None:
                process.wait(timeout=2)
        said = ""
        with contextlib.suppress(OSError, ValueError):
            self._stderr.seek(0)
            lines = self._stderr.read().decode("utf-8", "replace").strip().splitlines()
            said = lines[-1] if lines else ""
        reason = f": {said}" if said else ""
        if process is not None and process.returncode == COMMAND_NOT_FOUND:
            reason += (
                f" (is kino on {self.host}'s PATH? give its path with --remote-kino PATH, "
                'or [remote] command = ["/path/to/kino"] in config.toml)'
            )
        return RemoteError(f"the connection to {self.host} ended{reason}")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
