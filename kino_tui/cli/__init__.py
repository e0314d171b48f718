"""The command line: ``kino [paths|add|remove|roots|scan|ls|search|play|watched|history]``; no
command opens the TUI. It parses, calls the application layer, and prints; nothing more."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from kino_tui import __version__
from kino_tui.cli import output
from kino_tui.config.paths import KinoPaths
from kino_tui.config.settings import IMAGE_MODES
from kino_tui.core.errors import KinoError
from kino_tui.core.models import KINDS, ROOT_TYPES
from kino_tui.service.loading import LIST_SECTIONS
from kino_tui.ui import startup_gc

if TYPE_CHECKING:
    from kino_tui.service.remote.library import RemoteLibrary


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
    parser.add_argument(
        "--remote",
        metavar="HOST",
        help="browse and play the library of kino on HOST over ssh (HOST as ssh takes it; "
        "without HOST, [remote] host in config.toml)",
    )
    parser.add_argument(
        "--remote-kino",
        metavar="PROGRAM",
        help="the kino to run on the remote host (default: kino on its PATH, or "
        "[remote] command in config.toml)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    serve = commands.add_parser(
        "serve", help="serve this library to `kino --remote` (started by it over ssh)"
    )
    serve.add_argument(
        "--stdio", action="store_true", required=True, help="speak the protocol on stdin/stdout"
    )
    commands.add_parser("paths", help="show where kino keeps its config, catalog and cache")
    add = commands.add_parser("add", help="add library folders (or change their type)")
    add.add_argument("folders", nargs="+", metavar="PATH")
    add.add_argument(
        "--type",
        choices=ROOT_TYPES,
        help="content type (new folders: mixed; a known folder keeps its type)",
    )
    remove = commands.add_parser("remove", help="remove a library folder and its items")
    remove.add_argument("folder", metavar="PATH")
    commands.add_parser("roots", help="list library folders")
    scan = commands.add_parser("scan", help="scan library folders (adding any given)")
    scan.add_argument("folders", nargs="*", metavar="PATH")
    scan.add_argument("--type", choices=ROOT_TYPES, help="type for new folders (default mixed)")
    scan.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    ls = commands.add_parser("ls", help="list the catalog")
    ls.add_argument("--kind", choices=KINDS)
    ls.add_argument(
        "--section",
        choices=LIST_SECTIONS,
        help="list a watch section in its own order instead of the whole catalog",
    )
    ls.add_argument("--json", action="store_true", help="print one JSON array of items")
    play = commands.add_parser(
        "play",
        help="play an item, or a whole season, show, album or artist (by id or folder), "
        "and record progress",
    )
    play.add_argument("target", metavar="ID_OR_PATH")
    play.add_argument("--player", choices=("mpv", "vlc"), help="override player in config.toml")
    play.add_argument(
        "--start", type=float, metavar="SECONDS", help="start here, not at the resume point"
    )
    play.add_argument(
        "--print-command", action="store_true", help="print the player's argument list, don't play"
    )
    play.add_argument(
        "--shuffle", action="store_true", help="a season, show, album or artist in random order"
    )
    play.add_argument(
        "--audio",
        metavar="LANG|N",
        help="audio in this language (eng, en, jpn…) or stream N (from 1); remembered for "
        "the show's episodes or the movie",
    )
    play.add_argument(
        "--subtitles",
        metavar="LANG|N|off",
        help="subtitles in this language, stream N (from 1, files beside the video last), "
        "or off; remembered like --audio",
    )
    watched = commands.add_parser(
        "watched", help="mark an item, or everything under a folder, as watched"
    )
    watched.add_argument("target", metavar="ID_OR_PATH")
    watched.add_argument("--unset", action="store_true", help="mark as not watched")
    search = commands.add_parser(
        "search", help="find shows, seasons, artists, albums and items, best match first"
    )
    search.add_argument("query", nargs="+", metavar="QUERY")
    search.add_argument("--json", action="store_true", help="print one JSON array of results")
    history = commands.add_parser("history", help="list what was played, newest first")
    history.add_argument("--json", action="store_true", help="print one JSON array")
    _history_commands(commands)
    shared = commands.add_parser(
        "shared", help="the watch state shared with other boxes ([shared] database)"
    )
    shared.add_argument(
        "action",
        choices=("status", "push"),
        help="status: reachable, queued changes, last sync; push: this box's existing "
        "history into the database (never over a newer change)",
    )
    return parser


def _history_commands(commands: Any) -> None:
    """``kino import`` and ``kino export``: watch history in and out."""
    # only when the parser is built: `kino` alone starts without the importers
    from kino_tui.service.history_formats import EXPORT_FORMATS, SECRET_VARIABLES, SOURCES

    imports = commands.add_parser(
        "import",
        help="bring watch history in: nfo, mpv, jellyfin URL, plex URL, kino FILE",
        description="Import watched marks, resume points, play counts and last-played times. "
        "Items are matched by provider ids, then the path below a library folder, then "
        "file name and size; a newer record of kino's is never overwritten and a watched "
        "mark never undone. All or nothing; `kino import --undo` puts the records back. "
        f"Keys: {SECRET_VARIABLES['jellyfin']} (Jellyfin API key), "
        f"{SECRET_VARIABLES['plex']} (Plex token), or asked for.",
    )
    imports.add_argument("source", nargs="?", choices=SOURCES, help="where the history is")
    imports.add_argument(
        "location", nargs="?", metavar="URL|FILE", help="the server (jellyfin, plex) or file (kino)"
    )
    imports.add_argument(
        "--from", dest="folder", metavar="DIR", help="mpv: this watch_later folder"
    )
    imports.add_argument("--user", metavar="NAME", help="jellyfin: whose history")
    imports.add_argument(
        "--dry-run", action="store_true", help="say what would change, change nothing"
    )
    imports.add_argument(
        "--list-unmatched", action="store_true",
        help="also list the records no item matched (with --dry-run nothing is written)"
    )
    imports.add_argument(
        "--undo", action="store_true", help="put back the records the last import changed"
    )
    exports = commands.add_parser(
        "export", help="write the watch history: for another kino, for mpv, or into NFOs"
    )
    exports.add_argument("--format", choices=EXPORT_FORMATS, required=True)
    exports.add_argument(
        "--output", "-o", metavar="FILE", help="kino: write here (default: standard output)"
    )
    exports.add_argument(
        "--to", metavar="DIR", help="mpv: this watch_later folder (default: the one mpv reads)"
    )
    exports.add_argument(
        "--write-beside-media",
        action="store_true",
        help="nfo: allow writing into the NFO files beside the media",
    )


#: The commands ``kino --remote HOST`` runs against the box's library.
REMOTE_COMMANDS = ("ls", "search", "play", "watched", "history")


def _host_given(argv: Sequence[str]) -> list[str]:
    """``kino --remote`` with no HOST (the next word is a command or an option): the
    HOST is the one in config.toml, marked here as an empty string."""
    words = list(argv)
    for index, word in enumerate(words):
        if word == "--remote":
            following = words[index + 1] if index + 1 < len(words) else None
            if following is None or following.startswith("-") or following in _COMMANDS:
                words[index : index + 1] = ["--remote="]
            break
        if not word.startswith("-"):
            break  # a command: what follows is its own
    return words


_COMMANDS = (
    "serve",
    "paths",
    "add",
    "remove",
    "roots",
    "scan",
    "import",
    "export",
    "shared",
    *REMOTE_COMMANDS,
)
#: Commands whose function has another name (``import`` is a Python keyword).
_FUNCTIONS = {"import": "import_history", "export": "export_history"}


def run(argv: Sequence[str]) -> int:
    """Run one command; returns the exit status."""
    args = _parser().parse_args(_host_given(argv))
    paths = KinoPaths.default()
    try:
        if args.command == "serve":
            return _serve(paths)
        if args.command is None and not _in_a_terminal():
            output.error(
                "the browser needs a terminal; without one use the commands: "
                "kino ls, kino search QUERY, kino play ID (kino --help lists them)"
            )
            return 2
        if args.remote is not None:
            return _run_remote(paths, args)
        if args.command is None:
            return _open_ui(paths, args.images)
        if args.command == "paths":
            status = _paths(paths)
            sys.stdout.flush()
            return status
        from kino_tui.cli import (
            commands,
        )  # each command loads what it needs: `kino scan` starts lean
        from kino_tui.service.library import Library  # as above

        handler = getattr(commands, _FUNCTIONS.get(args.command, args.command))
        status = int(handler(Library(paths), args))
        sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's last flush
        return status
    except KinoError as error:
        output.error(str(error))
        return 2
    except BrokenPipeError:
        output.silence_stdout()  # `kino ls | head -1`: the reader has what it wanted
        return 0
    except KeyboardInterrupt:
        output.error("interrupted")
        return 130


def _serve(paths: KinoPaths) -> int:
    from kino_tui.service.library import Library  # as above
    from kino_tui.service.remote.server import serve_stdio  # only `kino serve` needs it

    return serve_stdio(Library(paths))


def _run_remote(paths: KinoPaths, args: argparse.Namespace) -> int:
    from kino_tui.service.remote.library import RemoteLibrary  # only `--remote`

    if args.command is not None and args.command not in REMOTE_COMMANDS:
        raise KinoError(
            f"`kino {args.command}` runs on the box itself, not with --remote: "
            f"`ssh HOST kino {args.command} …` (with --remote: {', '.join(REMOTE_COMMANDS)})"
        )
    from kino_tui.service.stopping import ended_by_signals  # remote commands only

    with ended_by_signals():  # SIGTERM, SIGHUP: the connection is closed on the way out
        return _remote_command(RemoteLibrary.open(paths, args.remote, args.remote_kino), args)


def _remote_command(library: RemoteLibrary, args: argparse.Namespace) -> int:
    host = library.name
    try:
        if library.delivered:
            output.error(f"gave {host} the position of {library.delivered} item(s) kept here")
        if args.command is None:
            startup_gc.hold()  # until the first frame (see ui/startup_gc.py)
            preload = library.load_in_background()
            from kino_tui.ui.app import run_app  # Textual loads while the catalog is read

            return run_app(library, args.images, preload)
        from kino_tui.cli import (
            commands,
        )  # each command loads what it needs: `kino scan` starts lean

        status = int(getattr(commands, args.command)(library, args))
        sys.stdout.flush()
        return status
    finally:
        library.close()
        kept = library.kept_positions()
        if kept:
            output.error(
                f"the connection to {host} was lost: the position of {kept} item(s) is kept "
                "on this machine and given to the box on the next connection"
            )


def _in_a_terminal() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


#: How long the UI's imports wait for the opening to be read (see :func:`_open_ui`).
OPENING_HEAD_START = 0.15


def _open_ui(paths: KinoPaths, images: str) -> int:
    from kino_tui.service.library import Library  # as above

    startup_gc.hold()  # until the first frame (see ui/startup_gc.py)
    library = Library(paths)
    preload = library.load_in_background()  # while the UI toolkit loads
    # Its quick case (the opening read from the catalog's index: tens of milliseconds)
    # gets the interpreter to itself first: beside the UI's imports each of its SQLite
    # rows waited for the lock that Python threads share, and 40 ms took 0.4 s. A slow
    # case (the index built again) goes on beside them.
    from concurrent.futures import wait  # the UI's (commands start without it)

    wait([preload], timeout=OPENING_HEAD_START)
    from kino_tui.ui.app import run_app  # Textual loads while the catalog is read

    return run_app(library, images, preload)


def _paths(paths: KinoPaths) -> int:
    output.out(f"config   {paths.config_file}")
    output.out(f"data     {paths.data_dir}")
    output.out(f"catalog  {paths.catalog_file}")
    output.out(f"watch    {paths.watch_file}")
    output.out(f"cache    {paths.cache_dir}")
    return 0


def main() -> None:
    sys.exit(run(sys.argv[1:]))
