"""What a store with a journal queues, and how other boxes' changes are written locally
(no database needed: the queue and the files are real)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kino_tui.core.models import MediaItem, Progress
from kino_tui.core.watch.journal import Journal
from kino_tui.core.watch.queue import ChangeQueue
from kino_tui.core.watch.store import WatchStore

ROOT = "/mnt/nas/Media"


@pytest.fixture
def store(tmp_path: Path) -> WatchStore:
    store = WatchStore(tmp_path / "watch.json")
    store.journal = Journal(ChangeQueue(tmp_path / "shared-queue.json"), {ROOT: "Media"}, "living")
    return store


def item(name: str, item_id: str = "a1") -> MediaItem:
    return MediaItem(id=item_id, kind="movie", path=f"{ROOT}/Movies/{name}", root=ROOT,
                     fingerprint="f" + item_id, ids={"imdb": "tt1"})  # fmt: skip


def queued(store: WatchStore) -> list[dict]:
    assert store.journal is not None
    return store.journal.queue.pending()


def test_a_save_queues_only_the_groups_it_changed_under_the_shared_key(store: WatchStore) -> None:
    film = item("Film.mkv")
    store.save(film, Progress(position=10.0, duration=100.0))
    (change,) = queued(store)
    assert (change["library"], change["path"]) == ("Media", "Movies/Film.mkv")
    assert change["fingerprint"] == "fa1" and change["ids"] == {"imdb": "tt1"}
    assert change["fields"] == {"position": {"position": 10.0, "duration": 100.0}}
    # nothing else differs from "never played": only the position is said


def test_saves_of_one_item_join_into_one_change_each_group_with_its_time(
    store: WatchStore,
) -> None:
    film, other = item("Film.mkv"), item("Other.mkv", "a2")
    store.set_watched(film, True)
    (marked,) = queued(store)
    for position in range(1, 200):  # a play saving every few seconds, the database away
        store.save(film, Progress(position=float(position), duration=400.0, watched=True,
                                  play_count=1, last_played=store.get("a1").last_played))  # fmt: skip
    (joined,) = queued(store)
    assert joined["n"] > marked["n"]  # a new number: a round delivering the old one
    # cannot drop the joined one
    assert joined["fields"]["position"] == {"position": 199.0, "duration": 400.0}
    assert joined["fields"]["watched"] == {"watched": True}
    assert joined["fields_at"]["watched"] == marked["at"] < joined["fields_at"]["position"]
    store.save(other, Progress(position=3.0))
    store.save(film, Progress(position=5.0))
    assert [c["path"] for c in queued(store)] == [
        "Movies/Film.mkv", "Movies/Other.mkv", "Movies/Film.mkv"]  # fmt: skip


def test_a_mark_states_watched_even_when_nothing_changes_here(store: WatchStore) -> None:
    store.set_watched(item("Film.mkv"), False)  # never played: "not watched" is still said
    (change,) = queued(store)
    assert change["fields"] == {"watched": {"watched": False}}


def test_an_undo_is_queued_as_the_state_it_puts_back(store: WatchStore) -> None:
    film = item("Film.mkv")
    previous: dict[str, Progress | None] = {}
    store.set_watched_many([film], True, previous)
    (mark,) = queued(store)
    assert mark["fields"]["watched"] == {"watched": True}
    store.restore_many([film], previous)
    (undone,) = queued(store)  # joined: what goes out is the state put back
    assert undone["fields"]["watched"] == {"watched": False}
    assert undone["fields"]["play_count"] == {"play_count": 0}


def test_items_outside_a_library_folder_are_not_queued(store: WatchStore) -> None:
    elsewhere = MediaItem(id="b", kind="movie", path="/tmp/x.mkv", root="/tmp")
    store.save(elsewhere, Progress(position=5.0))
    assert queued(store) == [] and store.get("b").position == 5.0


def test_other_boxes_changes_skip_what_this_box_has_queued(store: WatchStore) -> None:
    film = item("Film.mkv")
    store.save(film, Progress(position=10.0, duration=100.0))  # queued, not yet delivered
    changed = store.apply_shared(
        [(film, {"position": {"position": 5.0, "duration": 100.0}, "watched": {"watched": True}})]
    )
    assert changed == 1
    assert store.get("a1") == Progress(position=10.0, duration=100.0, watched=True)
    assert len(queued(store)) == 1  # what came from the database is not queued again
    assert store.journal is not None
    store.journal.queue.drop(10**9)  # delivered
    store.apply_shared([(film, {"position": {"position": 5.0, "duration": 100.0}})])
    assert store.get("a1").position == 5.0
    other = item("Other.mkv", "a2")
    assert store.apply_shared([(other, {"watched": {"watched": True}})]) == 1  # a new record
    assert store.get("a2").watched and store.get("a1").position == 5.0


def test_a_play_gets_its_uid_and_comes_back_only_once(store: WatchStore) -> None:
    film = item("Film.mkv")
    store.add_history(film, {"started_at": "2026-01-01T10:00:00+00:00", "player": "mpv"})
    (play,) = store.history()
    assert play["uid"].startswith("living:") and play["box"] == "living"
    assert queued(store)[0]["uid"] == play["uid"]
    assert store.add_shared_history([dict(play)]) == 0
    assert store.add_shared_history([{**play, "uid": "bedroom:1", "box": "bedroom"}]) == 1
    assert len(store.history()) == 2


def test_a_damaged_queue_is_set_aside_with_a_line(tmp_path: Path) -> None:
    queue = ChangeQueue(tmp_path / "shared-queue.json")
    queue.path.write_text("{not json")
    assert queue.pending() == []
    (line,) = queue.take_warnings()
    assert "was damaged" in line and "kino shared push" in line
    assert list(tmp_path.glob("shared-queue.json.damaged-*"))
