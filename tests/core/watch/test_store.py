"""watch.json and history.json: a damaged file is set aside (under the lock) and kino goes on."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from kino_tui.core.fsutil import file_lock
from kino_tui.core.models import MediaItem, Progress
from kino_tui.core.watch.store import WatchStore

ROOT = Path(__file__).parents[3]

ITEM = MediaItem(id="film", kind="movie", path="/m/Film.mkv", root="/m", size=10)

#: Files that are not a watch store: not JSON, or JSON of the wrong shape.
DAMAGED_WATCH = {
    "cut short": '{"progress": {"1": {"id": "a", "posi',
    "binary": "\x00\x01\x02garbage",
    "empty": "",
    "a list": "[]",
    "null": "null",
    "progress a list": '{"progress": []}',
    "table a string": '{"progress": {"1": {"id": "a"}}, "other": "x"}',
    "document a list": '{"progress": {"1": ["a"]}}',
    "document id not a number": '{"progress": {"one": {"id": "a"}}}',
    "no id": '{"progress": {"1": {"position": 3.0}}}',
    "id a number": '{"progress": {"1": {"id": 7}}}',
    "position a string": '{"progress": {"1": {"id": "a", "position": "ten"}}}',
    "watched a string": '{"progress": {"1": {"id": "a", "watched": "yes"}}}',
    "play count a float": '{"progress": {"1": {"id": "a", "play_count": 1.5}}}',
    "play count a bool": '{"progress": {"1": {"id": "a", "play_count": true}}}',
    "path a number": '{"progress": {"1": {"id": "a", "path": 3}}}',
    "duration a list": '{"progress": {"1": {"id": "a", "duration": [1]}}}',
    "last played a number": '{"progress": {"1": {"id": "a", "last_played": 5}}}',
}

DAMAGED_HISTORY = {
    "cut short": '{"plays": {"1": {"id": "a", "ended_',
    "plays a list": '{"plays": []}',
    "play a string": '{"plays": {"1": "a"}}',
    "ended_at a number": '{"plays": {"1": {"id": "a", "ended_at": 5}}}',
    "season a string": '{"plays": {"1": {"id": "a", "season": "one"}}}',
    "position a string": '{"plays": {"1": {"id": "a", "position": "ten"}}}',
}


def good_watch_document() -> dict:
    return {
        "progress": {
            "1": {
                "id": "film",
                "path": "/m/Film.mkv",
                "size": 10,
                "position": 30.5,
                "duration": 100,
                "watched": False,
                "play_count": 2,
                "last_played": "2024-01-01T00:00:00+00:00",
            }
        }
    }


def damaged_copies(path: Path) -> list[Path]:
    return sorted(path.parent.glob(path.name + ".damaged-*"))


@pytest.mark.parametrize("content", DAMAGED_WATCH.values(), ids=DAMAGED_WATCH.keys())
def test_every_reader_survives_a_damaged_watch_file(tmp_path: Path, content: str) -> None:
    path = tmp_path / "watch.json"
    readers: list[Callable[[WatchStore], object]] = [
        lambda s: s.all(),
        lambda s: s.get("a"),
        lambda s: s.ids_by_path(),
    ]
    for read in readers:
        path.write_text(content)
        for old in damaged_copies(path):
            old.unlink()
        store = WatchStore(path)
        assert read(store) in ({}, Progress())
        [kept] = damaged_copies(path)
        assert kept.read_text() == content  # kept exactly as it was
        assert not path.exists()
        [message] = store.recover()
        assert message.startswith(f"{path} was damaged (")
        assert f"It was kept as {kept} and kino started a new one" in message
        assert "\n" not in message
        assert store.recover() == []  # said once
        assert store.warnings == [message]


@pytest.mark.parametrize(
    ("write", "kept"),
    [
        (lambda s: s.save(ITEM, Progress(position=12.0, duration=100.0)), {ITEM.id}),
        (lambda s: s.set_watched(ITEM, True), {ITEM.id}),
        (lambda s: s.set_watched_many([ITEM], True), {ITEM.id}),
        (lambda s: s.follow_moves({ITEM.id: ITEM}), set()),  # nothing recorded to follow
    ],
    ids=["save", "set_watched", "set_watched_many", "follow_moves"],
)
def test_every_writer_recovers_a_damaged_watch_file(
    tmp_path: Path, write: Callable[[WatchStore], object], kept: set[str]
) -> None:
    path = tmp_path / "watch.json"
    path.write_text('{"progress": [{"id": "film"}]}')
    store = WatchStore(path)
    write(store)
    assert [p.read_text() for p in damaged_copies(path)] == ['{"progress": [{"id": "film"}]}']
    assert len(store.recover()) == 1
    again = WatchStore(path)
    assert set(again.all()) == kept
    assert again.recover() == []


def test_writes_after_recovery_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "watch.json"
    path.write_text("{oops")
    store = WatchStore(path)
    store.save(ITEM, Progress(position=42.0, duration=100.0))
    again = WatchStore(path)
    assert again.get(ITEM.id).position == 42.0
    assert again.recover() == []
    assert len(damaged_copies(path)) == 1


@pytest.mark.parametrize("content", DAMAGED_HISTORY.values(), ids=DAMAGED_HISTORY.keys())
def test_damaged_history_is_set_aside(tmp_path: Path, content: str) -> None:
    path = tmp_path / "watch.json"
    history = tmp_path / "history.json"
    history.write_text(content)
    store = WatchStore(path)
    assert store.history() == []
    [kept] = damaged_copies(history)
    assert kept.read_text() == content
    [message] = store.recover()
    assert message.startswith(f"{history} was damaged (")
    assert str(kept) in message
    history.write_text(content)
    store.add_history(ITEM, {"ended_at": "2024-01-01T00:00:00+00:00", "position": 1.0})
    assert len(damaged_copies(history)) == 2
    assert [play["id"] for play in WatchStore(path).history()] == [ITEM.id]


def test_recover_checks_both_files_up_front(tmp_path: Path) -> None:
    path = tmp_path / "watch.json"
    path.write_text('{"progress": {"1": {"id": 3}}}')
    (tmp_path / "history.json").write_text("[1, 2")
    store = WatchStore(path)
    messages = store.recover()
    assert [m.split(" was damaged")[0] for m in messages] == [
        str(path),
        str(tmp_path / "history.json"),
    ]
    assert "id" in messages[0]  # the reason names what is wrong
    assert len(damaged_copies(path)) == 1
    assert len(damaged_copies(tmp_path / "history.json")) == 1
    assert store.all() == {} and store.history() == []


def test_sound_files_are_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "watch.json"
    document = good_watch_document()
    document["progress"]["2"] = {"id": "new", "future_field": [1, 2]}  # a newer kino's field
    document["other_table"] = {}
    path.write_text(json.dumps(document))
    (tmp_path / "history.json").write_text(
        json.dumps({"plays": {"1": {"id": "film", "season": 1, "episode": 2, "ended_at": None}}})
    )
    store = WatchStore(path)
    assert store.recover() == []
    progress = store.all()["film"]
    assert (progress.position, progress.play_count, progress.duration) == (30.5, 2, 100)
    assert store.ids_by_path() == {"/m/Film.mkv": "film"}
    assert len(store.history()) == 1
    assert damaged_copies(path) == [] and damaged_copies(tmp_path / "history.json") == []
    assert store.warnings == []


def test_clean_start_creates_nothing(tmp_path: Path) -> None:
    store = WatchStore(tmp_path / "watch.json")
    assert store.recover() == [] and store.all() == {} and store.history() == []
    assert not (tmp_path / "watch.json").exists()
    assert not (tmp_path / "history.json").exists()


READER = """
import sys, time
from pathlib import Path
from kino_tui.core.watch.store import WatchStore
store = WatchStore(Path(sys.argv[1]))
print("ready", flush=True)
state = store.all()
print(sorted(state), store.recover(), flush=True)
"""


def test_setting_aside_waits_for_the_lock_and_looks_again(tmp_path: Path) -> None:
    """A reader that found the file damaged moves it only under the lock, after reading it
    again: a writer holding the lock may have replaced it with a sound file meanwhile."""
    path = tmp_path / "watch.json"
    path.write_text("{damaged")
    with file_lock(path.with_name("watch.json.lock")):
        reader = subprocess.Popen(
            [sys.executable, "-c", READER, str(path)],
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        assert reader.stdout is not None
        assert reader.stdout.readline().strip() == "ready"
        time.sleep(1.0)  # the reader has seen the damage and waits for the lock
        assert path.read_text() == "{damaged" and damaged_copies(path) == []
        # as another kino's locked write would: the file is whole again
        path.write_text(json.dumps(good_watch_document()))
    output, _ = reader.communicate(timeout=60)
    assert reader.returncode == 0
    assert output.strip() == "['film'] []"
    assert damaged_copies(path) == []


RECOVERER = """
import sys
from pathlib import Path
from kino_tui.core.watch.store import WatchStore
store = WatchStore(Path(sys.argv[1]))
sys.stdin.readline()
print(len(store.recover()), flush=True)
"""


def test_two_processes_set_a_damaged_file_aside_once(tmp_path: Path) -> None:
    path = tmp_path / "watch.json"
    for _ in range(3):
        path.write_text('{"progress": []}')
        processes = [
            subprocess.Popen(
                [sys.executable, "-c", RECOVERER, str(path)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                cwd=ROOT,
            )
            for _ in range(2)
        ]
        time.sleep(1.0)  # both imported
        for process in processes:
            assert process.stdin is not None
            process.stdin.write("go\n")
            process.stdin.flush()
        counts = sorted(int(p.communicate(timeout=60)[0]) for p in processes)
        assert counts == [0, 1]
        assert all(p.returncode == 0 for p in processes)
    assert len(damaged_copies(path)) == 3


def test_kino_ls_works_with_a_damaged_watch_file(
    run_kino: Callable[..., subprocess.CompletedProcess[str]], kino_paths
) -> None:
    kino_paths.data_dir.mkdir(parents=True)
    kino_paths.watch_file.write_text('{"progress": []}')
    (kino_paths.data_dir / "history.json").write_text("not json")
    result = run_kino("ls", "--json", check=False)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []
    assert len(damaged_copies(kino_paths.watch_file)) == 1
    assert run_kino("history", check=False).returncode == 0
    assert len(damaged_copies(kino_paths.data_dir / "history.json")) == 1


def test_a_rewrite_of_the_same_size_in_the_same_tick_changes_the_signature(
    tmp_path: Path,
) -> None:
    """Another kino's write must be seen even when size and timestamp match (a coarse
    filesystem clock): every write replaces the file, so its inode tells."""
    import os

    store = WatchStore(tmp_path / "watch.json")
    item = MediaItem(id="a", kind="movie", path="/m/a.mkv", root="/m", parts=["/m/a.mkv"])
    store.save(item, Progress(position=100.0, duration=3000.0))
    first = store.signature()
    stat = store.path.stat()
    store.save(item, Progress(position=200.0, duration=3000.0))  # same length of text
    assert store.path.stat().st_size == stat.st_size
    os.utime(store.path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # and the same tick
    assert store.signature() != first


def test_restore_many_is_one_write_however_many_records(tmp_path: Path) -> None:
    """An import brings thousands of records: one read and one atomic write for all
    (a write each took 19 s for 1,000), with removals, updates and new records."""
    store = WatchStore(tmp_path / "watch.json")
    items = [
        MediaItem(id=f"i{n}", kind="movie", path=f"/m/{n}.mkv", root="/m", size=n)
        for n in range(600)
    ]
    store.set_watched_many(items[:300], True)  # 300 records exist
    writes: list[int] = []
    storage = store._db.storage
    original = storage.write
    storage.write = lambda data: (writes.append(1), original(data))[1]  # type: ignore[method-assign]
    wanted: dict[str, Progress | None] = {
        item.id: Progress(position=float(n)) for n, item in enumerate(items)
    }
    for item in items[:100]:
        wanted[item.id] = None  # these go
    store.restore_many(items, wanted)
    assert len(writes) == 1
    after = store.all()
    assert len(after) == 500 and "i0" not in after
    assert after["i150"] == Progress(position=150.0) and after["i599"] == Progress(position=599.0)
    ids = store.ids_by_path()
    assert ids["/m/599.mkv"] == "i599"
