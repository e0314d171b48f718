"""What workers report to the screens, as typed messages (past tense: what happened).

Workers run on threads and only ever ``post_message`` these; a worker that raises is
handled once, by ``KinoApp.on_worker_state_changed``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from kino_tui.core.browse.view import LibraryView
    from kino_tui.core.models import MediaItem, Progress, ScanSummary
    from kino_tui.core.play.players import PlayerState
    from kino_tui.core.play.session import PlaybackResult
    from kino_tui.service import Opening, PlayPlan, Rescan, RootStatus
    from kino_tui.service.marking import Marked
    from kino_tui.service.searching import IndexedSearch
    from kino_tui.service.tracks import TrackMenu


class OpeningLoaded(Message):
    """The section kino opens on was read (the rest of the catalog may follow)."""

    def __init__(self, opening: Opening) -> None:
        super().__init__()
        self.opening = opening


class CatalogLoaded(Message):
    """The whole library was read (at start, or after a scan)."""

    def __init__(
        self,
        view: LibraryView,
        warnings: list[str],
        generation: int = 0,
        signature: tuple[int, int, int] | None = None,
    ) -> None:
        super().__init__()
        self.view = view
        self.warnings = warnings
        #: Which load this is: a load that an older one overtook is dropped.
        self.generation = generation
        #: The catalog file's signature taken just before it was read (None: not taken).
        self.signature = signature


class SearchAnswered(Message):
    """A search the loaded library could not answer at once was answered in a worker:
    from the catalog's index (``found``), or by building the library's search index
    (``found`` is None: search it now)."""

    def __init__(self, query: str, found: IndexedSearch | None) -> None:
        super().__init__()
        self.query = query
        self.found = found


class SharedStateChanged(Message):
    """The link to the shared database failed, or came back: a line saying so."""

    def __init__(self, line: str, failed: bool) -> None:
        super().__init__()
        self.line = line
        self.failed = failed


class WatchStateRead(Message):
    """Another kino process changed the watch file; here is what it holds now."""

    def __init__(
        self, signature: tuple[int, int, int], progress: dict[str, Progress], generation: int = 0
    ) -> None:
        super().__init__()
        self.signature = signature
        self.progress = progress
        #: The screen's progress generation when the read began: progress changed here
        #: since (a mark) makes this read stale.
        self.generation = generation


class WatchedMarked(Message):
    """Items were marked watched or not (or a mark was undone: ``marked`` is None), and
    saved. ``marked`` keeps what an undo puts back; ``what`` names what was marked."""

    def __init__(
        self,
        updates: dict[str, Progress],
        watched: bool,
        marked: Marked | None = None,
        what: str = "",
    ) -> None:
        super().__init__()
        self.updates = updates
        self.watched = watched
        self.marked = marked
        self.what = what


class ScanProgressed(Message):
    """A scan moved on (a newer one replaces an older one still in the queue)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, ScanProgressed)


class ScanFinished(Message):
    """A scan ended and saved the catalog; ``warnings`` name damaged files set aside."""

    def __init__(self, summary: ScanSummary, warnings: list[str]) -> None:
        super().__init__()
        self.summary = summary
        self.warnings = warnings


class FrameMade(Message):
    """A frame was taken for a video that had no picture (``ui/frames.py``)."""

    def __init__(self, item: MediaItem) -> None:
        super().__init__()
        self.item = item


class PlaybackChecked(Message):
    """A play was planned and can start here (file there, player there)."""

    def __init__(self, plan: PlayPlan) -> None:
        super().__init__()
        self.plan = plan


class PlaybackUpdated(Message):
    """The player reported a new position, a pause or a seek."""

    def __init__(self, state: PlayerState) -> None:
        super().__init__()
        self.state = state

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, PlaybackUpdated)


class PlaybackWarned(Message):
    """The play goes on, and the user should know something about it (no sound device)."""

    def __init__(self, line: str) -> None:
        super().__init__()
        self.line = line


class PlaybackEnded(Message):
    """The player exited; its progress is saved."""

    def __init__(self, result: PlaybackResult, results: list[PlaybackResult]) -> None:
        super().__init__()
        self.result = result
        #: Every item of the queue that played, in order (``result`` is the last).
        self.results = results


class LibraryChanged(Message):
    """The catalog changed on disk: live updates rescanned what changed (``rescan``), or
    another process saved it (``signature``, the file's new signature)."""

    def __init__(
        self, signature: tuple[int, int, int] | None = None, rescan: Rescan | None = None
    ) -> None:
        super().__init__()
        self.signature = signature
        self.rescan = rescan


class RootsListed(Message):
    """The library folders were read, with their counts, last scans and problems."""

    def __init__(self, statuses: list[RootStatus], signature: object) -> None:
        super().__init__()
        self.statuses = statuses
        #: What the list was read from (catalog, scan record, settings): read again when it changes.
        self.signature = signature


class FolderChanged(Message):
    """A library folder was removed or retyped (``rescan``: scan this root now)."""

    def __init__(self, text: str, rescan: str | None = None) -> None:
        super().__init__()
        self.text = text
        self.rescan = rescan


class TracksListed(Message):
    """An item's audio and subtitle streams were read, with which play now."""

    def __init__(self, menu: TrackMenu, warnings: list[str]) -> None:
        super().__init__()
        self.menu = menu
        self.warnings = warnings


class TracksChosen(Message):
    """An audio and subtitle choice was saved; ``summary`` says what and for what."""

    def __init__(self, summary: str, warnings: list[str]) -> None:
        super().__init__()
        self.summary = summary
        self.warnings = warnings
