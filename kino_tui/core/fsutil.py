"""Small file-system helpers: atomic writes, inter-process locks, setting damaged files aside."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from kino_tui.core.errors import DataFileUnwritable, LockTimeout

#: A temporary file this old whose writer is not running is left over from a killed one.
STALE_TEMPORARY_SECONDS = 60.0
#: Temporary files of kinos that did not put their pid in the name: removed after an hour.
UNNAMED_TEMPORARY_SECONDS = 3600.0
_WRITER_PID = re.compile(r"([0-9]+)\.[^.]+")


def temporary_prefix(path: Path) -> str:
    """How a writer's temporary files for ``path`` start: ``.<name>.<pid>.`` (then a
    random part and ``.tmp``), so a later kino can tell whether their writer still runs."""
    return f".{path.name}.{os.getpid()}."


def unwritable(path: Path, error: OSError) -> DataFileUnwritable:
    """The one line for a failed write of ``path``: the system's reason and what it likely
    means (``cannot write /…/watch.json: Permission denied (is … read-only or another
    user's?)``)."""
    reason = error.strerror or str(error)
    folder = path.parent
    if error.errno in (errno.EACCES, errno.EPERM):
        reason += f" (is {folder} read-only, or another user's?)"
    elif error.errno == errno.EROFS:
        reason += f" ({folder} is on a read-only mount)"
    elif error.errno in (errno.ENOSPC, errno.EDQUOT):
        reason += " (the disk is full: free some space and try again)"
    elif error.errno == errno.ENOENT:
        reason += f" ({folder} cannot be created)"
    return DataFileUnwritable(path, reason)


def atomic_write_bytes(
    path: Path, data: bytes | Iterable[bytes | bytearray | memoryview], mode: int | None = None
) -> None:
    """Replace ``path`` with ``data`` (bytes, or pieces of them written in turn, so a
    large file is never held whole) so readers see the old or the new file, never half.
    A failed write (a read-only folder, a full disk) raises :class:`DataFileUnwritable`
    and leaves the old file as it was. ``mode``: the new file's permissions (a file
    others read, like an NFO beside the media; kino's own files stay private)."""
    directory = path.parent
    try:
        descriptor, temporary = tempfile.mkstemp(
            prefix=temporary_prefix(path), suffix=".tmp", dir=directory
        )
    except OSError as error:
        raise unwritable(path, error) from error
    try:
        with os.fdopen(descriptor, "wb") as handle:
            if isinstance(data, bytes):
                handle.write(data)
            else:
                handle.writelines(data)
            handle.flush()
            if mode is not None:
                os.fchmod(handle.fileno(), mode)
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(error, OSError):
            raise unwritable(path, error) from error
        raise
    _fsync_directory(directory)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    except (OverflowError, ValueError, OSError):
        return False
    return True


def clean_stale_temporaries(path: Path) -> list[Path]:
    """Remove the temporary files that killed writers of ``path`` left beside it and
    return them: those whose writer (the pid in the name) is not running and that are
    over a minute old (an hour for names without a pid). A file a running writer is
    writing is never touched; a folder kino cannot change is left as it is."""
    start, end = f".{path.name}.", ".tmp"
    removed: list[Path] = []
    now = time.time()
    try:
        entries = list(os.scandir(path.parent))
    except OSError:
        return removed
    for entry in entries:
        name = entry.name
        if not (name.startswith(start) and name.endswith(end)) or len(name) <= len(start + end):
            continue
        writer = _WRITER_PID.fullmatch(name[len(start) : -len(end)])
        try:
            stat = entry.stat(follow_symlinks=False)
            if not entry.is_file(follow_symlinks=False):
                continue
            if writer is None:
                if now - stat.st_mtime < UNNAMED_TEMPORARY_SECONDS:
                    continue
            elif now - stat.st_mtime < STALE_TEMPORARY_SECONDS or _running(int(writer[1])):
                continue
            os.unlink(entry.path)
        except OSError:
            continue
        removed.append(Path(entry.path))
    return sorted(removed)


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
def file_lock(
    path: Path, timeout: float = 30.0, shared: bool = False, guards: Path | None = None
) -> Iterator[None]:
    """Hold an advisory ``flock`` on ``path`` (created if needed) across processes. A lock
    file that cannot be opened raises :class:`DataFileUnwritable` naming ``guards`` (the
    file the lock is for) when given."""
    descriptor = _open_lock(path, guards or path)
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


def _open_lock(path: Path, guards: Path) -> int:
    """The lock file, created if needed; an existing one is also opened read-only (a lock
    holds all the same) in a folder kino cannot write, where the write itself then fails
    naming its file. Raises :class:`DataFileUnwritable` when neither works."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as error:
        try:
            return os.open(path, os.O_RDONLY)
        except OSError:
            raise unwritable(guards, error) from error


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
