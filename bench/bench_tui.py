"""TUI figures at 50,000 items: time to an interactive list (next to a minimal Textual app,
both in a real terminal under tmux) and to the whole library, memory, search latency per
keystroke, cursor speed.

    .venv/bin/python -m bench.bench_tui --items 50000

Targets on a 2-core machine: list within 1.0 s; search ≲ 10 ms per keystroke on average
(ranked: shows, seasons, artists and albums too); < 300 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import contextlib
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

from bench.bench_scan import grow_catalog
from bench.synthetic_library import build
from kino_tui.core.browse.view import LibraryView
from kino_tui.core.catalog.store import Catalog
from kino_tui.core.models import LibraryRoot
from kino_tui.core.scan.scanner import Scanner

MINIMAL_APP = textwrap.dedent(
    """
    from textual.app import App
    from textual.widgets import Static

    class Minimal(App):
        def compose(self):
            yield Static("minimal app ready")

    Minimal().run()
    """
)


def time_to_texts(
    command: str, texts: list[str], env: dict[str, str], timeout: float = 30.0
) -> tuple[list[float], int]:
    """Seconds from starting ``command`` in tmux until each of ``texts`` is on screen (in
    order), and the process's peak RSS (kB)."""
    session = f"kino-bench-{os.getpid()}-{time.monotonic_ns()}"
    exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    started = time.perf_counter()
    subprocess.run(
        [
            "tmux",
            "new-session",
            "-d",
            "-s",
            session,
            "-x",
            "120",
            "-y",
            "40",
            f"env {exports} {command}",
        ],
        check=True,
    )
    try:
        seen: list[float] = []
        while len(seen) < len(texts):
            screen = subprocess.run(
                ["tmux", "capture-pane", "-p", "-t", session], capture_output=True, text=True
            ).stdout
            if texts[len(seen)] in screen:
                seen.append(time.perf_counter() - started)
                continue
            if time.perf_counter() - started > timeout:
                raise TimeoutError(f"{texts[len(seen)]!r} never appeared:\n{screen}")
            time.sleep(0.02)  # each capture costs a process: poll gently on 2 cores
        time.sleep(1.0)  # let the search index finish building, then read memory
        pid = subprocess.run(
            ["tmux", "display-message", "-p", "-t", session, "#{pane_pid}"],
            capture_output=True,
            text=True,
        ).stdout.strip()
        peak = 0
        for process in [
            pid,
            *subprocess.run(["pgrep", "-P", pid], capture_output=True, text=True).stdout.split(),
        ]:
            try:
                status = Path(f"/proc/{process}/status").read_text()
            except OSError:
                continue
            for line in status.splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
        return seen, peak
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)


@contextlib.contextmanager
def tmux_server() -> Iterator[None]:
    """Keep one tmux session open, so the server does not exit (and race the next
    ``new-session``) each time a measured session ends."""
    name = f"kino-bench-keepalive-{os.getpid()}"
    subprocess.run(["tmux", "new-session", "-d", "-s", name, "sleep 3600"], check=True)
    try:
        yield
    finally:
        subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True)


def search_latency(catalog_path: Path) -> dict[str, float]:
    view = LibraryView(Catalog(catalog_path).load().items.values(), {})
    view.build_search_index()
    timings = []
    for query in ("breaking bad s03", "blue glass", "artist 12 song", "home 2005 clip"):
        for end in range(1, len(query) + 1):
            started = time.perf_counter()
            view.search(query[:end])
            timings.append((time.perf_counter() - started) * 1000)
    return {"search_ms_mean": statistics.mean(timings), "search_ms_max": max(timings)}


