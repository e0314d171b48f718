"""Library folders: every root with its type, state, counts, last scan and problems; add,
remove (asks first), change type and rescan one from here.

The facts come from ``LibraryAPI.root_details`` in a worker; the screen formats them and
forwards the user's choices to the library (in workers) and to the browser (a rescan,
a reload). It reads the details again whenever the catalog or the scan record changes
(a scan here, live updates, another ``kino scan``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from kino_tui.core.display import printable
from kino_tui.core.models import ROOT_TYPES, RootType
from kino_tui.core.text import plural
from kino_tui.service.roots import FolderAdded
from kino_tui.ui import bindings
from kino_tui.ui.messages import FolderChanged, RootsListed
from kino_tui.ui.screens.add_folder import AddFolderScreen
from kino_tui.ui.widgets.choices import Choices
from kino_tui.ui.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from kino_tui.service import RootStatus
    from kino_tui.ui.app import KinoApp  # app.py imports this module

#: How often to look for a changed catalog or scan record while the screen is open.
POLL_SECONDS = 1.0
KIND_NOUNS = (("movie", "movie"), ("episode", "episode"), ("track", "track"),
              ("video", "video"), ("extra", "extra"))  # fmt: skip


def counts_text(status: RootStatus) -> str:
    """``3 movies · 12 episodes``, or ``no items`` (kinds in a fixed order)."""
    parts = [plural(status.counts[k], noun) for k, noun in KIND_NOUNS if status.counts.get(k)]
    parts += [plural(n, k) for k, n in sorted(status.counts.items()) if k not in dict(KIND_NOUNS)]
    return " · ".join(parts) or "no items"


def scanned_text(iso: str | None, now: datetime | None = None) -> str:
    """``scanned 2026-11-27 14:05 (3 min ago)`` in local time, or ``never scanned``."""
    if not iso:
        return "never scanned"
    try:
        when = datetime.fromisoformat(iso)
    except ValueError:
        return "never scanned"
    now = now or datetime.now(UTC)
    seconds = max(0, int((now - when).total_seconds()))
    if seconds < 60:
        ago = "just now"
    elif seconds < 3600:
        ago = f"{seconds // 60} min ago"
    elif seconds < 86400:
        ago = f"{seconds // 3600} h ago"
    else:
        ago = plural(seconds // 86400, "day") + " ago"
    return f"scanned {when.astimezone().strftime('%Y-%m-%d %H:%M')} ({ago})"


def row_text(status: RootStatus) -> Text:
    """One root in the list: state and path, then type, counts and problems."""
    row = Text()
    row.append("● " if status.online else "○ ", "green" if status.online else "red")
    row.append(printable(status.path))
    row.append(f"\n  {status.type} · {counts_text(status)}", "dim")
    if status.problems:
        row.append(f" · {plural(len(status.problems), 'problem')}", "bold yellow")
    return row


def detail_text(status: RootStatus) -> Text:
    """Everything about one root; each problem with its full path and reason (wrapped)."""
    text = Text()
    text.append(printable(status.path) + "\n", "bold")
    text.append(f"Type: {status.type}\n")
    state = "online" if status.online else "offline (missing, unreadable or not mounted)"
    text.append(f"State: {state}\n")
    text.append(f"Items: {counts_text(status)}\n")
    text.append(f"Last scan: {scanned_text(status.scanned_at)}\n")
    if status.following:
        text.append(f"Live updates: {status.following}\n")
    if not status.problems:
        text.append("\nNo problems.", "green")
        return text
    text.append(f"\n{plural(len(status.problems), 'problem')}:\n", "bold yellow")
    for problem in status.problems:
        text.append("• " + printable(problem.path) + "\n")
        text.append("  " + printable(problem.message) + "\n", "dim")
    return text


class ConfirmRemoveScreen(ModalScreen[bool]):
    """Remove a folder? Says what goes (its items) and what stays (watch progress)."""

    BINDINGS: ClassVar[list[BindingType]] = bindings.CONFIRM_REMOVE

    def __init__(self, status: RootStatus) -> None:
        super().__init__()
        self.status = status

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label("Remove this library folder?", id="dialog-title")
            yield Static(printable(self.status.path), markup=False, classes="wrapped")
            yield Static(
                f"Its {plural(self.status.total, 'item')} leave the library; the files are not "
                "touched, and watch progress is kept (it comes back if you add it again).",
                markup=False,
                classes="wrapped",
            )
            yield Label("y to remove, n or Escape to keep it", classes="hint")


class RootTypeScreen(ModalScreen[RootType | None]):
    """Choose a folder's content type (the current one highlighted)."""

    BINDINGS: ClassVar[list[BindingType]] = bindings.ROOT_TYPE

    def __init__(self, status: RootStatus) -> None:
        super().__init__()
        self.status = status

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label("What does this folder hold?", id="dialog-title")
            yield Static(printable(self.status.path), markup=False, classes="wrapped")
            yield Choices(*[Option(t, id=t) for t in ROOT_TYPES], id="folder-types")
            yield Label("Enter to choose (the folder is scanned again), Escape to cancel",
                        classes="hint")  # fmt: skip

    def on_mount(self) -> None:
        choices = self.query_one(OptionList)
        choices.highlighted = ROOT_TYPES.index(self.status.type)
        choices.focus()

    @on(OptionList.OptionSelected, "#folder-types")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        chosen = event.option.id
        self.dismiss(chosen if chosen in ROOT_TYPES else None)  # type: ignore[arg-type]


