"""What taking NFO watch state at scan time costs (service/scanning.nfo_history): N new
items with an NFO each, a share of them holding Kodi play tags, a real watch store.

    .venv/bin/python -m bench.bench_nfo_history --items 5000 --played 0.2

Reports wall and CPU time (user + system) for the whole step and per NFO, with the page
cache warm (the scan has just read those NFOs), and how many records it wrote.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from kino_tui.config.paths import KinoPaths
from kino_tui.config.settings import Settings
from kino_tui.core.models import MediaItem
from kino_tui.service import Library
from kino_tui.service.scanning import nfo_history

PLAIN = """<?xml version="1.0" encoding="UTF-8" standalone="yes" ?>
<movie>
    <title>Film {n}</title>
    <plot>{plot}</plot>
    <uniqueid type="imdb" default="true">tt{n:07d}</uniqueid>
    <genre>Drama</genre>
</movie>
"""
PLAYED = PLAIN.replace(
    "</movie>",
    "    <playcount>1</playcount>\n    <lastplayed>2024-03-01 21:04:11</lastplayed>\n"
    "    <resume><position>0.000000</position><total>0.000000</total></resume>\n</movie>",
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--played", type=float, default=0.2, help="share with play tags")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        items = []
        every = max(1, round(1 / args.played)) if args.played else 0
        for n in range(args.items):
            nfo = base / "media" / f"Film {n}" / f"Film {n}.nfo"
            nfo.parent.mkdir(parents=True)
            text = PLAYED if every and n % every == 0 else PLAIN
            nfo.write_text(text.format(n=n, plot="A long plot. " * 40))
            items.append(
                MediaItem(id=f"{n:012x}", kind="movie", path=str(nfo.with_suffix(".mkv")),
                          root=str(base / "media"), nfo=str(nfo))
            )  # fmt: skip
        paths = KinoPaths(base / "config", base / "data", base / "cache")
        library = Library(paths, Settings())
        for item in items:  # warm the page cache, as the scan's own read leaves it
            Path(item.nfo or "").read_bytes()
        cpu, wall = os.times(), time.perf_counter()
        taken = nfo_history(library, items)
        wall = time.perf_counter() - wall
        after = os.times()
        used = (after.user - cpu.user) + (after.system - cpu.system)
        print(f"items {args.items}  with play tags {taken}")
        print(f"wall {wall:.3f} s ({wall / args.items * 1e6:.0f} µs an NFO)")
        print(f"cpu  {used:.3f} s ({used / args.items * 1e6:.0f} µs an NFO)")


if __name__ == "__main__":
    main()
