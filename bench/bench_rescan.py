"""A no-change rescan as a whole `kino scan` process, against `find` on the same tree.

    .venv/bin/python -m bench.bench_rescan --files 30000
    .venv/bin/python -m bench.bench_rescan --python /path/to/installed/venv/bin/python

Builds a synthetic library (bench/synthetic_library.py) in a temporary folder, runs a
first `kino scan ROOT` (which adds the folder to the config), then times `--runs`
no-change rescans (`python -m kino_tui scan --json`, a new process each) and as many
runs of `find ROOT -printf '%s %T@\\n' > /dev/null`, interleaved and warm. Every rescan
must report nothing added, updated, moved or removed and leave the catalog file as it
was. Prints one JSON object: medians, the ratio of the medians (target: at most 1.5), the
best ratio of a rescan to the find run beside it, the CPU time of each (a fairer figure
on a loaded machine), and where a rescan's time goes (interpreter start, imports, the
scan itself).

A rescan normally finds its stamp holding every folder (kino_tui/core/scanstamps.py)
and only stats them. The first rescan after a change to the tree (or right after
the first scan, when the folders are too new to be trusted) walks the tree instead, and
stamps the folders for the next one: `walked_rescan_*` times that kind, by taking
the folders out of the stamp before each run.

``--python`` runs kino with another interpreter, such as that of a kino installed with
pip (scripts/install.sh); by default this one (an editable install in a checkout, whose
import finder costs a few ms of every start).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.synthetic_library import build


def timed(command: list[str], env: dict[str, str]) -> tuple[float, bytes]:
    """Wall-clock seconds of one process, and what it printed."""
    return timed_with_cpu(command, env)[::2]


def timed_with_cpu(command: list[str], env: dict[str, str]) -> tuple[float, float, bytes]:
    """Wall-clock and CPU seconds (user and system, its children's too) of one process,
    and what it printed."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, env=env, stdout=subprocess.PIPE, check=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu, done.stdout


def without_folders(stamps_file: Path) -> None:
    """Take the folders out of every root's stamp (the file's first line; the folders
    follow it): the next rescan walks the tree."""
    raw = json.loads(stamps_file.read_bytes().partition(b"\n")[0])
    for stamp in raw["roots"].values():
        stamp[4] = None
    stamps_file.write_text(json.dumps(raw) + "\n")


def median_of(runs: int, action: Callable[[], float]) -> float:
    return statistics.median(action() for _ in range(runs))


def environment(workdir: Path) -> dict[str, str]:
    """kino's directories in ``workdir`` (XDG_*_HOME); Python's bytecode cached there too,
    as an installed kino has it (PYTHONDONTWRITEBYTECODE would compile every module on
    every start); the rest as it is."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(workdir / "pycache")
    for name in ("CONFIG", "DATA", "CACHE"):
        folder = workdir / name.lower()
        folder.mkdir(parents=True, exist_ok=True)
        env[f"XDG_{name}_HOME"] = str(folder)
    return env


def check_unchanged(output: bytes, files: int) -> dict[str, object]:
    summary: dict[str, object] = json.loads(output)
    moved = {key: summary[key] for key in ("added", "updated", "moved", "removed")}
    if any(moved.values()) or summary["unchanged"] != files:
        raise SystemExit(f"a no-change rescan changed something: {summary}")
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=30000)
    parser.add_argument("--runs", type=int, default=9, help="timed runs of each (at least 7)")
    parser.add_argument("--workdir", type=Path, default=None, help="kept when given")
    parser.add_argument(
        "--python", default=sys.executable, help="the Python that runs kino (default: this one)"
    )
    args = parser.parse_args()
    if args.runs < 7:
        parser.error("--runs must be at least 7")
    kino = [args.python, "-m", "kino_tui"]
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="kino-rescan-"))
    root = workdir / "library"
    env = environment(workdir)
    try:
        print(f"building {args.files} files in {root} …", file=sys.stderr)
        files = build(root, args.files)
        catalog = workdir / "data" / "kino" / "catalog.json"
        stamps_file = catalog.with_name("catalog.stamps")
        catalog.unlink(missing_ok=True)
        stamps_file.unlink(missing_ok=True)
        first_seconds, output = timed([*kino, "scan", "--json", str(root)], env)
        first = json.loads(output)
        if first["added"] != files:
            raise SystemExit(f"the first scan did not add every file: {first}")

        find = ["find", str(root), "-printf", "%s %T@\\n"]
        rescan = [*kino, "scan", "--json"]
        timed(find, env)  # warm: the tree, the interpreter and kino's files are cached
        check_unchanged(timed(rescan, env)[1], files)  # stamps the folders (see above)
        stored = catalog.stat()

        rescans: list[tuple[float, float]] = []
        finds: list[tuple[float, float]] = []
        inside: list[float] = []
        walked: list[float] = []
        for _ in range(args.runs):  # interleaved, so a busy moment hits both alike
            seconds, cpu, output = timed_with_cpu(rescan, env)
            rescans.append((seconds, cpu))
            inside.append(float(check_unchanged(output, files)["seconds"]))
            finds.append(timed_with_cpu(find, env)[:2])
        for _ in range(args.runs):
            without_folders(stamps_file)
            seconds, output = timed(rescan, env)
            check_unchanged(output, files)
            walked.append(seconds)
        now = catalog.stat()
        if (now.st_ino, now.st_mtime_ns) != (stored.st_ino, stored.st_mtime_ns):
            raise SystemExit("a no-change rescan rewrote the catalog file")

        startup = median_of(args.runs, lambda: timed([args.python, "-c", "pass"], env)[0])
        imports = median_of(
            args.runs, lambda: timed([args.python, "-c", "import kino_tui.cli"], env)[0]
        )
        rescan_median = statistics.median(seconds for seconds, _ in rescans)
        find_median = statistics.median(seconds for seconds, _ in finds)
        walked_median = statistics.median(walked)
        pairs = [r / f for (r, _), (f, _) in zip(rescans, finds, strict=True)]
        results = {
            "files": files,
            "folders": sum(1 for _ in os.walk(root)),
            "first_scan_seconds": round(first_seconds, 2),
            "python": args.python,
            "rescan_command": "python -m kino_tui scan --json",
            "find_command": "find ROOT -printf '%s %T@\\n' > /dev/null",
            "runs": args.runs,
            "rescan_seconds_median": round(rescan_median, 3),
            "rescan_seconds_min": round(min(seconds for seconds, _ in rescans), 3),
            "find_seconds_median": round(find_median, 3),
            "find_seconds_min": round(min(seconds for seconds, _ in finds), 3),
            "ratio_of_medians": round(rescan_median / find_median, 2),
            "ratio_best_pair": round(min(pairs), 2),
            "target_ratio": 1.5,
            "rescan_cpu_seconds_median": round(statistics.median(c for _, c in rescans), 3),
            "find_cpu_seconds_median": round(statistics.median(c for _, c in finds), 3),
            # the first rescan after a change walks the tree (and stamps its folders)
            "walked_rescan_seconds_median": round(walked_median, 3),
            "walked_ratio_to_find_median": round(walked_median / find_median, 2),
            "stamps_file_bytes": stamps_file.stat().st_size,
            # where a rescan's time goes
            "python_start_seconds_median": round(startup, 3),
            "cli_import_seconds_median": round(imports - startup, 3),
            "scan_seconds_in_process_median": round(statistics.median(inside), 3),
            "catalog_rewritten": False,
            "cores": os.cpu_count(),
            "load_average": [round(x, 2) for x in os.getloadavg()],
        }
        print(json.dumps(results, indent=2))
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
