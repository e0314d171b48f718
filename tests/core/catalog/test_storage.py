"""Atomic writes and what killed writers leave behind (real processes, real files)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from kino_tui.core.catalog.store import Catalog
from kino_tui.core.fsutil import STALE_TEMPORARY_SECONDS, clean_stale_temporaries
from kino_tui.core.watch.store import WatchStore

ROOT = Path(__file__).parents[3]

#: A writer killed between writing its temporary file and renaming it into place.
KILLED_WRITER = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    from kino_tui.core import fsutil
    def killed(*args):
        os.kill(os.getpid(), signal.SIGKILL)
    fsutil.os.replace = killed
    fsutil.atomic_write_bytes(Path(sys.argv[1]), b"x" * 100_000)
    """
)

#: A writer that has its temporary file written and waits (as a slow disk would).
LIVE_WRITER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from kino_tui.core import fsutil
    def slow(*args):
        print("writing", flush=True)
        time.sleep(60)
    fsutil.os.replace = slow
    fsutil.atomic_write_bytes(Path(sys.argv[1]), b"y" * 1000)
    """
)


def leftovers(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.name.endswith(".tmp"))


def age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_temporaries_of_dead_writers_are_removed_and_a_live_one_kept(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.json"
    watch = tmp_path / "watch.json"
    history = tmp_path / "history.json"
    for target in (catalog, watch, history):
        killed = subprocess.run([sys.executable, "-c", KILLED_WRITER, str(target)], cwd=ROOT)
        assert killed.returncode == -signal.SIGKILL
    dead = leftovers(tmp_path)
    assert len(dead) == 3 and all(p.stat().st_size for p in dead)
    live = subprocess.Popen(
        [sys.executable, "-c", LIVE_WRITER, str(watch)], cwd=ROOT, stdout=subprocess.PIPE
    )
    try:
        assert live.stdout is not None and live.stdout.readline().strip() == b"writing"
        (writing,) = (p for p in leftovers(tmp_path) if p not in dead)
        assert f".{live.pid}." in writing.name  # the writer's pid is in the name
        fresh_dead = tmp_path / ".catalog.json.999999999.fresh.tmp"  # not a minute old yet
        fresh_dead.write_bytes(b"z")
        unrelated = tmp_path / ".notes.txt.1.x.tmp"  # not one of kino's files
        unrelated.write_bytes(b"keep")
        for path in (*dead, writing, unrelated):
            age(path, STALE_TEMPORARY_SECONDS + 30)
        Catalog(catalog)  # opening the stores cleans up after dead writers
        WatchStore(watch)
        assert leftovers(tmp_path) == sorted([writing, fresh_dead, unrelated])
        assert live.poll() is None  # the live writer is still at it
    finally:
        live.kill()
        live.wait(timeout=10)
    age(fresh_dead, STALE_TEMPORARY_SECONDS + 1)
    assert clean_stale_temporaries(catalog) == [fresh_dead]
    assert clean_stale_temporaries(watch) == [writing]  # its writer is dead now


def test_temporaries_without_a_pid_are_removed_only_when_old(tmp_path: Path) -> None:
    """Files of kino versions that did not name their pid: an hour means no writer."""
    target = tmp_path / "watch.json"
    old = tmp_path / ".watch.json.k3j4h5g6.tmp"
    recent = tmp_path / ".watch.json.a1b2c3d4.tmp"
    old.write_bytes(b"{}")
    recent.write_bytes(b"{}")
    age(old, 2 * 3600)
    age(recent, STALE_TEMPORARY_SECONDS + 30)
    assert clean_stale_temporaries(target) == [old]
    assert leftovers(tmp_path) == [recent]


def test_cleaning_a_folder_that_cannot_be_written_is_quiet(tmp_path: Path) -> None:
    target = tmp_path / "missing" / "catalog.json"
    assert clean_stale_temporaries(target) == []  # no folder: nothing to do, no error


def test_a_catalog_is_written_in_pieces_with_the_bytes_of_one_dump(tmp_path: Path) -> None:
    """Rows of megabytes of text are written a piece at a time: the file holds exactly
    the bytes one ``dumps`` gives (escapes, accents, a name that is not UTF-8), and reads
    back as it was."""
    from kino_tui.core.catalog import storage

    rows = "[" + ",".join(f'["a\\"b{n} é ✓ \\\\",{n}]' for n in range(120_000)) + "]"
    raw_name = os.fsdecode(b"/m/caf\xe9")
    data = {
        "meta": {"1": {"schema": 3}},
        "items": {"1": {"root": "/m", "rows": rows}, "2": {"root": raw_name, "rows": "[]"}},
        "folders": {"1": {"path": raw_name, "key": "k"}},
    }
    assert len(rows) > 2 * storage._PIECE
    pieces = list(storage.dumps_pieces(data))
    assert len(pieces) > 3 and b"".join(pieces) == storage.dumps(data)
    path = tmp_path / "catalog.json"
    storage.AtomicJSONStorage(path).write(data)
    assert path.read_bytes() == storage.dumps(data)
    assert storage.AtomicJSONStorage(path).read() == data
