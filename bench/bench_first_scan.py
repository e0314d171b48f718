"""First scan as a user runs it: a whole ``kino scan`` process on a fresh catalog.

    .venv/bin/python -m bench.bench_first_scan --files 30000 --runs 5

Each run starts ``kino scan --json LIBRARY`` with empty config and data folders (its own
``XDG_*_HOME``), so the figure includes Python's start, the imports, the walk, the
probes, the naming, the reader processes and the catalog write. Prints every run, the
best and the median files/s. Target (issue 11): at least 600 files/s on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.synthetic_library import build


def scan_once(library: Path, workdir: Path, root_type: str) -> tuple[float, dict[str, object]]:
    """One ``kino scan`` with fresh kino folders: (seconds, its JSON summary)."""
    home = Path(tempfile.mkdtemp(prefix="home-", dir=workdir))
    env = dict(os.environ)
    for name in ("CONFIG", "DATA", "CACHE", "STATE"):
        env[f"XDG_{name}_HOME"] = str(home / name.lower())
    command = [sys.executable, "-m", "kino_tui", "scan", "--json", "--type", root_type]
    started = time.perf_counter()
    done = subprocess.run(
        [*command, str(library)], env=env, capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"kino scan failed ({done.returncode}): {done.stderr.strip()}")
    return seconds, json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=30000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--type", default="mixed", choices=["mixed", "movies", "shows"])
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--reuse", action="store_true", help="keep an already built library")
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="kino-first-scan-"))
    library = workdir / "library"
    if args.reuse and library.is_dir():
        files = sum(len(names) for _, _, names in os.walk(library))
    else:
        print(f"building {args.files} files in {library} …", file=sys.stderr)
        files = build(library, args.files)
    rates = []
    summary: dict[str, object] = {}
    for run in range(args.runs):
        seconds, summary = scan_once(library, workdir, args.type)
        rates.append(files / seconds)
        print(f"run {run + 1}: {seconds:.2f} s, {files / seconds:.0f} files/s", file=sys.stderr)
    print(
        json.dumps(
            {
                "files": files,
                "runs": args.runs,
                "files_per_second_best": round(max(rates), 1),
                "files_per_second_median": round(statistics.median(rates), 1),
                "load_average": round(os.getloadavg()[0], 2),
                "last_summary": summary,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
