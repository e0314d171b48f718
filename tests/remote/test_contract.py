"""The contract of the library interface: every use case, on both transports, same answers.

Each row of :data:`CASES` is a use case run through :class:`LibraryAPI`, once against the
box's library opened locally (``Library`` on the box's own files) and once against the
same library over the real sshd (``RemoteLibrary`` talking to ``kino serve --stdio``). Both
start from the same watch state and the same settings; the answer of each, and the box's
watch state and history after it, must be the same. A new use case is a row here.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pytest

from kino_tui.config.paths import KinoPaths
from kino_tui.config.settings import RemoteSettings, Settings
from kino_tui.core.errors import KinoError
from kino_tui.core.models import MediaItem, Progress
from kino_tui.core.play.player_settings import PlayerSettings
from kino_tui.service.api import LibraryAPI
from kino_tui.service.library import Library
from kino_tui.service.playing import PlayRequest
from kino_tui.service.remote.library import RemoteLibrary
from tests.remote.sshbox import Link

#: mpv as the tests run it: headless, fast, and ending 3 s in (a play that is not watched).
PLAYBACK = PlayerSettings(
    mode="terminal", resume="always",
    extra_args={"mpv": ("--no-config", "--vo=null", "--ao=null", "--speed=20", "--end=3")},
)  # fmt: skip


def _by_title(library: LibraryAPI, title: str) -> MediaItem:
    data, _ = library.load()
    return next(item for item in data.items.values() if item.display_title.startswith(title))


def _ids(items: list[MediaItem]) -> list[str]:
    return [item.id for item in items]


def _refusal(use: Callable[[], object]) -> tuple[str, str]:
    """The type of error a use case raised, and the part of its message both ends give
    (the remote one says "on the box: " first)."""
    try:
        use()
    except KinoError as error:
        return type(error).__name__, str(error).removeprefix("on the box: ")
    raise AssertionError("the use case was expected to refuse")


# -- the use cases -------------------------------------------------------------------------
def load(library: LibraryAPI) -> object:
    data, warnings = library.load()
    return sorted(
        (item.id, item.display_title, item.kind) for item in data.items.values()
    ), warnings


def find_by_id(library: LibraryAPI) -> object:
    film = _by_title(library, "Long Film")
    found, warnings = library.find_items(film.id)
    return _ids(found), warnings


def find_by_path_and_folder(library: LibraryAPI) -> object:
    film = _by_title(library, "Parted Film")
    by_path, _ = library.find_items(film.parts[1])
    folder = film.path.rpartition("/")[0].rpartition("/")[0]  # the Movies folder
    under, _ = library.find_items(folder)
    return _ids(by_path), _ids(under)


def search(library: LibraryAPI) -> object:
    results, warnings = library.search("film")
    return [asdict(result) for result in results], warnings


def sections(library: LibraryAPI) -> object:
    film = _by_title(library, "Long Film")
    library.mark_undoable([film], True)  # watched: out of Continue Watching
    answers = {}
    for key in ("continue-watching", "next-up", "recently-added"):
        items, _ = library.section_items(key)
        answers[key] = _ids(items)
    return answers


def records(library: LibraryAPI) -> object:
    items = [_by_title(library, "Short Film"), _by_title(library, "Long Film")]
    library.mark_watched(items[:1], True)
    return list(library.item_records(items))


def listing(library: LibraryAPI) -> object:
    """``kino ls --json``: made from the stored rows on the box, from the items on a link."""
    library.mark_watched([_by_title(library, "Short Film")], True)
    everything, warnings = library.listing()
    movies, _ = library.listing("movie")
    return list(everything), list(movies), warnings


def mark(library: LibraryAPI) -> object:
    film = _by_title(library, "Long Film")
    return library.mark_watched([film], True)


def mark_several(library: LibraryAPI) -> object:
    """A season, a show or an album: several items at once, then not watched again."""
    films = [_by_title(library, "Long Film"), _by_title(library, "Short Film")]
    marked = library.mark_watched(films, True)
    return marked, library.mark_watched(films[:1], False)


def undo_restores_what_was_there(library: LibraryAPI) -> object:
    """Long Film has a resume point before the mark; Short Film has no record at all,
    and must have none after the undo (not an empty one)."""
    films = [_by_title(library, "Long Film"), _by_title(library, "Short Film")]
    marked = library.mark_undoable(films, True)
    return marked.previous, library.undo_mark(marked)


def progress_since(library: LibraryAPI) -> object:
    changed = library.progress_since(None)
    assert changed is not None
    _, progress = changed
    return progress


def play_plan(library: LibraryAPI) -> object:
    film = _by_title(library, "Long Film")
    plan = library.plan_play([film])
    queue = library.plan_play([film, _by_title(library, "Short Film")], start=12.0)
    return (plan.player, plan.start, plan.resume_at, plan.ask, _ids(list(plan.items)),
            queue.start, queue.ask, _ids(list(queue.items)))  # fmt: skip


def prepared_play(library: LibraryAPI) -> object:
    """The one play use case: found by id, the whole library folder as a group, checked;
    and a group queue from the next unwatched item."""
    film = _by_title(library, "Long Film")
    by_id = library.prepare_play(PlayRequest(target=film.id, order="group"))
    folder = str(Path(film.path).parent.parent)
    unchecked = library.prepare_play(PlayRequest(target=folder, check=False))
    queue = library.play_queue([film, _by_title(library, "Short Film")], "group")
    return (by_id.start, by_id.ask, _ids(list(by_id.items)), _ids(list(unchecked.items)),
            _ids(queue), _refusal(lambda: library.prepare_play(PlayRequest(target="none"))))  # fmt: skip


def play_and_history(library: LibraryAPI) -> object:
    """A real play (mpv, 3 s of Short Film): its progress and its history line."""
    film = _by_title(library, "Short Film")
    plan = library.plan_play([film])
    library.check_playable(plan)
    library.session(plan).run()
    history = library.history()
    assert len(history) == 1
    line = {key: value for key, value in history[0].items()
            if key not in ("started_at", "ended_at", "path", "position", "duration")}  # fmt: skip
    return line, round(history[0]["position"] or 0)


def track_choices(library: LibraryAPI) -> object:
    film = _by_title(library, "Short Film")
    menu = library.track_menu(film)
    chosen = library.choose_tracks_from_text(film, None, "off")
    return (menu.audio_selected, menu.subtitle_selected, menu.remembered_for, chosen,
            library.track_menu(film).subtitle_selected)  # fmt: skip


def refusals(library: LibraryAPI) -> object:
    return [
        _refusal(lambda: library.find_items("no-such-id-or-path")),
        _refusal(lambda: library.plan_play([])),
    ]


def refusal_of_a_deleted_file(library: LibraryAPI) -> object:
    film = _by_title(library, "Secret")
    hidden = Path(film.path + ".away")
    os.rename(film.path, hidden)
    try:
        return _refusal(lambda: library.check_playable(library.plan_play([film])))[0]
    finally:
        os.rename(hidden, film.path)


def shared_sync_without_a_database(library: LibraryAPI) -> object:
    """No [shared] database on the box: a command's sync has nothing to say."""
    return library.sync_shared()


