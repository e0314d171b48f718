"""Shared watch state: opening the library with ``[shared] database`` on against off, with
250,000 progress records, and the time a mark takes from one box to another.

A real PostgreSQL is started in a temporary folder (tests/helpers/postgres.py). Box A
delivers 250,000 progress records to it (``--files`` real synthetic files, the rest
records of files this box does not have, as from a larger library elsewhere); box B
reads them all (its first sync), so its watch.json holds a record for each of its
items and the rest stay in the database. Then B's library is opened (``Library(paths)``,
the opening section, the rest: what the TUI does before the first screen and after it)
``--runs`` times with the setting off and on, alternately, and the medians compared
(the issue's target: within 0.2 s). Last, B follows the database (its thread, as in an
open kino) while A marks an item and delivers it, ``--marks`` times: the time until B's
watch file holds it.

    .venv/bin/python -m bench.bench_shared --files 5000 --records 250000 --runs 7
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from bench.synthetic_library import build
from kino_tui.config.paths import KinoPaths
from kino_tui.config.roots_file import add_roots
from kino_tui.core.watch.shared import SharedDatabase
from kino_tui.service import Library
from tests.helpers.postgres import postgres_server


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def write_config(paths: KinoPaths, root: Path, url: str, box: str, shared: bool) -> None:
    text = f'[[roots]]\npath = "{root}"\ntype = "mixed"\nname = "Media"\n'
    if shared:
        text += f'\n[shared]\ndatabase = "{url}"\nbox = "{box}"\n'
    paths.config_file.write_text(text)


def open_library(paths: KinoPaths) -> tuple[float, float]:
    """Wall and CPU seconds to open the library as the TUI does."""
    start, start_cpu = time.perf_counter(), cpu()
    library = Library(paths)
    opening = library.load_opening()
    library.load_rest(opening)
    return time.perf_counter() - start, cpu() - start_cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=5000)
    parser.add_argument("--records", type=int, default=250_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--marks", type=int, default=10)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kino-bench-shared-"))
    try:
        with postgres_server() as server:
            os.environ["PGPASSFILE"] = str(server.passfile)
            url = server.url()
            root = work / "library"
            build(root, args.files)
            boxes = {}
            for box in ("a", "b"):
                paths = KinoPaths(work / box / "config", work / box / "data", work / box / "cache")
                paths.config_dir.mkdir(parents=True)
                add_roots(paths.config_file, [str(root)], "mixed")
                write_config(paths, root, url, box, shared=True)
                Library(paths).scan()
                boxes[box] = paths
            a, b = Library(boxes["a"]), Library(boxes["b"])
            data, _ = a.load()
            relatives = [item.path[len(str(root)) + 1 :] for item in data.items.values()]
            relatives += [f"Elsewhere/{n:06d}.mkv" for n in range(args.records - len(relatives))]
            database = SharedDatabase(url, "a")
            start = time.perf_counter()
            for first in range(0, len(relatives), 5000):
                database.deliver([
                    {"kind": "progress", "library": "Media", "path": path, "fingerprint": None,
                     "ids": {}, "at": "2026-01-01T00:00:00+00:00",
                     "fields": {"position": {"position": 60.0, "duration": 1200.0},
                                "play_count": {"play_count": 1}}}
                    for path in relatives[first : first + 5000]
                ])  # fmt: skip
            deliver_seconds = time.perf_counter() - start
            assert b.shared is not None
            start, start_cpu = time.perf_counter(), cpu()
            first_sync = b.shared.sync()
            first_sync_seconds, first_sync_cpu = time.perf_counter() - start, cpu() - start_cpu
            # B's watch file as a box with the whole library would have it: a record for
            # each of the 250,000 (those of files it lacks under ids no item has)
            from tinydb import TinyDB

            from kino_tui.core.catalog.storage import AtomicJSONStorage

            missing = args.records - len(b.watch.all())
            with TinyDB(boxes["b"].watch_file, storage=AtomicJSONStorage) as db:
                db.table("progress", cache_size=0).insert_multiple(
                    {"id": f"elsewhere{n:06d}", "path": f"/elsewhere/{n:06d}.mkv", "size": 1,
                     "position": 60.0, "duration": 1200.0, "watched": False, "play_count": 1,
                     "last_played": None}
                    for n in range(missing)
                )  # fmt: skip
            local_records = len(b.watch.all())
            opens: dict[str, list[tuple[float, float]]] = {"local": [], "shared": []}
            for _ in range(args.runs):
                for mode in ("local", "shared"):
                    write_config(boxes["b"], root, url, "b", shared=mode == "shared")
                    opens[mode].append(open_library(boxes["b"]))
            write_config(boxes["b"], root, url, "b", shared=True)
            follower = Library(boxes["b"])
            assert follower.shared is not None
            follower.shared.start()
            a.sync_shared()  # A's own first read of the 250,000, before the timing
            time.sleep(2)  # B's first round and LISTEN
            items = list(data.items.values())
            latencies = []
            for number in range(args.marks):
                item = items[number]
                before = follower.watch.signature()
                start = time.perf_counter()
                a.mark_watched([item], number % 2 == 0)
                a.sync_shared()
                while follower.watch.signature() == before:
                    time.sleep(0.005)
                latencies.append(time.perf_counter() - start)
            follower.shared.stop()

            def median(mode: str, index: int) -> float:
                return round(statistics.median(run[index] for run in opens[mode]), 3)

            print(json.dumps({
                "records_in_database": args.records,
                "files_per_box": args.files,
                "records_in_b_watch_file": local_records,
                "deliver_all_s": round(deliver_seconds, 2),
                "first_sync_s": round(first_sync_seconds, 2),
                "first_sync_cpu_s": round(first_sync_cpu, 2),
                "first_sync_received": first_sync.received,
                "open_local_s": median("local", 0),
                "open_shared_s": median("shared", 0),
                "open_local_cpu_s": median("local", 1),
                "open_shared_cpu_s": median("shared", 1),
                "open_difference_s": round(median("shared", 0) - median("local", 0), 3),
                "sync_latency_median_s": round(statistics.median(latencies), 3),
                "sync_latency_max_s": round(max(latencies), 3),
                "sync_latencies_s": [round(x, 3) for x in latencies],
                "load_average": os.getloadavg(),
            }, indent=1))  # fmt: skip
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
