"""One function per ``kino`` command: parse nothing, decide nothing, call the application
layer and print what it returns."""

from __future__ import annotations

import argparse
import contextlib
import getpass
import shlex
import signal
import sys
import threading
import time
from typing import TYPE_CHECKING, Any

from kino_tui.cli.output import error, out, warn_all, write_json, write_json_array
from kino_tui.config.paths import default_library_folders
from kino_tui.core.display import printable
from kino_tui.core.errors import KinoError
from kino_tui.core.models import LibraryRoot, ScanProgress, ScanSummary
from kino_tui.core.text import (
    describe_item,
    describe_play,
    format_time,
    plural,
    scan_stopped,
    scan_summary,
)
from kino_tui.service import PlayPlan, PlayRequest
from kino_tui.service.api import LibraryAPI
from kino_tui.service.stopping import stopped_by_signals

if TYPE_CHECKING:
    from kino_tui.core.play.session import PlaybackResult
    from kino_tui.service.importers import Change, ImportReport

MAX_PROBLEMS = 20
PROGRESS_REFRESH_SECONDS = 0.1


def add(library: LibraryAPI, args: argparse.Namespace) -> int:
    for folder in args.folders:
        out(library.add_folder(folder, args.type, retype=args.type is not None).message)
    return 0


def remove(library: LibraryAPI, args: argparse.Namespace) -> int:
    folder, count = library.remove_root(args.folder)
    out(f"removed {folder} and its {count} items from the catalog (watch progress is kept)")
    return 0


def roots(library: LibraryAPI, args: argparse.Namespace) -> int:
    statuses = library.roots()
    if not statuses:
        out("No library folders yet. Add one with: kino add [--type movies|shows|music] PATH")
        for folder in default_library_folders():
            out(f"  suggested: kino add {folder}")
        return 0
    for status in statuses:
        out(f"{status.path}  ({status.type}, {'online' if status.online else 'offline'})")
    return 0


def _offer_default_roots(library: LibraryAPI) -> None:
    found = default_library_folders()
    hint = " ".join(str(f) for f in found)
    if not found:
        raise KinoError("no library folders yet: add one with `kino add PATH` or `kino scan PATH`")
    if not sys.stdin.isatty():
        raise KinoError(f"no library folders yet: try `kino scan {hint}`")
    answer = input(f"No library folders yet. Add {hint}? [Y/n] ").strip().lower()
    if answer not in ("", "y", "yes"):
        raise KinoError("nothing to scan: add a folder with `kino add PATH`")
    library.add_roots([str(f) for f in found])


def scan(library: LibraryAPI, args: argparse.Namespace) -> int:
    if args.folders:
        library.add_roots(args.folders, args.type)
    if not library.front_end_settings().has_roots:
        _offer_default_roots(library)
    chosen = library.roots_for(args.folders)
    # Ctrl+C, SIGTERM and a closed terminal stop the scan the same way: what was read is
    # saved. A second signal acts at once (Ctrl+C: "interrupted"; SIGTERM, SIGHUP: kino ends).
    stop = threading.Event()
    received: list[int] = []
    numbers = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)

    def on_signal(number: int, frame: object) -> None:
        received.append(number)
        stop.set()
        for each, handler in previous.items():
            signal.signal(each, handler)

    previous: dict[int, Any] = {}
    for caught in numbers:
        previous[caught] = signal.signal(caught, on_signal)
    try:
        if sys.stdout.isatty() and not args.json:
            summary = _scan_with_progress(library, chosen, stop)
        else:
            summary = library.scan(chosen, cancel=stop)
    finally:
        for restored, handler in previous.items():
            signal.signal(restored, handler)
    status = 128 + received[0] if received else 0
    with contextlib.suppress(OSError):  # a closed terminal: the catalog is saved all the same
        _print_scan(library, summary, args.json)
    return status


def _print_scan(library: LibraryAPI, summary: ScanSummary, as_json: bool) -> None:
    warn_all(library.take_warnings(summary))
    if as_json:
        write_json(summary.to_dict())
    else:
        out(scan_summary(summary))
        for problem in summary.problems[:MAX_PROBLEMS]:
            out(f"  ! {problem.path}: {problem.message}")
        if len(summary.problems) > MAX_PROBLEMS:
            out(f"  … and {len(summary.problems) - MAX_PROBLEMS} more (see `kino scan --json`)")
    if summary.stopped:
        sys.stdout.flush()  # the last word, after the summary
        error(scan_stopped(summary))


