"""Fault-injection soak of kino's stores (not part of the test run).

Builds a synthetic library of real tiny media files, scans it once, then for ``--seconds``
keeps killing (SIGKILL, at a random moment) ``kino scan`` processes that have work to do
(files touched, moved, added and removed between scans, so some scans reach the process
pool) and ``kino watched`` writers, while a marker process keeps marking and unmarking
items through the library and reports each mark once it is saved. At the end one last scan
runs to completion and the soak prints its counts as one JSON object:

- ``kills``: scans and writers killed (and how many finished before their moment came);
- ``catalogs_readable`` / ``catalogs_unreadable``: the catalog read after every kill;
- ``watch_files_damaged``: times watch.json or history.json had to be set aside;
- ``marks_reported`` / ``marks_kept`` / ``marks_lost``: every mark the marker or a
  writer reported done, and whether the watch file holds it at the end;
- ``items_expected`` / ``items_lost``: media files on disk after the last scan, and those
  the catalog does not list;
- ``processes_left_over``: processes started by the soak still alive at the end (found by
  an environment token; the soak then ends them);
- ``temp_files_left``: temporary files in the data folder at the end, and after kino was
  opened once more past the stale age (``temp_files_after_cleanup``).

With ``--limited`` every other scan is the limited scan live updates run
(``Library.scan(folders=…)`` of the folders the change touched, which writes the catalog
by splicing those folders' rows): ``limited_mismatches`` counts the finished ones after
which the catalog did not list exactly the media files under those folders.

Usage: ``.venv/bin/python -m bench.soak --seconds 180 --files 400 [--limited]``
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from bench.synthetic_library import build
from kino_tui.core.catalog.store import Catalog
from kino_tui.core.fsutil import STALE_TEMPORARY_SECONDS
from kino_tui.core.watch.store import WatchStore

REPO = Path(__file__).resolve().parents[1]

#: Marks and unmarks the items given (ids and paths in a JSON file), one at a time through
#: the library, and prints "done <id> <0|1>" once each is saved; stops when told to.
MARKER = textwrap.dedent(
    """
    import json, random, sys, time
    from pathlib import Path
    from kino_tui.core.errors import KinoError
    from kino_tui.config.paths import KinoPaths
    from kino_tui.service import Library
    library = Library(KinoPaths.default())
    items = {item.id: item for item in library.load()[0].items.values()}
    chosen = [items[i] for i in json.loads(Path(sys.argv[1]).read_text()) if i in items]
    stop = Path(sys.argv[2])
    state = {}
    while not stop.exists():
        item = random.choice(chosen)
        watched = not state.get(item.id, False)
        try:
            library.mark_watched([item], watched)
        except KinoError as error:
            print("error", error, flush=True)
            continue
        state[item.id] = watched
        print("done", item.id, int(watched), flush=True)
        time.sleep(0.01)
    """
)


#: A limited scan of the folders given (a JSON list), as live updates run it.
LIMITED = textwrap.dedent(
    """
    import json, sys
    from kino_tui.config.paths import KinoPaths
    from kino_tui.service import Library
    Library(KinoPaths.default()).scan(folders=json.loads(sys.argv[1]))
    """
)


def kino_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "kino_tui", *args]


def soak_processes(token: str, exclude: set[int]) -> dict[int, str]:
    """Processes whose environment carries ``token`` (started by this soak), by pid."""
    found: dict[int, str] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) in exclude:
            continue
        try:
            environ = Path(f"/proc/{entry}/environ").read_bytes()
            command = Path(f"/proc/{entry}/cmdline").read_bytes()
        except OSError:
            continue
        if token.encode() in environ:
            found[int(entry)] = command.replace(b"\0", b" ").decode(errors="replace")[:120]
    return found


def typical(durations: list[float], guess: float) -> float:
    """The median of the last durations seen (``guess`` before any)."""
    recent = sorted(durations[-20:])
    return recent[len(recent) // 2] if recent else guess


def temp_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def media_files(root: Path) -> set[str]:
    return {
        str(path)
        for path in root.rglob("*")
        if path.is_file() and path.suffix in (".mkv", ".avi", ".mp3", ".flac")
    }


def mutate(root: Path, rng: random.Random, counter: list[int]) -> list[str]:
    """Give the next scan work: touch files (re-read), move one, add one, remove one;
    the folders changed."""
    files = sorted(media_files(root))
    now = time.time()
    changed: set[str] = set()
    for name in rng.sample(files, min(len(files), rng.randint(5, 80))):
        os.utime(name, (now, now + rng.random()))
        changed.add(os.path.dirname(name))
    if rng.random() < 0.5:
        moved = Path(rng.choice(files))
        counter[0] += 1
        target = moved.with_name(f"{moved.stem} moved{counter[0]}{moved.suffix}")
        moved.rename(target)
        changed.add(str(moved.parent))
    if rng.random() < 0.5:
        source = Path(rng.choice(files))
        if source.exists():
            counter[0] += 1
            copy = (
                root
                / "Added"
                / f"Added {counter[0]} (2020)"
                / f"Added {counter[0]} (2020){source.suffix}"
            )
            copy.parent.mkdir(parents=True, exist_ok=True)
            copy.write_bytes(source.read_bytes() + counter[0].to_bytes(4, "little"))
            changed.add(str(copy.parent))
    if rng.random() < 0.2:
        victim = Path(rng.choice(files))
        if victim.exists():
            victim.unlink()
            changed.add(str(victim.parent))
    return sorted(changed)


def limited_mismatch(catalog_path: Path, root: Path, folders: list[str]) -> str:
    """What the catalog lists under ``folders`` (not below them) that is not on disk there,
    or the other way round, after a limited scan of them finished; empty when it agrees.
    (A scan killed before may have left other folders behind: only these are compared.)"""
    inside = {f.rstrip("/") for f in folders}
    listed = {
        item.path
        for item in Catalog(catalog_path).load().items.values()
        if os.path.dirname(item.path) in inside
    }
    on_disk = {path for path in media_files(root) if os.path.dirname(path) in inside}
    if listed == on_disk:
        return ""
    return f"listed, not on disk: {sorted(listed - on_disk)[:2]}; on disk, not listed: {sorted(on_disk - listed)[:2]}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=180.0)
    parser.add_argument("--files", type=int, default=400)
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--keep", action="store_true", help="keep the soak's folder")
    parser.add_argument("--limited", action="store_true",
                        help="every other scan limited to the folders changed (live updates)")  # fmt: skip
    args = parser.parse_args()
    rng = random.Random(args.seed)

    work = Path(tempfile.mkdtemp(prefix="kino-soak-"))
    token = f"KINO_SOAK_{uuid.uuid4().hex}"
    env = dict(os.environ)
    for name in ("CONFIG", "DATA", "CACHE"):
        env[f"XDG_{name}_HOME"] = str(work / "xdg" / name.lower())
    env[token] = "1"
    env["PYTHONPATH"] = str(REPO)
    os.environ.update({k: v for k, v in env.items() if k.startswith("XDG_")})
    data = work / "xdg" / "data" / "kino"
    root = work / "library"
    build(root, args.files)
    subprocess.run(
        kino_command("scan", "--json", str(root)), env=env, check=True, capture_output=True
    )
    catalog_path, watch_path = data / "catalog.json", data / "watch.json"
    items = list(Catalog(catalog_path).load().items.values())
    rng.shuffle(items)
    marker_ids = [item.id for item in items[: len(items) // 2]]
    writer_items = items[len(items) // 2 :]
    (work / "marker.json").write_text(json.dumps(marker_ids))

    stop = work / "stop"
    marker = subprocess.Popen(
        [sys.executable, "-c", MARKER, str(work / "marker.json"), str(stop)],
        env=env, stdout=subprocess.PIPE, text=True, cwd=REPO,
    )  # fmt: skip
    marker_state: dict[str, bool] = {}
    marker_errors: list[str] = []

    def follow_marker() -> None:
        assert marker.stdout is not None
        for line in marker.stdout:
            parts = line.split()
            if parts[:1] == ["done"]:
                marker_state[parts[1]] = parts[2] == "1"
            else:
                marker_errors.append(line.strip())

    follower = threading.Thread(target=follow_marker, daemon=True)
    follower.start()

    counts: dict[str, Any] = {
        "scans_killed": 0, "scans_finished": 0, "scans_failed": 0,
        "writers_killed": 0, "writers_finished": 0, "writers_failed": 0,
        "catalogs_readable": 0, "catalogs_unreadable": 0, "watch_files_damaged": 0,
    }  # fmt: skip
    counts["writers_item_gone"] = 0
    durations: dict[str, list[float]] = {"scans": [], "writers": []}
    horizon = {"scans": 2.0, "writers": 0.5}
    unreadable: list[str] = []
    failures: list[str] = []
    writer_done: set[str] = set()
    moves = [0]
    deadline = time.monotonic() + args.seconds
    counts["limited_scans"] = counts["limited_mismatches"] = 0
    mismatches: list[str] = []
    limited: list[str] | None = None
    while time.monotonic() < deadline:
        changed = mutate(root, rng, moves)
        limited = changed if args.limited and limited is None else None
        command = (
            kino_command("scan", "--json")
            if limited is None
            else [sys.executable, "-c", LIMITED, json.dumps(limited)]
        )
        scan = subprocess.Popen(
            command, env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        item = rng.choice(writer_items)
        writer = subprocess.Popen(
            kino_command("watched", item.id), env=env, cwd=REPO,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        started = time.monotonic()
        # a random moment up to a horizon that grows when a process finished first and
        # shrinks when it was killed: about four in five are killed, at every stage
        moments = {
            scan: started + rng.uniform(0.02, horizon["scans"]),
            writer: started + rng.uniform(0.02, horizon["writers"]),
        }
        while moments:
            for process, moment in list(moments.items()):
                kind = "scans" if process is scan else "writers"
                if process.poll() is not None:
                    del moments[process]
                    _, err = process.communicate()
                    durations[kind].append(time.monotonic() - started)
                    horizon[kind] = max(0.05, horizon[kind] * 0.9)
                    if process.returncode == 0:
                        counts[f"{kind}_finished"] += 1
                        if process is scan and limited is not None:
                            counts["limited_scans"] += 1
                            wrong = limited_mismatch(catalog_path, root, limited)
                            if wrong:
                                counts["limited_mismatches"] += 1
                                mismatches.append(wrong)
                        if process is writer:
                            writer_done.add(item.id)
                    elif b"nothing in the catalog" in err:
                        counts["writers_item_gone"] += 1  # its file was removed and scanned
                    else:
                        counts[f"{kind}_failed"] += 1
                        failures.append(err.decode(errors="replace").strip()[-300:])
                elif time.monotonic() >= moment:
                    process.send_signal(signal.SIGKILL)
                    process.wait()
                    process.communicate()
                    del moments[process]
                    counts[f"{kind}_killed"] += 1
                    horizon[kind] *= 1.03
            time.sleep(0.01)
        try:
            Catalog(catalog_path).read().items()
            counts["catalogs_readable"] += 1
        except Exception as error:
            counts["catalogs_unreadable"] += 1
            unreadable.append(f"{type(error).__name__}: {error}"[:300])
        counts["watch_files_damaged"] += len(WatchStore(watch_path).recover())

    stop.touch()
    marker.wait(timeout=60)
    follower.join(timeout=10)
    final = subprocess.run(kino_command("scan", "--json"), env=env, cwd=REPO, capture_output=True)
    catalog = Catalog(catalog_path).load()
    on_disk = media_files(root)
    listed = {item.path for item in catalog.items.values()}
    progress = WatchStore(watch_path).all()
    reported = {**dict.fromkeys(writer_done, True), **marker_state}
    kept = [
        i for i, watched in reported.items() if i in progress and progress[i].watched == watched
    ]
    time.sleep(2.0)  # killed processes' children get a moment to notice
    left = soak_processes(token, {os.getpid()})
    for pid in left:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    leftover_temps = temp_files(data)
    time.sleep(STALE_TEMPORARY_SECONDS + 2)
    Catalog(catalog_path)
    WatchStore(watch_path)
    report = {
        "seconds": args.seconds,
        "files": args.files,
        "kills": counts["scans_killed"] + counts["writers_killed"],
        "median_seconds_of_those_finished": {
            k: round(typical(v, 0.0), 2) for k, v in durations.items()
        },
        **counts,
        "final_scan_ok": final.returncode == 0,
        "marks_reported": len(reported),
        "marks_kept": len(kept),
        "marks_lost": sorted(set(reported) - set(kept)),
        "marker_errors": marker_errors[:5],
        "items_expected": len(on_disk),
        "items_lost": len(on_disk - listed),
        "items_listed_without_a_file": len(listed - on_disk),
        "processes_left_over": len(left),
        "left_over": sorted(set(left.values()))[:5],
        "temp_files_left": len(leftover_temps),
        "temp_files_after_cleanup": len(temp_files(data)),
        "unreadable": unreadable[:5],
        "failures": failures[:5],
        "limited": mismatches[:5],
    }
    print(json.dumps(report, indent=2))
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