class LibraryFoldersScreen(Screen[None]):
    """The library's folders, what kino knows of each, and what can be done with them."""

    BINDINGS: ClassVar[list[BindingType]] = bindings.LIBRARY_FOLDERS

    def __init__(self) -> None:
        super().__init__()
        self.statuses: list[RootStatus] = []
        self._signature: object = None
        self._listed = False
        self._scan_shown = False

    @property
    def kino(self) -> KinoApp:
        from kino_tui.ui.app import KinoApp  # app.py imports this module

        assert isinstance(self.app, KinoApp)
        return self.app

    def compose(self) -> ComposeResult:
        yield Label("Library folders", id="folders-title")
        with Horizontal(id="folders-panes"):
            yield Choices(id="roots")
            with VerticalScroll(id="root-detail"):
                yield Static("Reading the library folders…", id="root-facts")
        yield Static("", id="folders-status", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#roots", OptionList).focus()
        self.refresh_roots()
        self.set_interval(POLL_SECONDS, self._poll)

    # -- reading -----------------------------------------------------------------
    def refresh_roots(self) -> None:
        """Read every root's details again (in a worker)."""
        self.kino.start_worker(
            self._read,
            group="library-folders",
            description="read the library folders",
            failure_title="The library folders could not be read",
            exclusive=True,
        )

    def _read(self) -> None:
        """(In a worker.) The details, with what they were read from."""
        library = self.kino.library
        signature = library.root_details_signature()
        self.post_message(RootsListed(library.root_details(), signature))

    def _poll(self) -> None:
        """Read again when a scan (here, live, or another process) changed something."""
        if not self._listed:
            return
        library = self.kino.library

        def poll() -> None:
            if library.root_details_signature() != self._signature:
                self._read()

        self.kino.start_worker(
            poll,
            group="library-folders-poll",
            description="look for changed library folders",
            failure_title="The library folders could not be read",
            exclusive=True,
        )

    @on(RootsListed)
    def _roots_listed(self, message: RootsListed) -> None:
        self._listed = True
        self._signature = message.signature
        roots = self.query_one("#roots", OptionList)
        current = roots.highlighted
        chosen = self.statuses[current].path if current is not None and self.statuses else None
        self.statuses = list(message.statuses)
        roots.clear_options()
        roots.add_options([Option(row_text(s), id=str(n)) for n, s in enumerate(self.statuses)])
        if self.statuses:
            paths = [s.path for s in self.statuses]
            roots.highlighted = paths.index(chosen) if chosen in paths else 0
        self._show_detail()
        if self.kino.browser.scan_cancel is not None:
            self.set_status("Scanning…", scanning=True)
        elif self._scan_shown:
            self.set_status("Scan finished.")

    @on(OptionList.OptionHighlighted, "#roots")
    def _root_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        facts = self.query_one("#root-facts", Static)
        status = self.highlighted
        if status is None:
            facts.update(
                Text(
                    "No library folders yet: press a to add one (a folder of movies, shows "
                    "or music)."
                )
            )
            return
        facts.update(detail_text(status))

    @property
    def highlighted(self) -> RootStatus | None:
        index = self.query_one("#roots", OptionList).highlighted
        if index is None or not 0 <= index < len(self.statuses):
            return None
        return self.statuses[index]

    def set_status(self, text: str, scanning: bool = False) -> None:
        """Say what happened; ``scanning``: replaced once the scan has ended."""
        self._scan_shown = scanning
        self.query_one("#folders-status", Static).update(printable(text))

    # -- actions -------------------------------------------------------------------
    def action_close(self) -> None:
        self.app.pop_screen()

    def action_add(self) -> None:
        def added(result: FolderAdded | None) -> None:
            if result is None:
                return
            message = result.message[:1].upper() + result.message[1:]
            self.set_status(f"{message}; scanning…", scanning=True)
            self.kino.folders_changed(rescan=result.root.path)
            self.refresh_roots()

        self.app.push_screen(AddFolderScreen(self.kino.library), added)

    def action_remove(self) -> None:
        status = self.highlighted
        if status is None:
            return
        library = self.kino.library

        def confirmed(yes: bool | None) -> None:
            if not yes:
                return

            def remove() -> None:
                path, count = library.remove_root(status.path)
                self.post_message(
                    FolderChanged(
                        f"Removed {path}: {plural(count, 'item')} left the library; "
                        "watch progress kept"
                    )
                )

            self.kino.start_worker(
                remove,
                group="library-folders-change",
                description="remove a library folder",
                failure_title="The folder could not be removed",
            )

        self.app.push_screen(ConfirmRemoveScreen(status), confirmed)

    def action_retype(self) -> None:
        status = self.highlighted
        if status is None:
            return
        library = self.kino.library

        def chosen(root_type: RootType | None) -> None:
            if root_type is None or root_type == status.type:
                return

            def retype() -> None:
                root = library.set_root_type(status.path, root_type)
                self.post_message(
                    FolderChanged(
                        f"{root.path} now holds {root_type}; scanning it again…", rescan=root.path
                    )
                )

            self.kino.start_worker(
                retype,
                group="library-folders-change",
                description="change a folder's type",
                failure_title="The folder's type could not be changed",
            )

        self.app.push_screen(RootTypeScreen(status), chosen)

    def action_rescan(self) -> None:
        status = self.highlighted
        if status is None:
            return
        if self.kino.browser.scan_cancel is not None:
            self.notify("A scan is already running.", timeout=2)
            return
        self.set_status(f"Scanning {status.path}…", scanning=True)
        self.kino.browser.action_rescan(status.path)

    @on(FolderChanged)
    def _folder_changed(self, message: FolderChanged) -> None:
        self.set_status(message.text, scanning=message.rescan is not None)
        self.kino.folders_changed(rescan=message.rescan)
        self.refresh_roots()
