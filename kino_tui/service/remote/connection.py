"""One ssh connection to the box, running ``kino serve --stdio`` there.

ssh is started with an argument list (never a local shell) and honours the user's
``~/.ssh/config``, keys and agent. It is the master of a private control socket, so the
stream forward (``ssh -O forward``) rides the same connection: no second login, and
when the connection ends, the forward and the box's ``serve`` end with it.

The remote command is one string (ssh's protocol carries a command line, run by the
user's login shell on the box): every word is quoted with :func:`shlex.quote`, as rsync
does with ``--rsync-path``.

Each call waits at most ``timeout`` seconds for the box to say anything: a box that
stops answering (a stopped ``serve``, a hung link) gives up the connection with
:class:`PeerStopped`, and :meth:`Connection.interrupt` (Ctrl+C, a signal) ends a call
at once. Every answer is checked (``checks.answer``) before it is used. ssh's own
messages go to ``ssh.log`` in the connection's private folder, capped at
:data:`LOG_CAP` and rotated once (``ssh.log.1``); only its last lines are kept in memory.
"""

from __future__ import annotations

import collections
import contextlib
import itertools
import os
import select
import shlex
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from kino_tui.service.remote import checks, protocol
from kino_tui.service.remote.protocol import BadRequest, ProtocolError, RemoteError

CLOSE_TIMEOUT = 5.0
#: Seconds a call waits for the box to say anything before giving the connection up.
CALL_TIMEOUT = 30.0
#: Seconds the greeting may take (ssh may ask for a passphrase first).
OPEN_TIMEOUT = 300.0
#: The most bytes ``ssh.log`` holds before it is rotated to ``ssh.log.1``.
LOG_CAP = 1 << 20
#: How often a waiting call looks whether it was interrupted.
_TICK = 0.2


