"""Issue 18's table at 250,000 tracks: every figure as a whole ``kino`` process (the
median of several runs), with its peak memory and CPU time, next to its goal.

    .venv/bin/python -m bench.bench_scale                    # 250,000 tracks, every figure
    .venv/bin/python -m bench.bench_scale --tracks 5000      # the same, small and quick
    .venv/bin/python -m bench.bench_scale --skip scan        # reuse the last scanned catalog
    .venv/bin/python -m bench.bench_scale --skip scan --work /work/.scale/kino-mine \
        --catalog-from /work/.scale/kino-250000/home             # beside another engineer's runs

The library (``bench/scale_library.py``: 2,500 artists × 10 albums × 10 tracks of real tiny
MP3s, each with its own ID3 tags) is built once under ``--library`` (default
``/work/.scale`` when it exists, else the temp folder; about 1 GB at 250,000 tracks: check
``df -h``) and reused by later runs. Each kino run has its own ``XDG_*_HOME`` under the
same folder (or under ``--work``: two checkouts measuring at once each need their own),
so nothing of the user's is read or written. ``--catalog-from`` copies another work
folder's scanned kino files into this one (once; its catalog's index is made again, as a
copied file is a new file) so ``--skip scan`` needs no scan of its own.

How each figure is taken:

- *first scan*: ``kino scan --json`` on fresh kino folders (the catalog and its index
  written); tracks/s = tracks / wall seconds.
- *no-change rescan*: ``kino scan --json`` again on a settled library (after a scan,
  and another once the racy window has passed), next to ``find LIBRARY`` (both whole
  processes, output discarded). After the live scans, one more row each: ``kino search``
  (the index was patched: no build) and the first ``kino scan`` (its stamps are void).
- *search*, *ls*, *play*, *watched*: the command's whole process; *search* must list the
  track it was given first, *play* prints the player's command (``--print-command``).
- *TUI*: kino in a real terminal (tmux, 80×24): seconds from starting it until its opening
  section's first row is on screen; then, in another run, ``/`` and a track's title typed
  as soon as that row shows, until the track's row (``NN  Title``) is on screen. Next to
  a minimal Textual app's first paint. Peak memory is the process's high-water mark.
- *one album changed*: in one process, the CPU seconds of what the TUI does after live
  updates rescanned an album (its items read, put in place, the search index patched),
  next to loading the whole view again; no file is changed, the live scan not included.
- *keystroke*: in one process, the whole library loaded as the TUI holds it, the time of
  each search as a title is typed a letter at a time, to the list the TUI then draws
  (its first page, ``ui/searching.FIRST_PAGE`` rows; the rest of the 500 are ranked once
  typing pauses, and the note gives that time too).

Every kino process runs from compiled bytecode, cached under the work folder (as pip
installs kino; with PYTHONDONTWRITEBYTECODE, which this machine's shells set, each one
compiled all its modules again: about 0.2 s of CPU, a third of a no-change rescan).

Peak memory: the largest resident set of the process and any child it waited for (GNU
time's ``%M``; a scan's reader processes are separate and each smaller). CPU: user +
system seconds of the process and its children. On a loaded machine wall time says
little: compare CPU seconds, and rerun when nothing else runs for the table's figures.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench.bench_tui import MINIMAL_APP, tmux_server
from bench.scale_library import TRACKS, build, built_count, layout

KINO = [sys.executable, "-m", "kino_tui"]


@dataclass
class Figure:
    """One row of the table: the runs' wall seconds, CPU seconds and peak memory (kB)."""

    name: str
    goal: str
    seconds: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    peak_kb: list[int] = field(default_factory=list)
    note: str = ""
    #: Memory above what the process held before (MB), for a figure inside a process.
    note_mb: float = 0.0
    #: Whether the goal holds, given the figure (None: no goal in seconds/memory).
    check: Callable[[Figure], bool] | None = None

    @property
    def median(self) -> float:
        return statistics.median(self.seconds) if self.seconds else float("nan")

    @property
    def peak_mb(self) -> float:
        return max(self.peak_kb) / 1024 if self.peak_kb else float("nan")

    def holds(self) -> bool | None:
        return None if self.check is None or not self.seconds else self.check(self)

    def as_dict(self) -> dict[str, object]:
        return {
            "figure": self.name,
            "goal": self.goal,
            "median_seconds": round(self.median, 3),
            "runs_seconds": [round(s, 3) for s in self.seconds],
            "median_cpu_seconds": round(statistics.median(self.cpu), 3) if self.cpu else None,
            "peak_mb": round(self.peak_mb, 1) if self.peak_kb else None,
            "note": self.note,
            "holds": self.holds(),
        }