def _scan_with_progress(
    library: LibraryAPI, chosen: list[LibraryRoot], stop: threading.Event
) -> ScanSummary:
    # rich's progress bar only for `kino scan` in a terminal
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    # Refreshed by the scan's own reports, not by rich's refresh thread: with no other
    # thread running, the scanner may walk a large tree with a forked helper (and fork
    # its readers rather than start new interpreters).
    bar = Progress(*columns, transient=True, auto_refresh=False)
    task = bar.add_task("walking folders", total=None)
    shown_at = 0.0

    def update(progress: ScanProgress) -> None:
        nonlocal shown_at
        walking = progress.phase == "walking"
        bar.update(
            task,
            description="walking folders" if walking else "reading files",
            completed=progress.done,
            total=None if walking else progress.total,
        )
        now = time.monotonic()
        if now - shown_at >= PROGRESS_REFRESH_SECONDS and not stop.is_set():
            shown_at = now
            with contextlib.suppress(OSError):  # the terminal went: the scan goes on
                bar.refresh()

    with contextlib.suppress(OSError):
        bar.start()
    try:
        return library.scan(chosen, on_progress=update, cancel=stop)
    finally:
        with contextlib.suppress(OSError):
            bar.stop()


def ls(library: LibraryAPI, args: argparse.Namespace) -> int:
    if args.json and not args.section:
        records, warnings = library.listing(args.kind)
        warn_all(warnings)
        write_json_array(records)
        return 0
    if args.section:
        items, warnings = library.section_items(args.section)
    else:
        data, warnings = library.load()
        items = sorted(data.items.values(), key=lambda i: i.path)
    warn_all(warnings)
    items = [i for i in items if args.kind is None or i.kind == args.kind]
    if args.json:
        write_json_array(library.item_records(items))
        return 0
    for item in items:
        flag = "" if item.available else "  [offline]"
        problem = f"  ! {item.error}" if item.error else ""
        out(f"{item.id}  {item.kind:7} {describe_item(item)}  {item.path}{flag}{problem}")
    return 0


def search(library: LibraryAPI, args: argparse.Namespace) -> int:
    results, warnings = library.search(" ".join(args.query))
    warn_all(warnings)
    if args.json:
        write_json([result.to_dict() for result in results])
        return 0
    if not results:
        out("no matches: try fewer or other words")
    for result in results:
        out(f"{result.kind:7} {result.line}  {result.path or result.id}")
    return 0


def _resume_answer(plan: PlayPlan) -> float:
    """Ask on a terminal whether to resume; anywhere else, resume."""
    if not sys.stdin.isatty():
        return plan.resume_at
    question = f"Resume {plan.item.display_title} at {format_time(plan.resume_at)}? [Y/n] "
    answer = input(printable(question)).strip().lower()
    return plan.resume_at if answer in ("", "y", "yes") else 0.0


def play(library: LibraryAPI, args: argparse.Namespace) -> int:
    request = PlayRequest(
        target=args.target,
        order="group",
        shuffle=args.shuffle,
        start=args.start,
        player=args.player,
        audio=args.audio,
        subtitles=args.subtitles,
        check=not args.print_command,
    )
    plan = library.prepare_play(request)
    warn_all(plan.warnings)
    if plan.ask:
        plan = plan.with_start(plan.resume_at if args.print_command else _resume_answer(plan))
    session = library.session(plan, terminal=sys.stdout.isatty())
    warn_all(library.track_warnings())  # a damaged tracks.json set aside, say
    if session.notice:
        error(session.notice)
    if args.print_command:
        out(shlex.join(session.command()))
        return 0
    start = f" from {format_time(plan.start)}" if plan.start else ""
    queued = len(session.queue)
    if queued > 1:
        first = describe_item(plan.item)
        out(f"playing {plural(queued, 'item')} with {session.player_name}, first {first}{start}")
    else:
        out(f"playing {plan.item.display_title} with {session.player_name}{start}")
    # Ctrl-C, SIGTERM, SIGHUP stop the player; kino saves where it stopped.
    with stopped_by_signals(session) as signalled:
        session.run()
    statuses = [_say_how_it_ended(r, queued > 1) for r in session.results]
    warn_all(session.warnings)  # no sound device, say (told once the player has gone)
    warn_all(library.export_problems())
    _share(library)
    return signalled.status or max(statuses, default=0)


def _say_how_it_ended(result: PlaybackResult, in_queue: bool) -> int:
    state = result.progress
    title = describe_item(result.item) if in_queue else result.item.display_title
    where = f"{title}: " if in_queue else ""
    if result.never_played:
        pass  # nothing was recorded: the error below says why
    elif state.watched and state.position == 0:
        out(f"watched {title} (played {state.play_count}×)")
    elif state.position:
        duration = state.duration or result.item.duration
        out(f"{where}stopped at {format_time(state.position)} of {format_time(duration)}")
    if result.error:
        error(f"{where}{result.error}")
        return 1
    return 0


