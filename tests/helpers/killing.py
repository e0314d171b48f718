"""A writer killed at a chosen moment: what the kill tests of the catalog's files use."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

#: The checkout, where ``python -c`` finds ``tests.helpers`` and ``kino_tui``.
CHECKOUT = Path(__file__).parents[2]


def kill_after(script: str, arguments: list[str], delay: float) -> None:
    """Run ``script`` (``python -c``, given ``arguments``), wait for the line "ready" it
    prints before it starts writing, let it write ``delay`` seconds, SIGKILL it."""
    process = subprocess.Popen(
        [sys.executable, "-c", script, *arguments], stdout=subprocess.PIPE, cwd=CHECKOUT
    )
    assert process.stdout is not None
    try:
        assert process.stdout.readline().strip() == b"ready"
        time.sleep(delay)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        process.stdout.close()