def timed(
    command: list[str], env: dict[str, str], stdout: int | None = subprocess.DEVNULL
) -> tuple[float, float, int, bytes]:
    """Run a whole process under GNU time: (wall s, CPU s, peak kB, its stdout)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        started = time.perf_counter()
        done = subprocess.run(
            ["/usr/bin/time", "-f", "%U %S %M", "-o", report.name, *command],
            env=env,
            stdout=subprocess.PIPE if stdout is None else stdout,
            stderr=subprocess.PIPE,
            check=False,
        )
        seconds = time.perf_counter() - started
        user, system, peak = report.read().split()[-3:]
    if done.returncode != 0:
        raise SystemExit(f"{shlex.join(command)} failed: {done.stderr.decode()[-2000:]}")
    return seconds, float(user) + float(system), int(peak), done.stdout or b""


def kino_env(home: Path) -> dict[str, str]:
    """kino's folders under ``home``; Python's bytecode cached beside them, as an installed
    kino has it (pip compiles it; with PYTHONDONTWRITEBYTECODE every run compiled every
    module again: a fifth of a second of CPU), as bench_rescan and bench_tui do."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(home.parent / "pycache")
    for name in ("CONFIG", "DATA", "CACHE", "STATE"):
        env[f"XDG_{name}_HOME"] = str(home / name.lower())
    env["TERM"] = "xterm-256color"
    return env


def fresh_home(workdir: Path, music: Path) -> tuple[Path, dict[str, str]]:
    home = workdir / "home"
    shutil.rmtree(home, ignore_errors=True)
    env = kino_env(home)
    subprocess.run([*KINO, "add", "--type", "music", str(music)], env=env, check=True,
                   capture_output=True)  # fmt: skip
    return home, env


def first_scan(figure: Figure, workdir: Path, music: Path, tracks: int, runs: int) -> None:
    for run in range(runs):
        _, env = fresh_home(workdir, music)
        seconds, cpu, peak, _ = timed([*KINO, "scan", "--json"], env)
        figure.seconds.append(seconds)
        figure.cpu.append(cpu)
        figure.peak_kb.append(peak)
        say(f"first scan {run + 1}/{runs}: {seconds:.1f} s, {tracks / seconds:.0f} tracks/s, "
            f"{cpu:.1f} CPU s, {peak / 1024:.0f} MB")  # fmt: skip


def repeat(figure: Figure, command: list[str], env: dict[str, str], runs: int,
           check_output: Callable[[bytes], None] | None = None) -> None:  # fmt: skip
    for _ in range(runs):
        seconds, cpu, peak, out = timed(
            command, env, stdout=None if check_output else subprocess.DEVNULL
        )
        if check_output is not None:
            check_output(out)
        figure.seconds.append(seconds)
        figure.cpu.append(cpu)
        figure.peak_kb.append(peak)
    say(f"{figure.name}: median {figure.median:.3f} s, {figure.peak_mb:.0f} MB")


