"""The application layer: one entry point per use case, used by every front end.

``Library`` (service/library.py) is the door; each use case lives in its own module:
``loading`` (open the library, sections, find items), ``roots`` (library folders),
``scanning``, ``playing`` (plan a play, the resume decision, can it start), ``marking``
(watched, history). Nothing here imports Textual or Rich.
"""

from kino_tui.service.library import (
    Library,
    LiveUpdates,
    Opening,
    PlayPlan,
    PlayRequest,
    Rescan,
    RootStatus,
)

__all__ = ["Library", "LiveUpdates", "Opening", "PlayPlan", "PlayRequest", "Rescan", "RootStatus"]
