"""Scanner and catalog figures: first-scan throughput, no-change rescan against `find`,
catalog load time and peak memory at 50,000 items.

    .venv/bin/python -m bench.bench_scan --files 30000 --items 50000

Targets on a 2-core machine: first scan >= 200 files/s; no-change rescan within 5x
`find ROOT -printf '%s %T@\\n'`; catalog load at 50,000 items < 0.5 s.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.synthetic_library import build
from kino_tui.core.catalog.store import Catalog, CatalogData
from kino_tui.core.models import LibraryRoot
from kino_tui.core.scan.scanner import Scanner


def best_of(runs: int, action) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return min(timings)


def measure_load(catalog_path: Path, runs: int = 5) -> dict[str, float]:
    """Cold load in fresh processes, as kino starts: median time and peak RSS."""
    code = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from kino_tui.core.catalog.store import Catalog\n"
        "started = time.perf_counter()\n"
        "data = Catalog(Path(sys.argv[1])).load()\n"
        "elapsed = time.perf_counter() - started\n"
        # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent through exec
        "hwm = next(l for l in open('/proc/self/status') if l.startswith('VmHWM:')).split()[1]\n"
        "print(len(data.items), elapsed, hwm)\n"
    )
    samples = []
    for _ in range(runs):
        output = subprocess.run(
            [sys.executable, "-c", code, str(catalog_path)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        samples.append((float(output[1]), int(output[0]), int(output[2]) / 1024))
    samples.sort()
    seconds, items, _ = samples[len(samples) // 2]
    return {"items": items, "seconds": seconds, "peak_rss_mb": max(s[2] for s in samples)}


def grow_catalog(source: Path, target: Path, count: int) -> None:
    """A catalog of ``count`` items cloned from a scanned one (new ids and paths)."""
    items = list(Catalog(source).load().items.values())
    grown = {}
    for number in range(count):
        item = items[number % len(items)]
        clone = type(item).from_dict(item.to_dict())
        clone.id = f"{number:012x}"
        clone.path = f"{item.path}.{number}"
        clone.parts = [clone.path]
        grown[clone.id] = clone
    Catalog(target).save(CatalogData(grown))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=30000)
    parser.add_argument("--items", type=int, default=50000)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="kino-bench-"))
    root = workdir / "library"
    catalog_path = workdir / "catalog.json"
    catalog_path.unlink(missing_ok=True)

    print(f"building {args.files} files in {root} …", file=sys.stderr)
    files = build(root, args.files)
    scanner = Scanner(Catalog(catalog_path), workers=2)
    roots = [LibraryRoot(str(root), "mixed")]

    started = time.perf_counter()
    first = scanner.scan(roots)
    first_seconds = time.perf_counter() - started

    find = ["find", str(root), "-printf", "%s %T@\\n"]
    subprocess.run(find, stdout=subprocess.DEVNULL, check=True)  # warm the cache
    find_seconds = best_of(3, lambda: subprocess.run(find, stdout=subprocess.DEVNULL, check=True))
    rescan_seconds = best_of(3, lambda: scanner.scan(roots))
    check = scanner.scan(roots)

    big = workdir / "catalog-50k.json"
    grow_catalog(catalog_path, big, args.items)
    load = measure_load(big)

    results = {
        "files": files,
        "first_scan_seconds": round(first_seconds, 2),
        "first_scan_files_per_second": round(files / first_seconds, 1),
        "first_scan_errors": first.errors,
        "no_change_rescan_seconds": round(rescan_seconds, 3),
        "find_seconds": round(find_seconds, 3),
        "rescan_to_find_ratio": round(rescan_seconds / find_seconds, 2),
        "rescan_unchanged": check.unchanged,
        "catalog_items": load["items"],
        "catalog_file_mb": round(big.stat().st_size / 1e6, 1),
        "catalog_load_seconds_median_cold": round(load["seconds"], 3),
        "catalog_load_peak_rss_mb": round(load["peak_rss_mb"], 1),
    }
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