def say(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')} load {os.getloadavg()[0]:.1f}] {text}", file=sys.stderr)


# -- the TUI in tmux ----------------------------------------------------------------


def tui_run(command: str, env: dict[str, str], waits: list[tuple[str, str]],
            timeout: float = 60.0) -> tuple[list[float], int]:  # fmt: skip
    """Start ``command`` in an 80×24 tmux pane; for each (text, keys): wait until text is
    on screen (seconds from the start), then type keys. Returns the times and the peak
    resident memory (kB) of the pane's processes."""
    session = f"kino-scale-{os.getpid()}-{time.monotonic_ns()}"
    exports = " ".join(
        f"{k}={shlex.quote(v)}" for k, v in env.items() if k.startswith(("XDG_", "TERM"))
    )
    started = time.perf_counter()
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "80", "-y", "24",
                    f"env {exports} {command}"], check=True)  # fmt: skip
    try:
        seen: list[float] = []
        peak = 0
        while len(seen) < len(waits):
            text, keys = waits[len(seen)]
            screen = subprocess.run(["tmux", "capture-pane", "-p", "-t", session],
                                    capture_output=True, text=True).stdout  # fmt: skip
            peak = max(peak, _pane_peak(session))
            if text in screen:
                seen.append(time.perf_counter() - started)
                if keys:
                    subprocess.run(["tmux", "send-keys", "-t", session, "-l", keys], check=True)
                continue
            if time.perf_counter() - started > timeout:
                raise TimeoutError(f"{text!r} never appeared:\n{screen}")
            time.sleep(0.02)
        return seen, max(peak, _pane_peak(session))
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)


def _pane_peak(session: str) -> int:
    pid = subprocess.run(["tmux", "display-message", "-p", "-t", session, "#{pane_pid}"],
                         capture_output=True, text=True).stdout.strip()  # fmt: skip
    peak = 0
    children = subprocess.run(["pgrep", "-P", pid], capture_output=True, text=True).stdout
    for process in [pid, *children.split()]:
        try:
            status = Path(f"/proc/{process}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                peak = max(peak, int(line.split()[1]))
    return peak


def opening_row(env: dict[str, str]) -> str:
    """The text of the first row kino opens on (its first section, sorted as shown)."""
    code = (
        "from kino_tui.config.paths import KinoPaths\nfrom kino_tui.service import Library\n"
        "o = Library(KinoPaths.default()).load_opening()\n"
        "print(o.view.section(o.view.first_section())[0].title)"
    )
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          check=True)  # fmt: skip
    return done.stdout.strip()


def keystrokes(env: dict[str, str], title: str) -> dict[str, float]:
    """Milliseconds per search as ``title`` is typed, over the whole library loaded as
    the TUI holds it: the first page a keystroke draws (``ui/searching.FIRST_PAGE`` rows),
    then, as if typing paused after each letter, the whole list (500 rows)."""
    code = f"""
import json, time, statistics
from kino_tui.config.paths import KinoPaths
from kino_tui.service import Library
from kino_tui.ui.searching import FIRST_PAGE
library = Library(KinoPaths.default())
view, _ = library.load_rest(library.load_opening())
view.ensure_search_index()  # as the TUI does: read with the items when the index is current
query = {title!r}
def typed(limit):
    times = []
    for end in range(1, len(query) + 1):
        started = time.perf_counter()
        entries = view.search(query[:end], limit)
        times.append((time.perf_counter() - started) * 1000)
    return times
page, whole = typed(FIRST_PAGE), typed(500)
print(json.dumps({{"mean": statistics.mean(page), "max": max(page), "whole_max": max(whole),
                  "whole_mean": statistics.mean(whole)}}))
"""
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          check=True)  # fmt: skip
    timings: dict[str, float] = json.loads(done.stdout)
    return timings