def watched(library: LibraryAPI, args: argparse.Namespace) -> int:
    items, warnings = library.find_items(args.target)
    warn_all(warnings)
    library.mark_watched(items, not args.unset)
    state = "not watched" if args.unset else "watched"
    if len(items) == 1:
        out(f"marked {items[0].display_title} {state}")
    else:
        out(f"marked {len(items)} items {state}")
    _share(library)
    return 0


def _share(library: LibraryAPI) -> None:
    """With a shared database: send what this command changed (or say it is queued)."""
    line = library.sync_shared()
    if line:
        error(line)


def shared(library: LibraryAPI, args: argparse.Namespace) -> int:
    if args.action == "push":
        pushed = library.shared_push()
        if pushed is not None:
            out(f"sent {plural(pushed.delivered, 'record')}; "
                f"read {plural(pushed.received, 'change')} of other boxes")  # fmt: skip
    status = library.shared_status()
    if status is None:
        error(
            "no shared database is set: add [shared] database = "
            '"postgresql://USER@HOST/DATABASE" to config.toml (see the README)'
        )
        return 2
    out(f"database: {status.database}")
    out(f"this box: {status.box}")
    if status.reachable:
        names = {"progress": "watch record", "history": "play", "tracks": "track choice"}
        counts = ", ".join(plural(n, names.get(kind, kind)) for kind, n in status.counts.items())
        out(f"reachable: yes (schema version {status.schema_version}; {counts})")
    else:
        out("reachable: no")
    out(f"queued changes: {status.queued}")
    out(f"last sync: {status.last_sync or 'never'}")
    if status.error:
        error(status.error)
        return 1
    return 0


def history(library: LibraryAPI, args: argparse.Namespace) -> int:
    records = library.history()
    warn_all(library.take_warnings())
    if args.json:
        write_json(records)
        return 0
    if not records:
        out("nothing played yet")
    for play_record in records:
        out(describe_play(play_record))
    return 0


def import_history(library: LibraryAPI, args: argparse.Namespace) -> int:
    if args.undo:
        undone = library.undo_import()
        kept = f"; {plural(undone.kept, 'item')} played since kept as now" if undone.kept else ""
        out(f"undid the {undone.source} import: {plural(undone.restored, 'record')} put back{kept}")
        _share(library)
        return 0
    if args.source is None:
        raise KinoError("import from where? kino import nfo|mpv|jellyfin URL|plex URL|kino FILE")
    ask = getpass.getpass if sys.stdin.isatty() else None
    report = library.import_history(
        args.source,
        args.location,
        folder=args.folder,
        user=args.user,
        dry_run=args.dry_run,
        ask_secret=ask,
    )
    warn_all(library.take_warnings())
    if args.dry_run:
        for change in report.changes:
            out(f"  would update {describe_item(change.item)}: {describe_change(change)}")
    out(import_summary(report))
    if report.unmatched:
        if args.list_unmatched:
            out("unmatched:")
            for name in report.unmatched:
                out(f"  {name}")
        else:
            out("  (--list-unmatched lists the records no item matched)")
    if report.changes and not args.dry_run:
        out("  (kino import --undo puts the previous records back)")
        _share(library)
    return 0


def export_history(library: LibraryAPI, args: argparse.Namespace) -> int:
    target = args.output if args.format == "kino" else args.to
    report = library.export_history(args.format, target, args.write_beside_media)
    if report.text is not None:
        sys.stdout.write(report.text)
        return 0
    where = f" to {report.target}" if report.target else ""
    skipped = f", {report.skipped} skipped" if report.skipped else ""
    out(f"exported {plural(report.written, export_noun(report.format))}{where}{skipped}")
    return 0


_EXPORT_NOUNS = {"kino": "record", "mpv": "resume point", "nfo": "NFO file"}


def export_noun(format: str) -> str:
    return _EXPORT_NOUNS.get(format, "record")


def import_summary(report: ImportReport) -> str:
    """``imported from mpv: 3 matched (2 changed, 1 skipped), 1 unmatched``."""
    verb = "would import" if report.dry_run else "imported"
    changed = "would change" if report.dry_run else "changed"
    return (
        f"{verb} from {report.source}: {report.matched:,} matched "
        f"({len(report.changes):,} {changed}, {report.skipped:,} skipped: kino's "
        f"record newer or the same), {len(report.unmatched):,} unmatched"
        + ("; dry run: nothing was written" if report.dry_run else "")
    )


def describe_change(change: Change) -> str:
    """What an import changes on one item (for ``--dry-run``)."""
    before, after = change.before, change.after
    parts = []
    if after.watched and not (before and before.watched):
        parts.append("watched")
    if after.position:
        parts.append(f"resume at {format_time(after.position)}")
    if after.play_count != (before.play_count if before else 0):
        parts.append(f"played {after.play_count}×")
    if after.last_played:
        parts.append(f"last played {after.last_played}")
    return ", ".join(parts) or "updated"
