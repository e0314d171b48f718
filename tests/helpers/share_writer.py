"""A kino process that keeps writing watch state (run by the shared watch state tests).

``python -m tests.helpers.share_writer positions PATH``: saves ever larger positions of
the item at PATH (inside the library) as fast as it can, printing each position once
saved, until killed. ``... marks PATH ROUNDS``: ROUNDS positions and history lines,
syncing after each, then marks the item watched and syncs.
"""

from __future__ import annotations

import sys

from kino_tui.config.paths import KinoPaths
from kino_tui.core.models import Progress
from kino_tui.service.library import Library


def main(mode: str, path: str, rounds: int = 0) -> None:
    library = Library(KinoPaths.default())
    data, _ = library.load()
    item = next(i for i in data.items.values() if i.path.endswith("/" + path))
    if mode == "positions":
        position = 1.0
        while True:
            library.watch.save(item, Progress(position=position, duration=400.0))
            print(position, flush=True)
            position += 1.0
    for number in range(rounds):
        library.watch.save(item, Progress(position=float(number + 1), duration=400.0))
        library.watch.add_history(item, {"started_at": f"2026-01-01T00:{number:02d}:00+00:00",
                                         "ended_at": f"2026-01-01T00:{number:02d}:30+00:00",
                                         "player": "mpv", "position": float(number + 1)})  # fmt: skip
        library.sync_shared()
    library.mark_watched([item], True)
    line = library.sync_shared()
    if line:
        print(line, file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 0)