def album_change(env: dict[str, str], album: str) -> dict[str, float]:
    """CPU seconds of what the TUI does when live updates rescanned one album (its items
    read from the catalog, put in place in the whole library's view, the search index
    patched), next to loading the whole view again (what it did before). The live scan
    itself is left out (the scanner's figure), and no file is changed: the album's items
    as the catalog holds them are put back in place of themselves."""
    code = f"""
import json, time
from kino_tui.config.paths import KinoPaths
from kino_tui.service import Library
from kino_tui.service.following import items_under
library = Library(KinoPaths.default())
view, _ = library.load_rest(library.load_opening())
view.ensure_search_index()
view.section(view.first_section())
started = time.process_time()
items = items_under(library, [{album!r}])
read = time.process_time()
view.replace_under([{album!r}], items)
view.section(view.first_section())
applied = time.process_time()
view.ensure_search_index()
patched = time.process_time()
again, _ = library.load_view()
again.ensure_search_index()
print(json.dumps({{"items": len(items), "read": read - started, "apply": applied - read,
                  "search": patched - applied, "reload": time.process_time() - patched}}))
"""
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          check=True)  # fmt: skip
    timings: dict[str, float] = json.loads(done.stdout)
    return timings


LIVE_SCAN = """
import json, os, shutil, sys, time
from kino_tui.config.paths import KinoPaths
from kino_tui.service import Library
from kino_tui.service.following import items_under

def status(name):
    with open("/proc/self/status") as lines:
        return next(int(line.split()[1]) for line in lines if line.startswith(name + ":"))

album, added = sys.argv[1], sys.argv[2]
library = Library(KinoPaths.default())
results = {}

def scan(label):
    with open("/proc/self/clear_refs", "w") as refs:  # the high-water mark from here on
        refs.write("5")
    before = status("VmRSS")
    started, cpu = time.perf_counter(), time.process_time()
    summary = library.scan(folders=[album])
    seconds, used, peak = time.perf_counter() - started, time.process_time() - cpu, status("VmHWM")
    started, cpu = time.perf_counter(), time.process_time()
    found = items_under(library, [album])  # what live updates then read for the TUI
    results[label] = {
        "seconds": seconds, "cpu": used, "before_kb": before, "peak_kb": peak,
        "added": summary.added, "removed": summary.removed, "unchanged": summary.unchanged,
        "read_seconds": time.perf_counter() - started, "read_cpu": time.process_time() - cpu,
        "read_peak_kb": status("VmHWM"), "items": len(found or ()),
    }

scan("unchanged")
shutil.copyfile(os.path.join(album, sorted(os.listdir(album))[0]), added)
try:
    scan("track added")
finally:
    os.unlink(added)
scan("track removed")
print(json.dumps(results))
"""


