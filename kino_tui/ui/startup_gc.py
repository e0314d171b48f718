"""The cyclic garbage collector held off while kino starts, until its first frame is drawn.

Starting the TUI makes a few hundred thousand long-lived objects (Textual's modules and
classes, the opening section's items and rows) and almost no garbage; the collector's
passes over them cost about a tenth of the time to the first frame at 30,000 items.
Once the first frame is drawn, everything made so far is frozen out of the collector
(``gc.freeze``: it is kept for the whole session anyway) and collecting resumes.
"""

from __future__ import annotations

import gc

_held = False


def hold() -> None:
    """Stop collecting until :func:`release` (only if collecting was on)."""
    global _held
    if gc.isenabled():
        gc.disable()
        _held = True


def release() -> None:
    """Freeze what exists and collect again, if :func:`hold` stopped it."""
    global _held
    if _held:
        _held = False
        gc.freeze()
        gc.enable()
