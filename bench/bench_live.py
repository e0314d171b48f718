"""Live updates on a synthetic library: a new episode's rescan limited to its season
folder against the whole incremental rescan, and the time from a 12-file season copied
in to the catalog holding it (the watcher's quiet time included).

    .venv/bin/python -m bench.bench_live --files 30000 --runs 7
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
import threading
import time
from pathlib import Path

from bench.synthetic_library import build
from kino_tui.config.paths import KinoPaths
from kino_tui.config.roots_file import add_roots
from kino_tui.service import Library, Rescan


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=30000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kino-bench-live-"))
    try:
        root = work / "library"
        files = build(root, args.files)
        paths = KinoPaths(work / "config", work / "data", work / "cache")
        add_roots(paths.config_file, [str(root)], "mixed")
        library = Library(paths)
        library.scan()
        season = next(p for p in sorted((root / "TV").glob("*/Season 01")))
        source = next(season.glob("*.mkv"))
        limited, whole = [], []
        for run in range(args.runs):
            for timings, folders in ((limited, [str(season)]), (whole, None)):
                target = season / f"New S01E{50 + run}{'w' if folders is None else 'l'}.mkv"
                shutil.copyfile(source, target)
                started = time.perf_counter()
                summary = library.scan(folders=folders)
                timings.append(time.perf_counter() - started)
                assert summary.added == 1, summary
        burst = burst_latency(library, root / "TV" / "Burst Show (2020)", source)
        print(json.dumps({
            "files": files,
            "runs": args.runs,
            "limited_rescan_s": {"best": round(min(limited), 3),
                                 "median": round(statistics.median(limited), 3)},
            "whole_rescan_s": {"best": round(min(whole), 3),
                               "median": round(statistics.median(whole), 3)},
            **burst,
        }, indent=2))  # fmt: skip
    finally:
        shutil.rmtree(work, ignore_errors=True)


def burst_latency(library: Library, show: Path, source: Path) -> dict[str, object]:
    """Copy a 12-episode season in (a file every 50 ms) and time until it is in the catalog."""
    done = threading.Event()
    heard: list[Rescan] = []

    def scanned(rescan: Rescan) -> None:
        heard.append(rescan)
        if rescan.summary is not None and rescan.summary.added >= 12:
            done.set()

    live = library.live_updates(scanned)
    thread = threading.Thread(target=live.run, daemon=True)
    thread.start()
    try:
        assert live.wait_ready(30)
        season = show / "Season 01"
        season.mkdir(parents=True)
        for n in range(1, 13):
            shutil.copyfile(source, season / f"Burst Show S01E{n:02d}.mkv")
            time.sleep(0.05)
        last_copy = time.perf_counter()
        assert done.wait(60), heard
        latency = time.perf_counter() - last_copy
        time.sleep(3)
        return {
            "burst_rescans": len(live.rescans),
            "burst_last_copy_to_catalog_s": round(latency, 3),
            "burst_rescan_s": round(live.rescans[0].summary.seconds, 3),  # type: ignore[union-attr]
        }
    finally:
        live.stop()
        thread.join(5)


if __name__ == "__main__":
    main()