def live_scan(env: dict[str, str], album: str) -> dict[str, dict[str, float]]:
    """What live updates run when one album changed: ``Library.scan(folders=[album])`` in
    one process (the TUI's), with nothing changed, with one track added (a copy of its
    first file: this WRITES into the library, then removes it: give the bench a library
    of its own, e.g. a hard-linked copy, ``cp -al``), and with it removed again: wall and
    CPU seconds, the process's resident memory before and its high-water mark during
    each scan (``/proc/self/clear_refs`` resets it); then what live updates read for the
    TUI after it (``following.items_under``), and the high-water mark of both."""
    added = str(Path(album) / "99 - Added by bench_scale.mp3")
    done = subprocess.run([sys.executable, "-c", LIVE_SCAN, album, added], env=env,
                          capture_output=True, text=True, check=False)  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"the live scan failed: {done.stderr[-2000:]}")
    results: dict[str, dict[str, float]] = json.loads(done.stdout)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tracks", type=int, default=250_000)
    default_dir = (
        Path("/work/.scale")
        if Path("/work").is_dir()
        else Path(tempfile.gettempdir()) / "kino-scale"
    )
    parser.add_argument("--library", type=Path, default=default_dir,
                        help=f"folder for the libraries and kino's files (default {default_dir})")  # fmt: skip
    parser.add_argument("--work", type=Path,
                        help="folder for kino's own files (default: kino-TRACKS beside the "
                             "library; give each checkout its own to run benches side by side)")  # fmt: skip
    parser.add_argument("--runs", type=int, default=5, help="runs of each quick figure")
    parser.add_argument("--scan-runs", type=int, default=3, help="first scans (each minutes long)")
    parser.add_argument("--skip", action="append", default=[], choices=["scan", "tui", "keys", "live"],
                        help="leave a figure out (scan: reuse the last scanned catalog)")  # fmt: skip
    parser.add_argument("--catalog-from", type=Path,
                        help="with --skip scan: copy this scanned kino home into the work "
                        "folder when it has no catalog yet")  # fmt: skip
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--live-only", action="store_true",
                        help="only the live scans of one album (after --skip scan's copy)")  # fmt: skip
    args = parser.parse_args()

    tracks = args.tracks
    if tracks % (TRACKS * 10):
        raise SystemExit(f"--tracks must be a multiple of {TRACKS * 10} (whole artists)")
    root = args.library / f"library-{tracks}"
    workdir = args.work or args.library / f"kino-{tracks}"
    workdir.mkdir(parents=True, exist_ok=True)
    if built_count(root) != tracks:
        say(f"building {tracks} tracks in {root} …")
        shutil.rmtree(root, ignore_errors=True)
        build(root, tracks)
    music = root / "Music"
    say(f"library {root} ({tracks} tracks); load average {os.getloadavg()}")

    target = next(t for n, t in enumerate(layout(tracks)) if n == int(tracks * 0.73))
    figures: list[Figure] = []

    scan = Figure("first kino scan", ">= 3,000 tracks/s; peak <= 600 MB",
                  check=lambda f: tracks / f.median >= 3000 and f.peak_mb <= 600)  # fmt: skip
    figures.append(scan)
    home = workdir / "home"
    catalog = home / "data" / "kino" / "catalog.json"
    if "scan" in args.skip and args.catalog_from is not None and not catalog.exists():
        shutil.copytree(args.catalog_from, home, dirs_exist_ok=True)
        # the copy is a new file: its index is stale until a command makes it again
        subprocess.run([*KINO, "search", "--json", "x"], env=kino_env(home), check=True,
                       capture_output=True)  # fmt: skip
    if "scan" in args.skip and catalog.exists():
        env = kino_env(home)
        scan.note = "skipped: the last scanned catalog reused"
    else:
        first_scan(scan, workdir, music, tracks, args.scan_runs)
        env = kino_env(home)
        scan.note = f"{tracks / scan.median:.0f} tracks/s (median of {len(scan.seconds)})"

    if not args.live_only:
        # the no-change rescan on a settled library: one scan first (a catalog written
        # since the last stamps, or a folder changed within the racy window, is an
        # ordinary scan), and again once the folders' times can be trusted
        # (scan/stamps.RACY_NS)
        subprocess.run([*KINO, "scan", "--json"], env=env, check=True, capture_output=True)
        time.sleep(2.5)
        subprocess.run([*KINO, "scan", "--json"], env=env, check=True, capture_output=True)
        rescan = Figure("no-change rescan", "<= 1.5x find")
        repeat(rescan, [*KINO, "scan", "--json"], env, args.runs)
        find = Figure("find LIBRARY", "(reference)")
        repeat(find, ["find", str(music)], env, args.runs)
        rescan.check = lambda f: f.median <= 1.5 * find.median
        rescan.note = f"{rescan.median / find.median:.2f}x find"
        figures += [rescan, find]

    def finds_the_track(out: bytes) -> None:
        results = json.loads(out)
        if not results or results[0]["title"] != target.title:
            raise SystemExit(f"kino search {target.title!r} listed {results[:1]!r} first")

    live: list[Figure] = []
    if "live" not in args.skip:
        album_folder = str(music.parent / Path(target.relative).parent)
        for label, found in live_scan(env, album_folder).items():
            figure = Figure(
                f"live scan of one album, {label}", "<= 1 s; <= 100 MB above before",
                check=lambda f: f.median <= 1.0 and f.note_mb <= 100,
            )  # fmt: skip
            figure.seconds, figure.cpu = [found["seconds"]], [found["cpu"]]
            figure.peak_kb = [int(found["peak_kb"])]
            figure.note_mb = (found["peak_kb"] - found["before_kb"]) / 1024
            figure.note = (
                f"{found['before_kb'] / 1024:.0f} MB before, +{figure.note_mb:.0f} MB at the "
                f"peak; added {found['added']:.0f}, removed {found['removed']:.0f}; then its "
                f"{found['items']:.0f} items read for the TUI (items_under) in "
                f"{found['read_seconds']:.2f} s, CPU {found['read_cpu']:.2f} s, peak with it "
                f"+{(found['read_peak_kb'] - found['before_kb']) / 1024:.0f} MB"
            )
            live.append(figure)
        for figure in live:
            say(f"{figure.name}: {figure.median:.3f} s, CPU {figure.cpu[0]:.2f} s, {figure.note}")
    if args.live_only:
        print_table(live, tracks, args.json)
        return
    figures += live
    if live:
        # the live scans patched the catalog's index: the next search needs no build
        searched = Figure("kino search right after the live scans", "<= 0.5 s (index patched)",
                          check=lambda f: f.median <= 0.5)  # fmt: skip
        repeat(searched, [*KINO, "search", "--json", target.title], env, 1,
               lambda out: finds_the_track(out))  # fmt: skip
        # what the next `kino scan` costs after live updates wrote the catalog (its stamps
        # are void: an ordinary scan that reads the catalog and walks every folder)
        after = Figure("first rescan after the live scans", "(for the record)")
        repeat(after, [*KINO, "scan", "--json"], env, 1)
        figures += [searched, after]

    search = Figure("kino search TITLE --json", "<= 0.5 s; <= 150 MB",
                    check=lambda f: f.median <= 0.5 and f.peak_mb <= 150)  # fmt: skip
    repeat(search, [*KINO, "search", "--json", target.title], env, args.runs, finds_the_track)
    track_id = json.loads(timed([*KINO, "search", "--json", target.title], env, None)[3])[0]["id"]
    figures.append(search)

    def counts(out: bytes) -> None:
        listed = out.count(b'"kind":"track"')
        if listed != tracks:
            raise SystemExit(f"kino ls listed {listed} tracks, not {tracks}")

    listing = Figure("kino ls --json --kind track", "<= 4 s", check=lambda f: f.median <= 4.0)
    repeat(listing, [*KINO, "ls", "--json", "--kind", "track"], env, max(1, args.runs // 2 + 1),
           counts)  # fmt: skip
    figures.append(listing)

    play = Figure("kino play ID --print-command", "no catalog unpacked (< 0.5 s)",
                  check=lambda f: f.median <= 0.5)  # fmt: skip
    repeat(play, [*KINO, "play", "--print-command", track_id], env, args.runs)
    watched = Figure("kino watched ID", "no catalog unpacked (< 0.5 s)",
                     check=lambda f: f.median <= 0.5)  # fmt: skip
    repeat(watched, [*KINO, "watched", track_id], env, args.runs)
    subprocess.run(
        [*KINO, "watched", "--unset", track_id], env=env, check=True, capture_output=True
    )
    album = str(Path(target.relative).parent)
    group = Figure("kino play ALBUM-FOLDER --print-command", "no catalog unpacked (< 0.5 s)",
                   check=lambda f: f.median <= 0.5)  # fmt: skip
    repeat(group, [*KINO, "play", "--print-command", str(root / album)], env, args.runs)
    section = Figure("kino ls --section continue-watching", "no catalog unpacked (< 0.5 s)",
                     check=lambda f: f.median <= 0.5)  # fmt: skip
    repeat(section, [*KINO, "ls", "--section", "continue-watching"], env, args.runs)
    figures += [play, watched, group, section]

    if "tui" not in args.skip:
        first_row = opening_row(env)
        minimal = Figure("minimal Textual app, first paint", "(reference)")
        opening = Figure("TUI first screen", "<= 1.0 s", check=lambda f: f.median <= 1.0)
        typed = Figure(
            "TUI start, '/', title, result on screen", "<= 1.5 s and <= 4x minimal; <= 400 MB"
        )
        whole = Figure(
            "TUI whole library loaded", "<= 400 MB (the items shown, not every record)",
            check=lambda f: f.peak_mb <= 400,
        )  # fmt: skip
        script = workdir / "minimal.py"
        script.write_text(MINIMAL_APP)
        kino = shlex.join([*KINO, "--images", "off"])
        result_row = f"{target.number:02d}  {target.title}"
        with tmux_server():
            for _ in range(args.runs):
                times, peak = tui_run(shlex.join([sys.executable, str(script)]), env,
                                      [("minimal app ready", "")])  # fmt: skip
                minimal.seconds.append(times[0])
                minimal.peak_kb.append(peak)
                times, peak = tui_run(kino, env, [(first_row, "")])
                opening.seconds.append(times[0])
                opening.peak_kb.append(peak)
                times, peak = tui_run(
                    kino, env, [(first_row, "/" + target.title), (result_row, "")]
                )
                typed.seconds.append(times[1])
                typed.peak_kb.append(peak)
                # then until the status line counts the whole library: its memory then
                times, peak = tui_run(kino, env, [(first_row, ""), (f"{tracks:,} tracks", "")])
                whole.seconds.append(times[1])
                whole.peak_kb.append(peak)
        typed.check = lambda f: (
            f.median <= 1.5 and f.median <= 4 * minimal.median and f.peak_mb <= 400
        )
        typed.note = f"{typed.median / minimal.median:.1f}x the minimal app"
        figures += [minimal, opening, typed, whole]
        for figure in (minimal, opening, typed, whole):
            say(f"{figure.name}: median {figure.median:.3f} s, {figure.peak_mb:.0f} MB")

    if "keys" not in args.skip:
        per_key = keystrokes(env, target.title)
        keys = Figure(
            "a keystroke in the search box", "<= 50 ms", check=lambda f: max(f.seconds) <= 0.05
        )
        keys.seconds = [per_key["max"] / 1000]
        keys.note = (
            f"first page: mean {per_key['mean']:.1f} ms, slowest {per_key['max']:.1f} ms; "
            f"the whole list once typing pauses: mean {per_key['whole_mean']:.1f} ms, "
            f"slowest {per_key['whole_max']:.1f} ms"
        )
        figures.append(keys)
        album_folder = str(music.parent / Path(target.relative).parent)
        change = album_change(env, album_folder)
        album = Figure(
            "TUI: one album changed, applied", "without loading everything (CPU s)",
            check=lambda f: f.cpu[0] < 0.5 * reload_cpu,
        )  # fmt: skip
        reload_cpu = change["reload"]
        album.cpu = [change["read"] + change["apply"] + change["search"]]
        album.seconds = album.cpu
        album.note = (
            f"{change['items']:.0f} items read {change['read']:.2f} s, applied "
            f"{change['apply']:.3f} s, search patched {change['search']:.2f} s; the whole "
            f"view loaded again: {reload_cpu:.2f} s (the live scan itself not included)"
        )
        figures.append(album)

    print_table(figures, tracks, args.json)


def print_table(figures: list[Figure], tracks: int, json_path: Path | None) -> None:
    print(f"\n{tracks:,} tracks; load average {os.getloadavg()[0]:.1f} (2 cores: above ~0.5 the "
          "machine was busy and wall times are high; CPU seconds are steadier)\n")  # fmt: skip
    print(f"{'figure':42} {'median s':>9} {'CPU s':>7} {'peak MB':>8}  goal / holds")
    for figure in figures:
        cpu = f"{statistics.median(figure.cpu):7.2f}" if figure.cpu else " " * 7
        memory = f"{figure.peak_mb:8.0f}" if figure.peak_kb else " " * 8
        holds = {True: "yes", False: "NO", None: ""}[figure.holds()]
        print(
            f"{figure.name:42} {figure.median:9.3f} {cpu} {memory}  {figure.goal} {holds} {figure.note}"
        )
    if json_path:
        json_path.write_text(json.dumps([f.as_dict() for f in figures], indent=2))


if __name__ == "__main__":
    main()