def cursor_speed(
    paths_env: dict[str, str], keys: int = 150, rate: float = 30.0
) -> dict[str, float]:
    """A held ``j`` through All Videos: ``keys`` key events at ``rate`` a second (a
    terminal's key repeat) into kino in a 120×40 headless terminal. Reports the CPU
    milliseconds kino spends per key (it keeps up while that stays under 1000/rate)
    and how long after the last key the cursor is on its row."""
    os.environ.update(paths_env)
    from kino_tui.config.paths import KinoPaths
    from kino_tui.service import Library
    from kino_tui.ui.app import KinoApp
    from kino_tui.ui.screens.browser import BrowserScreen
    from kino_tui.ui.widgets.media_list import MediaList

    async def run() -> dict[str, float]:
        app = KinoApp(Library(KinoPaths.default()), image_mode="off")
        async with app.run_test(size=(120, 40)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, BrowserScreen)
            screen.show_section("videos")
            await pilot.pause()
            media_list = screen.query_one(MediaList)
            target = media_list.cursor + keys
            cpu = time.process_time()
            for _ in range(keys):
                app.simulate_key("j")
                await asyncio.sleep(1 / rate)
            last_key = time.perf_counter()
            while media_list.cursor < target:
                await asyncio.sleep(0.001)
            lag = time.perf_counter() - last_key
            await pilot.pause()
            return {
                "cpu_ms_per_key": (time.process_time() - cpu) / keys * 1000,
                "lag_ms": lag * 1000,
            }

    return asyncio.run(run())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=50000)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=7, help="start-ups to take the median of")
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="kino-bench-tui-"))
    library_root = workdir / "library"
    small = workdir / "small.json"
    if not small.exists():
        build(library_root, 2000)
        Scanner(Catalog(small), workers=2).scan([LibraryRoot(str(library_root), "mixed")])
    env = {
        "XDG_CONFIG_HOME": str(workdir / "config"),
        "XDG_DATA_HOME": str(workdir / "data"),
        "XDG_CACHE_HOME": str(workdir / "cache"),
        "TERM": "xterm-256color",
    }
    catalog_path = workdir / "data" / "kino" / "catalog.json"
    catalog_path.parent.mkdir(parents=True, exist_ok=True)
    grow_catalog(small, catalog_path, args.items)
    first_title = sorted(
        (i for i in Catalog(catalog_path).load().items.values() if i.kind == "movie"),
        key=lambda i: (i.title or "").casefold(),
    )[0].title

    # An installed kino runs from compiled bytecode (pip compiles it); so does the bench.
    compileall.compile_dir(Path(__file__).parents[1] / "kino_tui", quiet=1)
    kino = shlex.quote(str(Path(sys.executable).with_name("kino")))
    python = shlex.quote(sys.executable)
    script = workdir / "minimal.py"
    script.write_text(MINIMAL_APP)
    minimal, opening, whole, rss = [], [], [], []
    with tmux_server():
        for _ in range(args.runs):
            minimal.append(time_to_texts(f"{python} {script}", ["minimal app ready"], env)[0][0])
            # the first movie, then the status line's summary once the whole library is in
            times, peak = time_to_texts(
                f"{kino} --images off", [str(first_title), " movies · "], env
            )
            opening.append(times[0])
            whole.append(times[1])
            rss.append(peak)
    kino_seconds = statistics.median(opening)
    minimal_seconds = statistics.median(minimal)
    results = {
        "items": args.items,
        "runs": args.runs,
        "kino_list_seconds_median": round(kino_seconds, 3),
        "minimal_textual_app_seconds_median": round(minimal_seconds, 3),
        "ratio": round(kino_seconds / minimal_seconds, 2),
        "kino_whole_library_seconds_median": round(statistics.median(whole), 3),
        "kino_peak_rss_mb": round(max(rss) / 1024, 1),
        **{k: round(v, 2) for k, v in search_latency(catalog_path).items()},
        **{f"cursor_{k}": round(v, 2) for k, v in cursor_speed(env).items()},
    }
    small_env = {**env, "XDG_DATA_HOME": str(workdir / "small-data")}
    small_catalog = workdir / "small-data" / "kino" / "catalog.json"
    small_catalog.parent.mkdir(parents=True, exist_ok=True)
    small_catalog.write_bytes(small.read_bytes())
    small = cursor_speed(small_env)
    results.update({f"cursor_{k}_2000_items": round(v, 2) for k, v in small.items()})
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
