"""One user's library: settings, catalog and watch state wired together for the CLI and UI."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from kino_tui.config import Settings, load_settings, normalise_root
from kino_tui.core.browse import OPENING_KINDS, LibraryView, first_section
from kino_tui.core.catalog import Catalog, CatalogData, PackedCatalog
from kino_tui.core.errors import CatalogDamaged, ItemNotFound
from kino_tui.core.models import LibraryRoot, MediaItem, Progress, ScanProgress, ScanSummary
from kino_tui.core.watchstate import WatchStore
from kino_tui.paths import KinoPaths


@dataclass(slots=True)
class Opening:
    """The opening section's view, and the catalog as read, if anything is left to unpack."""

    view: LibraryView
    warning: str | None
    rest: PackedCatalog | None


class Library:
    """The entry point to kino's data layer for one set of paths."""

    def __init__(self, paths: KinoPaths, settings: Settings | None = None) -> None:
        self.paths = paths
        self.settings = settings if settings is not None else load_settings(paths.config_file)
        self.catalog = Catalog(paths.catalog_file)
        self.watch = WatchStore(paths.watch_file)

    def reload_settings(self) -> None:
        self.settings = load_settings(self.paths.config_file)

    def load(self) -> tuple[CatalogData, str | None]:
        """The catalog, and a warning when a damaged file had to be set aside."""
        return self.catalog.load_or_recover()

    def scan(
        self,
        roots: Sequence[LibraryRoot] | None = None,
        on_progress: Callable[[ScanProgress], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> ScanSummary:
        """Scan the given roots (all configured roots by default)."""
        from kino_tui.core.scanner import Scanner  # the UI starts without the scanning stack

        scanner = Scanner(self.catalog, self.watch)
        chosen = self.settings.roots if roots is None else roots
        return scanner.scan(chosen, on_progress=on_progress, cancel=cancel)

    def forget_root(self, root_path: str) -> int:
        """Drop a root's items from the catalog (watch state is kept); return how many."""
        with self.catalog.lock():
            data, _ = self.catalog.load_or_recover()
            doomed = [item.id for item in data.items.values() if item.root == root_path]
            for item_id in doomed:
                del data.items[item_id]
            data.folders = {
                path: key
                for path, key in data.folders.items()
                if not (path == root_path or path.startswith(root_path + "/"))
            }
            self.catalog.save(data)
        return len(doomed)

    def load_view(self) -> tuple[LibraryView, str | None]:
        """The catalog as a browsable view, and a warning if a damaged file was set aside."""
        data, warning = self.load()
        view = self.view(data)
        view.section(view.first_section())  # built here, off the UI thread
        return view, warning

    def load_opening(self) -> Opening:
        """The section kino opens on, unpacked before the rest of the catalog (the UI
        shows it while :meth:`load_rest` unpacks everything else)."""
        progress = self.watch.all()
        try:
            packed = self.catalog.read()
            section = first_section(packed.kinds)
            items = packed.items(OPENING_KINDS[section])
        except CatalogDamaged as error:
            return Opening(self._view([], progress), self.catalog.set_aside(error), None)
        view = self._view(items, progress)
        view.section(section)  # built here, off the UI thread
        return Opening(view, None, None if packed.kinds <= OPENING_KINDS[section] else packed)

    def load_rest(self, opening: Opening) -> tuple[LibraryView, str | None]:
        """The whole library after :meth:`load_opening`; progress recorded in the opening
        view meanwhile is shared, not lost."""
        progress = opening.view.progress
        if opening.rest is None:
            return opening.view, None
        try:
            items = opening.rest.items()
        except CatalogDamaged as error:
            return self._view([], progress), self.catalog.set_aside(error)
        view = self._view(items, progress)
        view.section(view.first_section())  # the section on screen, built off the UI thread
        return view, None

    def load_in_background(self) -> Future[Opening]:
        """Start :meth:`load_opening` on a thread now (kino starts it before the UI toolkit
        is even imported, so the catalog is ready sooner); the result comes as a future."""
        future: Future[Opening] = Future()

        def load() -> None:
            try:
                future.set_result(self.load_opening())
            except BaseException as error:  # handed to whoever waits on the future
                future.set_exception(error)

        threading.Thread(target=load, name="kino-catalog-preload", daemon=True).start()
        return future

    def view(self, data: CatalogData) -> LibraryView:
        """Sections and drill-down over the catalog, with current watch progress."""
        return self._view(data.items.values(), self.watch.all())

    def _view(self, items: Iterable[MediaItem], progress: dict[str, Progress]) -> LibraryView:
        return LibraryView(
            items,
            progress,
            next_up_days=self.settings.next_up_days,
            next_up_specials=self.settings.next_up_specials,
        )

    @staticmethod
    def find_items(data: CatalogData, id_or_path: str) -> list[MediaItem]:
        """The item with this id or file path, or every item under a folder (a season,
        a show, an album); raises :class:`ItemNotFound` when nothing matches."""
        item = data.items.get(id_or_path)
        if item is not None:
            return [item]
        path = normalise_root(id_or_path)
        for item in data.items.values():
            if item.path == path or path in item.parts:
                return [item]
        prefix = path.rstrip("/") + "/"
        under = sorted(
            (i for i in data.items.values() if i.path.startswith(prefix) and i.kind != "extra"),
            key=lambda i: i.path,
        )
        if under:
            return under
        raise ItemNotFound(
            f"nothing in the catalog has the id or path {id_or_path!r}: "
            "see `kino ls`, or run `kino scan` if the file is new"
        )

    def item_records(self, items: Sequence[MediaItem]) -> list[dict[str, Any]]:
        """Items as ``kino ls --json`` prints them, each with its progress."""
        progress = self.watch.all()
        records = []
        for item in items:
            record = item.to_dict()
            state = progress.get(item.id, Progress())
            record["progress"] = {
                "position": state.position,
                "duration": state.duration if state.duration is not None else item.duration,
                "watched": state.watched,
                "play_count": state.play_count,
                "last_played": state.last_played,
            }
            records.append(record)
        return records
