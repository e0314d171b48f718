"""mpv's ``watch_later`` files: where mpv keeps them, reading them, writing them.

mpv (``--save-position-on-quit``, or ``Q``) writes one small file per played file into its
``watch_later`` folder: ``$XDG_STATE_HOME/mpv/watch_later`` since mpv 0.36, and
``~/.config/mpv/watch_later`` before (0.35, this machine's, writes to
``$XDG_CONFIG_HOME/mpv/watch_later``). The file's name is the MD5 of the played path in
upper-case hex; its lines are ``option=value`` (``start=`` is the resume point, in seconds),
and comments: the first may be ``# path`` when ``write-filename-in-watch-later-config`` is
set, and mpv writes ``# redirect entry`` files for folders and playlists.
"""

from __future__ import annotations

import hashlib
import math
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from kino_tui.core.errors import KinoError
from kino_tui.core.fsutil import atomic_write_bytes

#: A watch_later file is a few lines; anything larger is not one.
MAX_FILE_BYTES = 64 * 1024


class WatchLaterDamaged(KinoError):
    """A watch_later file kino cannot read as mpv writes them."""


@dataclass(slots=True)
class WatchLater:
    """One watch_later file: where mpv would start the file again."""

    name: str  # the file's name: the MD5 of the played path
    start: float | None = None
    path: str | None = None  # from the ``# path`` line, when mpv wrote it
    modified: str | None = None  # the file's mtime, UTC ISO: when mpv last stopped there
    options: dict[str, str] = field(default_factory=dict)


def watch_later_name(path: str) -> str:
    """The name mpv gives the watch_later file of ``path`` (played as given)."""
    return hashlib.md5(os.fsencode(path)).hexdigest().upper()


def default_folders(environ: dict[str, str] | None = None) -> list[Path]:
    """The folders mpv keeps watch_later files in, newest convention first."""
    env = os.environ if environ is None else environ
    home = Path(env.get("HOME") or Path.home())
    state = Path(env.get("XDG_STATE_HOME") or home / ".local" / "state")
    config = Path(env.get("XDG_CONFIG_HOME") or home / ".config")
    folders = [state / "mpv" / "watch_later", config / "mpv" / "watch_later"]
    legacy = home / ".config" / "mpv" / "watch_later"
    if legacy not in folders:
        folders.append(legacy)
    return folders


def read_folder(folder: Path) -> list[WatchLater]:
    """Every watch_later file of ``folder`` that holds a resume point; raises
    :class:`WatchLaterDamaged` naming the first file mpv could not have written."""
    try:
        names = sorted(entry.name for entry in os.scandir(folder) if entry.is_file())
    except OSError as error:
        raise WatchLaterDamaged(
            f"cannot read mpv's watch_later folder {folder}: {error.strerror or error}"
        ) from None
    found = []
    for name in names:
        if name.startswith("."):
            continue  # an editor's or a writer's temporary
        entry = read_file(folder / name)
        if entry.start is not None:
            found.append(entry)
    return found


def read_file(path: Path) -> WatchLater:
    """One watch_later file; raises :class:`WatchLaterDamaged` with the file and line."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
        modified = datetime.fromtimestamp(os.stat(path).st_mtime, UTC)
    except OSError as error:
        raise WatchLaterDamaged(f"cannot read {path}: {error.strerror or error}") from None
    if len(data) > MAX_FILE_BYTES:
        raise WatchLaterDamaged(f"{path} is not an mpv watch_later file (larger than 64 KiB)")
    if b"\0" in data:
        raise WatchLaterDamaged(f"{path} is not an mpv watch_later file (binary data)")
    entry = WatchLater(path.name, modified=modified.isoformat(timespec="seconds"))
    for number, raw in enumerate(data.split(b"\n"), start=1):
        line = raw.rstrip(b"\r")
        if not line.strip():
            continue
        if line.startswith(b"#"):
            comment = os.fsdecode(line[1:].strip())
            if number == 1 and comment != "redirect entry":
                entry.path = comment
            continue
        key, equals, value = line.partition(b"=")
        key_text = key.decode("ascii", "replace").strip()
        if not equals or not key_text or not key_text.replace("-", "").isalnum():
            shown = line[:40].decode("utf-8", "replace")
            raise WatchLaterDamaged(
                f"{path}, line {number}: {shown!r} is not an mpv option line (option=value)"
            )
        text = value.decode("utf-8", "replace").strip()
        entry.options[key_text] = text
        if key_text == "start":
            entry.start = _seconds(text, path, number)
    return entry


def _seconds(text: str, path: Path, number: int) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not math.isfinite(seconds) or seconds < 0:
        raise WatchLaterDamaged(
            f"{path}, line {number}: start={text[:30]!r} is not a position in seconds"
        )
    return seconds


def watch_later_bytes(path: str, start: float) -> bytes:
    """A watch_later file as mpv writes it, with the ``# path`` line."""
    return b"# " + os.fsencode(path) + f"\nstart={start:.6f}\n".encode()


def write_file(folder: Path, path: str, start: float) -> Path:
    """Write (atomically) the watch_later file that makes mpv start ``path`` at ``start``."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / watch_later_name(path)
    atomic_write_bytes(target, watch_later_bytes(path, start))
    return target
