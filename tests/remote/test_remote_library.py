"""RemoteLibrary's watch store against the box: marks, and their undo."""

from __future__ import annotations

from kino_tui.core.models import Progress
from kino_tui.service.remote.library import RemoteLibrary
from tests.helpers.remote import by_title


def test_a_mark_and_its_undo_land_on_the_box(remote: RemoteLibrary) -> None:
    film = by_title(remote, "Long Film")
    remote.watch.save(film, Progress(position=90.0, duration=400.0))
    short = by_title(remote, "Short Film")
    previous: dict[str, Progress | None] = {}
    marked = remote.watch.set_watched_many([film, short], True, previous)
    assert marked[film.id].watched and marked[short.id].play_count == 1
    assert remote.watch.get(film.id).watched
    assert previous[film.id] == Progress(position=90.0, duration=400.0)
    assert previous[short.id] is None  # never played
    remote.watch.restore_many([film, short], previous)
    assert remote.watch.get(film.id) == Progress(position=90.0, duration=400.0)
    assert remote.watch.get(short.id) == Progress()