@dataclass(frozen=True)
class Case:
    use: Callable[[LibraryAPI], object]
    #: What the box's watch state holds before (title: progress).
    before: tuple[tuple[str, Progress], ...] = ()


RESUME = (("Long Film", Progress(position=90.0, duration=400.0, last_played="2026-01-01")),)
CASES = [
    Case(load),
    Case(find_by_id),
    Case(find_by_path_and_folder),
    Case(search),
    Case(sections, RESUME),
    Case(records, RESUME),
    Case(listing, RESUME),
    Case(mark, RESUME),
    Case(mark_several, RESUME),
    Case(undo_restores_what_was_there, RESUME),
    Case(progress_since, RESUME),
    Case(play_plan, RESUME),
    Case(prepared_play, RESUME),
    Case(play_and_history),
    Case(track_choices),
    Case(refusals),
    Case(refusal_of_a_deleted_file),
    Case(shared_sync_without_a_database),
]


# -- running a case on both ------------------------------------------------------------------
def _box_paths(link: Link) -> KinoPaths:
    home = link.box.home
    return KinoPaths(home / ".config" / "kino", home / ".local" / "share" / "kino",
                     home / ".cache" / "kino")  # fmt: skip


def _reset(link: Link, case: Case, tracks: Path) -> None:
    """The box's watch state as the case wants it (written by the box's own kino
    library, then given back to the box user), and no track choices."""
    data = link.box.data_dir
    for name in ("watch.json", "history.json"):
        (data / name).unlink(missing_ok=True)
    tracks.unlink(missing_ok=True)
    if case.before:
        box = Library(_box_paths(link), Settings())
        loaded, _ = box.load()
        for title, progress in case.before:
            item = next(i for i in loaded.items.values() if i.display_title.startswith(title))
            box.watch.save(item, progress)
    for path in data.iterdir():
        os.lchown(path, link.box.user.pw_uid, link.box.user.pw_gid)


def _box_state(link: Link) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The box's watch state after a case, without the times a play sets."""
    box = Library(_box_paths(link), Settings())
    progress = {
        key: {**asdict(value), "last_played": bool(value.last_played)}
        for key, value in box.watch.all().items()
    }
    history = [{k: v for k, v in line.items() if k not in ("started_at", "ended_at")}
               for line in box.history()]  # fmt: skip
    for line in history:
        line["position"] = round(line["position"] or 0)
        line["duration"] = round(line["duration"] or 0)
    for record in progress.values():
        record["position"] = round(record["position"])
    return progress, history


