"""Small file-system helpers: atomic writes, inter-process locks, setting damaged files aside."""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from kino_tui.core.errors import LockTimeout


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so readers see the old or the new file, never half."""
    directory = path.parent
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    _fsync_directory(directory)


def _fsync_directory(directory: Path) -> None:
    try:
        descriptor = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


@contextlib.contextmanager
def file_lock(path: Path, timeout: float = 30.0, shared: bool = False) -> Iterator[None]:
    """Hold an advisory ``flock`` on ``path`` (created if needed) across processes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    mode = fcntl.LOCK_SH if shared else fcntl.LOCK_EX
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                fcntl.flock(descriptor, mode | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockTimeout(
                        f"another kino process is holding {path} (waited {timeout:.0f} s); "
                        "try again when it has finished"
                    ) from None
                time.sleep(0.005)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock


def set_aside(path: Path, label: str = "damaged") -> Path:
    """Move ``path`` to ``<name>.<label>-<time>`` beside it (a counter added if that is
    taken) and return the new path. Callers hold the lock that guards ``path``."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    backup = path.with_name(f"{path.name}.{label}-{stamp}")
    counter = 1
    while backup.exists():
        backup = path.with_name(f"{path.name}.{label}-{stamp}-{counter}")
        counter += 1
    os.replace(path, backup)
    return backup
