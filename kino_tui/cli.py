"""The command line: ``kino [paths|add|remove|roots|scan|ls|play|watched|history]``;
no command opens the TUI."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from typing import Any

import orjson

from kino_tui import __version__
from kino_tui.config import IMAGE_MODES, add_roots, load_settings, normalise_root, remove_root
from kino_tui.core.display import printable
from kino_tui.core.errors import KinoError, ScanCancelled
from kino_tui.core.models import (
    KINDS,
    ROOT_TYPES,
    LibraryRoot,
    MediaItem,
    ScanProgress,
    ScanSummary,
)
from kino_tui.paths import KinoPaths, default_library_folders


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kino",
        description="Browse and play your movies, shows and music from the terminal.",
    )
    parser.add_argument("--version", action="version", version=f"kino {__version__}")
    parser.add_argument(
        "--images",
        choices=IMAGE_MODES,
        default="auto",
        help="how the UI draws posters (default: auto, or `images` in config.toml)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("paths", help="show where kino keeps its config, catalog and cache")
    add = commands.add_parser("add", help="add library folders")
    add.add_argument("folders", nargs="+", metavar="PATH")
    add.add_argument(
        "--type", choices=ROOT_TYPES, default="mixed", help="content type (default mixed)"
    )
    remove = commands.add_parser("remove", help="remove a library folder and its items")
    remove.add_argument("folder", metavar="PATH")
    commands.add_parser("roots", help="list library folders")
    scan = commands.add_parser("scan", help="scan library folders (adding any given)")
    scan.add_argument("folders", nargs="*", metavar="PATH")
    scan.add_argument("--type", choices=ROOT_TYPES, default="mixed", help="type for new folders")
    scan.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    ls = commands.add_parser("ls", help="list the catalog")
    ls.add_argument("--kind", choices=KINDS)
    ls.add_argument(
        "--section",
        choices=LIST_SECTIONS,
        help="list a watch section in its own order instead of the whole catalog",
    )
    ls.add_argument("--json", action="store_true", help="print one JSON array of items")
    _add_playback_commands(commands)
    return parser


LIST_SECTIONS = ("continue-watching", "next-up", "recently-added")


def _add_playback_commands(commands: Any) -> None:
    """Register the playback subcommands on the ``kino`` parser."""
    play = commands.add_parser("play", help="play an item (by id or path) and record progress")
    play.add_argument("target", metavar="ID_OR_PATH")
    play.add_argument("--player", choices=("mpv", "vlc"), help="override player in config.toml")
    play.add_argument(
        "--start", type=float, metavar="SECONDS", help="start here, not at the resume point"
    )
    play.add_argument(
        "--print-command", action="store_true", help="print the player's argument list, don't play"
    )
    watched = commands.add_parser(
        "watched", help="mark an item, or everything under a folder, as watched"
    )
    watched.add_argument("target", metavar="ID_OR_PATH")
    watched.add_argument("--unset", action="store_true", help="mark as not watched")
    history = commands.add_parser("history", help="list what was played, newest first")
    history.add_argument("--json", action="store_true", help="print one JSON array")


def run(argv: Sequence[str]) -> int:
    """Run one command; returns the exit status."""
    args = _parser().parse_args(argv)
    paths = KinoPaths.default()
    try:
        if args.command is None:
            from kino_tui.library import Library

            library = Library(paths)
            preload = library.load_in_background()  # while the UI toolkit loads
            from kino_tui.ui.app import run_app

            return run_app(library, args.images, preload)
        if args.command in ("play", "watched"):
            from kino_tui import cli_playback

            handler = getattr(cli_playback, f"cmd_{args.command}")
            return int(handler(paths, args, _out, _error))
        handler = globals()[f"_cmd_{args.command}"]
        return int(handler(paths, args))
    except KinoError as error:
        _error(str(error))
        return 2
    except KeyboardInterrupt:
        _error("interrupted")
        return 130


def _error(message: str) -> None:
    sys.stderr.write(f"kino: {printable(message)}\n")


def _out(text: str = "") -> None:
    sys.stdout.write(printable(text) + "\n")


def _write_json(value: Any) -> None:
    try:
        data = orjson.dumps(value)
    except TypeError:  # non-UTF-8 file names: escape them the way Python's json does
        data = json.dumps(value, ensure_ascii=True).encode("ascii")
    sys.stdout.buffer.write(data + b"\n")
    sys.stdout.flush()


def _cmd_paths(paths: KinoPaths, args: argparse.Namespace) -> int:
    _out(f"config   {paths.config_file}")
    _out(f"data     {paths.data_dir}")
    _out(f"catalog  {paths.catalog_file}")
    _out(f"watch    {paths.watch_file}")
    _out(f"cache    {paths.cache_dir}")
    return 0


def _cmd_add(paths: KinoPaths, args: argparse.Namespace) -> int:
    changed = add_roots(paths.config_file, args.folders, args.type)
    for root in changed:
        note = (
            "" if os.path.isdir(root.path) else "  (not found now: kept, scanned when it appears)"
        )
        _out(f"added {root.path} ({root.type}){note}")
    if not changed:
        _out("nothing to add: already in the library")
    return 0


def _cmd_remove(paths: KinoPaths, args: argparse.Namespace) -> int:
    from kino_tui.library import Library

    folder = normalise_root(args.folder)
    if not remove_root(paths.config_file, folder):
        _error(f"{folder} is not a library folder (see `kino roots`)")
        return 1
    count = Library(paths).forget_root(folder)
    _out(f"removed {folder} and its {count} items from the catalog (watch progress is kept)")
    return 0


def _cmd_roots(paths: KinoPaths, args: argparse.Namespace) -> int:
    settings = load_settings(paths.config_file)
    if not settings.roots:
        _out("No library folders yet. Add one with: kino add [--type movies|shows|music] PATH")
        for folder in default_library_folders():
            _out(f"  suggested: kino add {folder}")
        return 0
    for root in settings.roots:
        state = "online" if os.path.isdir(root.path) else "offline"
        _out(f"{root.path}  ({root.type}, {state})")
    return 0


def _offer_default_roots(paths: KinoPaths) -> list[LibraryRoot]:
    found = default_library_folders()
    hint = " ".join(str(f) for f in found)
    if not found:
        raise KinoError("no library folders yet: add one with `kino add PATH` or `kino scan PATH`")
    if not sys.stdin.isatty():
        raise KinoError(f"no library folders yet: try `kino scan {hint}`")
    answer = input(f"No library folders yet. Add {hint}? [Y/n] ").strip().lower()
    if answer not in ("", "y", "yes"):
        raise KinoError("nothing to scan: add a folder with `kino add PATH`")
    return add_roots(paths.config_file, [str(f) for f in found])


def _cmd_scan(paths: KinoPaths, args: argparse.Namespace) -> int:
    from kino_tui.library import Library

    if args.folders:
        add_roots(paths.config_file, args.folders, args.type)
    settings = load_settings(paths.config_file)
    if not settings.roots:
        _offer_default_roots(paths)
        settings = load_settings(paths.config_file)
    wanted = {normalise_root(f) for f in args.folders}
    roots = [r for r in settings.roots if not wanted or r.path in wanted]
    library = Library(paths, settings)
    warning = library.load()[1]
    if warning:
        _error(warning)
    try:
        if sys.stdout.isatty() and not args.json:
            summary = _scan_with_progress(library, roots)
        else:
            summary = library.scan(roots)
    except ScanCancelled:
        _error("scan cancelled; the catalog was not changed")
        return 130
    if args.json:
        _write_json(summary.to_dict())
    else:
        _print_summary(summary)
    return 0


def _scan_with_progress(library: Any, roots: list[LibraryRoot]) -> ScanSummary:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, transient=True) as bar:
        task = bar.add_task("walking folders", total=None)

        def update(progress: ScanProgress) -> None:
            if progress.phase == "walking":
                bar.update(task, description="walking folders", completed=progress.done, total=None)
            else:
                bar.update(
                    task, description="reading files", completed=progress.done, total=progress.total
                )

        summary: ScanSummary = library.scan(roots, on_progress=update)
        return summary


def _print_summary(summary: ScanSummary) -> None:
    _out(
        f"scan finished in {summary.seconds:.1f} s: {summary.added} added, "
        f"{summary.updated} updated, {summary.moved} moved, {summary.removed} removed, {summary.unavailable} unavailable, "
        f"{summary.unchanged} unchanged, {summary.errors} errors"
    )
    for problem in summary.problems[:20]:
        _out(f"  ! {problem.path}: {problem.message}")
    if len(summary.problems) > 20:
        _out(f"  … and {len(summary.problems) - 20} more (see `kino scan --json`)")


def _describe(item: MediaItem) -> str:
    if item.kind == "episode":
        number = f"S{item.season:02d}" if item.season is not None else ""
        if item.episode is not None:
            number += f"E{item.episode:02d}"
            if item.episode_end:
                number += f"-E{item.episode_end:02d}"
        label = f"{item.series or '?'} {number or item.air_date or ''}".strip()
        return f"{label} {item.title}" if item.title else label
    if item.kind == "track":
        return f"{item.artist or '?'} – {item.album or '?'} – {item.track or ''} {item.title or ''}"
    year = f" ({item.year})" if item.year else ""
    return f"{item.display_title}{year}"


def _cmd_history(paths: KinoPaths, args: argparse.Namespace) -> int:
    from kino_tui import cli_playback
    from kino_tui.library import Library

    records = cli_playback.history_records(Library(paths))
    if args.json:
        _write_json(records)
        return 0
    if not records:
        _out("nothing played yet")
    for play in records:
        _out(cli_playback.describe_play(play))
    return 0


def _cmd_ls(paths: KinoPaths, args: argparse.Namespace) -> int:
    from kino_tui.library import Library

    library = Library(paths)
    data, warning = library.load()
    if warning:
        _error(warning)
    if args.section:
        view = library.view(data)
        chosen = {
            "continue-watching": view.continue_watching,
            "next-up": view.next_up,
            "recently-added": lambda: [e.item for e in view.section("recently-added") if e.item],
        }[args.section]()
        items = [i for i in chosen if args.kind is None or i.kind == args.kind]
    else:
        items = sorted(
            (i for i in data.items.values() if args.kind is None or i.kind == args.kind),
            key=lambda i: i.path,
        )
    if args.json:
        _write_json(library.item_records(items))
        return 0
    for item in items:
        flag = "" if item.available else "  [offline]"
        error = f"  ! {item.error}" if item.error else ""
        _out(f"{item.kind:7} {_describe(item)}  {item.path}{flag}{error}")
    return 0