def _normalised(answer: object) -> object:
    """Times set by the clock (last played) compared by presence only."""
    if isinstance(answer, Progress):
        return {**asdict(answer), "last_played": bool(answer.last_played),
                "position": round(answer.position)}  # fmt: skip
    if isinstance(answer, dict):
        return {key: _normalised(value) for key, value in answer.items()
                if key not in ("last_played",) or not isinstance(value, str)}  # fmt: skip
    if isinstance(answer, list | tuple):
        return [_normalised(value) for value in answer]
    return answer


@pytest.fixture(scope="module")
def transports(
    link: Link, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Library, RemoteLibrary, Path]]:
    """The box's library on its own files, and over ssh; the same settings for both."""
    here = tmp_path_factory.mktemp("laptop")
    paths = KinoPaths(here / "config", here / "data", here / "cache")
    ssh = ("ssh", "-F", str(link.root_ssh_config))
    remote_settings = RemoteSettings("box", tuple(link.remote_command), ssh)
    settings = Settings(playback=PLAYBACK, remote=remote_settings)
    # The local library writes its track choices where the remote one does: this
    # machine's file (the box's catalog and watch state are the box's on both).
    local = Library(_box_paths(link), settings)
    local.track_choices = type(local.track_choices)(paths.tracks_file)
    remote = RemoteLibrary(paths, "box", settings)
    yield local, remote, paths.tracks_file
    remote.close()
    shutil.rmtree(here, ignore_errors=True)


@pytest.mark.parametrize("case", CASES, ids=[case.use.__name__ for case in CASES])
def test_both_transports_answer_alike(
    case: Case, transports: tuple[Library, RemoteLibrary, Path], link: Link
) -> None:
    local, remote, tracks = transports
    outcomes = []
    for library in (local, remote):
        _reset(link, case, tracks)
        answer = case.use(library)
        outcomes.append((_normalised(answer), _box_state(link)))
    (local_answer, local_state), (remote_answer, remote_state) = outcomes
    assert remote_answer == local_answer
    assert remote_state == local_state


def test_the_contract_covers_every_use_case_that_can_differ() -> None:
    """Each method of the interface that reaches the library's data is in a row (or is
    this machine's own on both transports, or a refusal tested in test_remote_cli)."""
    covered = {
        "load", "find_items", "search", "section_items", "item_records", "mark_watched",
        "mark_undoable", "undo_mark", "progress_since", "plan_play", "check_playable",
        "session", "history", "track_menu", "choose_tracks_from_text", "prepare_play",
        "play_queue", "sync_shared", "listing",
    }  # fmt: skip
    this_machine = {
        "close", "front_end_settings", "binding_problems", "picture_cache_folder",
        "artwork_reader", "load_view", "load_opening", "load_rest", "load_in_background",
        "play_order", "group_queue", "skip_segment", "choose_tracks", "apply_tracks",
        "control_player", "up_next",
        "watched_toggle", "track_item",
        "track_warnings", "take_warnings", "live_updates", "catalog_signature",
        "roots", "root_details", "root_details_signature", "add_roots", "remove_root",
        "set_root_type", "roots_for", "scan", "add_folder",
        "import_history", "undo_import", "export_history", "export_problems",
        "shared_status", "shared_push", "shared_news",
        # the browser's rows from this machine's index while it loads (None on a link:
        # it then searches what it loaded; `kino search` is the covered `search`)
        "search_indexed",
        # frames (issue 21): taken on the box either way; over a link the box takes them in
        # the background and the laptop names them for its poster cache
        # (tests/remote/test_remote_frames.py)
        "frame_for", "make_frames",
    }  # fmt: skip
    methods = {name for name in LibraryAPI.__dict__ if not name.startswith("_")}
    methods -= {"name", "delivered"}
    assert methods == covered | this_machine, methods ^ (covered | this_machine)


def test_refused_on_the_link_with_what_to_do(remote: RemoteLibrary) -> None:
    """What only the box does (its folders, its scans) is refused over a link, saying
    how to do it there; locally each of these works (tests/test_library.py)."""
    for use in (remote.scan, remote.roots, remote.root_details,
                lambda: remote.add_roots(["/srv"]), lambda: remote.remove_root("/srv"),
                lambda: remote.import_history("mpv"), remote.undo_import,
                lambda: remote.export_history("kino"), remote.shared_status,
                remote.shared_push):  # fmt: skip
        with pytest.raises(KinoError, match=r"happens on the box: run `ssh box kino"):
            use()