class PeerStopped(RemoteError):
    """The box stopped answering (or the wait was interrupted): the connection is given up."""


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
        timeout: float = CALL_TIMEOUT,
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
        self.timeout = timeout
        self._forwards: dict[int, str] = {}  # local port → the box's socket
        self._log = _CappedLog(self.directory / "ssh.log")
        self._buffer = bytearray()
        self._interrupted = threading.Event()
        self._given_up: str | None = None  # why calls fail at once

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
                stderr=subprocess.PIPE,
                preexec_fn=_ignore_interrupt,
            )
        except OSError as error:
            self.close()
            raise RemoteError(f"cannot start {self.ssh[0]}: {error.strerror}") from None
        assert self.process.stderr is not None
        self._log.follow(self.process.stderr)
        try:
            greeting = self._read(OPEN_TIMEOUT)
        except BaseException:  # a refusal, or Ctrl+C or a signal while ssh logs in
            self.close()
            raise
        if greeting.get("kino") != "serve":
            self.close()
            shown = protocol.shorten(repr(greeting), 80)
            raise ProtocolError(f"{self.host} did not answer as kino serve: {shown}")
        if greeting.get("protocol") != protocol.PROTOCOL:
            self.close()
            raise ProtocolError(
                f"kino on {self.host} speaks protocol "
                f"{protocol.shorten(str(greeting.get('protocol')), 20)}, this kino "
                f"speaks {protocol.PROTOCOL}: install the same kino version on both machines"
            )
        self.server_version = protocol.shorten(str(greeting.get("version", "")), 40)
        return self

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def call(self, method: str, **params: Any) -> Any:
        """One request and its answer, checked; raises the box's error, or
        :class:`RemoteError` when the connection is gone, :class:`PeerStopped` when the
        box stopped answering or the call was interrupted."""
        with self._lock:
            if self._given_up is not None:
                raise PeerStopped(self._given_up)
            number = next(self._numbers)
            self._write({"id": number, "method": method, "params": params})
            answer = self._read(self.timeout)
        if answer.get("id") != number:
            shown = protocol.shorten(repr(answer.get("id")), 20)
            raise ProtocolError(f"{self.host} sent answer {shown} to request {number}")
        if "error" in answer:
            raise protocol.error_from_wire(answer["error"])
        result = answer.get("result")
        try:
            checks.answer(method, params, result)
        except BadRequest as error:
            raise ProtocolError(f"{self.host} sent a bad answer to {method}: {error}") from None
        return result

    def interrupt(self) -> None:
        """End the call that waits now, and fail every later one at once (Ctrl+C, or a
        signal while the box does not answer): the connection is given up."""
        self._interrupted.set()

    def forward(self, socket_path: str) -> int:
        """A new local port on 127.0.0.1 that leads to ``socket_path`` on the box,
        through this connection (for one play: :meth:`cancel_forward` ends it)."""
        port = _free_port()
        self._control("forward", port, socket_path)
        self._forwards[port] = socket_path
        return port

    def cancel_forward(self, port: int) -> None:
        """End a forward made by :meth:`forward` (the play is over)."""
        socket_path = self._forwards.pop(port, None)
        if socket_path is not None and self.alive:
            with contextlib.suppress(RemoteError, subprocess.TimeoutExpired):
                self._control("cancel", port, socket_path)

    def _control(self, command: str, port: int, socket_path: str) -> None:
        argv = [
            *self.ssh, "-S", str(self.control_path), "-O", command,
            "-L", f"127.0.0.1:{port}:{socket_path}", "--", self.host,
        ]  # fmt: skip
        result = subprocess.run(
            argv, stdin=subprocess.DEVNULL, capture_output=True, timeout=30, check=False
        )
        if result.returncode != 0:
            reason = result.stderr.decode("utf-8", "replace").strip().splitlines()
            raise RemoteError(
                f"ssh could not {command} the stream from {self.host}: "
                f"{protocol.shorten(reason[-1], 200) if reason else result.returncode}"
            )

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
        self._log.close()
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

    def _read(self, timeout: float) -> dict[str, Any]:
        """The next line from the box; waits at most ``timeout`` seconds for each part
        of it, and stops at once when interrupted."""
        process = self.process
        if process is None or process.stdout is None:
            raise RemoteError(f"not connected to {self.host}")
        descriptor = process.stdout.fileno()
        buffer = self._buffer
        searched = 0
        heard = time.monotonic()
        while (end := buffer.find(b"\n", searched)) < 0:
            searched = len(buffer)
            if searched > protocol.MAX_LINE:
                raise self._give_up(f"{self.host} sent a line longer than any answer")
            if self._interrupted.is_set():
                raise self._give_up(f"the wait for {self.host} was interrupted")
            if time.monotonic() - heard > timeout:
                raise self._give_up(
                    f"{self.host} stopped answering (nothing for {timeout:g} s)"
                )
            ready, _, _ = select.select([descriptor], [], [], _TICK)
            if not ready:
                continue
            try:
                chunk = os.read(descriptor, 1 << 20)
            except OSError:
                chunk = b""
            if not chunk:
                raise self._lost()
            buffer += chunk
            heard = time.monotonic()
        line = bytes(buffer[: end + 1])
        del buffer[: end + 1]
        try:
            return protocol.decode(line)
        except ProtocolError as error:
            raise ProtocolError(f"{self.host} sent {error}") from None

    def _give_up(self, reason: str) -> PeerStopped:
        """The connection cannot be trusted to answer in order any more: end ssh (and
        with it the box's serve), and fail every later call with ``reason``."""
        self._given_up = reason
        process = self.process
        if process is not None and process.poll() is None:
            process.terminate()
        return PeerStopped(reason)

    def _lost(self) -> RemoteError:
        """Why the connection is gone, in ssh's own last words when it said any."""
        process = self.process
        with contextlib.suppress(subprocess.TimeoutExpired):
            if process is not None:
                process.wait(timeout=2)
        said = self._log.last_line()
        reason = f": {protocol.shorten(said, 300)}" if said else ""
        if process is not None and process.returncode == COMMAND_NOT_FOUND:
            reason += (
                f" (is kino on {self.host}'s PATH? give its path with --remote-kino PATH, "
                'or [remote] command = ["/path/to/kino"] in config.toml)'
            )
        return RemoteError(f"the connection to {self.host} ended{reason}")


class _CappedLog:
    """ssh's messages: written to ``path`` up to :data:`LOG_CAP` bytes, then rotated
    once (the older half is ``path.1``); the last lines are kept for the error message."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lines: collections.deque[bytes] = collections.deque(maxlen=20)
        self._file: IO[bytes] | None = open(path, "wb")  # noqa: SIM115 (closed by close())
        self._size = 0
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def follow(self, stream: IO[bytes]) -> None:
        self._thread = threading.Thread(
            target=self._copy, args=(stream,), name="kino-ssh-log", daemon=True
        )
        self._thread.start()

    def _copy(self, stream: IO[bytes]) -> None:
        with stream:
            for line in iter(lambda: stream.readline(64 * 1024), b""):
                self.lines.append(line)
                with self._lock, contextlib.suppress(OSError, ValueError):
                    self._write(line)  # a full disk loses log lines, nothing else

    def _write(self, line: bytes) -> None:
        file = self._file
        if file is None:
            return  # closed: the connection's folder is gone
        if self._size + len(line) > LOG_CAP:
            file.close()
            os.replace(self.path, self.path.with_name(self.path.name + ".1"))
            file = self._file = open(self.path, "wb")  # noqa: SIM115
            self._size = 0
        file.write(line)
        file.flush()
        self._size += len(line)

    def last_line(self) -> str:
        if self._thread is not None:
            self._thread.join(timeout=2)  # ssh has ended: its last words are on the way
        lines = [line.decode("utf-8", "replace").strip() for line in self.lines]
        lines = [line for line in lines if line]
        return lines[-1] if lines else ""

    def close(self) -> None:
        if self._thread is not None:
            self._thread.join(timeout=2)
        with self._lock:
            file, self._file = self._file, None
            if file is not None:
                file.close()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
