"""The checks of values from the other side (service/remote/checks.py) and the wire's
bounds (protocol.py), as tables."""

from __future__ import annotations

import json
from typing import Any

import pytest

from kino_tui.core.models import MediaItem, SubtitleTrack
from kino_tui.service.remote import checks, protocol
from kino_tui.service.remote.protocol import BadRequest

GOOD = {"position": 12.5, "duration": 100, "watched": False, "play_count": 2,
        "last_played": "2026-01-02T03:04:05+00:00"}  # fmt: skip


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"position": "1:23"}, "position"),
        ({"position": -0.5}, "position"),
        ({"position": float("inf")}, "position"),
        ({"position": True}, "position"),
        ({"duration": 8 * 24 * 3600}, "duration"),
        ({"watched": 1}, "watched"),
        ({"play_count": -1}, "play_count"),
        ({"play_count": 10**9}, "play_count"),
        ({"last_played": "2026-13-40"}, "last_played"),
        ({"last_played": "x" * 1000}, "last_played"),
    ],
)
def test_bad_progress_is_refused_naming_the_field(change: dict[str, Any], field: str) -> None:
    with pytest.raises(BadRequest, match=field) as refused:
        checks.progress({**GOOD, **change})
    assert len(str(refused.value)) < 200


def test_good_progress_passes_and_unknown_fields_are_left_out() -> None:
    progress = checks.progress({**GOOD, "from_a_newer_kino": 1})
    assert (progress.position, progress.duration, progress.play_count) == (12.5, 100.0, 2)
    assert checks.progress({}).position == 0.0


def item(**changes: Any) -> dict[str, Any]:
    data = MediaItem(id="a1", kind="movie", path="/m/a.mkv", root="/m").to_dict()
    data["subtitles"] = [SubtitleTrack("en", "subrip", True, False, "/m/a.srt")._asdict()]
    data.update(changes)
    return data


@pytest.mark.parametrize(
    "bad",
    [
        {"title": 7},
        {"kind": "virus"},
        {"size": "big"},
        {"available": None},
        {"parts": ["/a", 3]},
        {"genres": "drama"},
        {"ids": {"imdb": 5}},
        {"subtitles": [{"language": "en"}]},
        {"subtitles": [{**SubtitleTrack("en")._asdict(), "evil": 1}]},
        {"segments": [{"start": "0", "end": 1, "kind": "intro"}]},
        {"id": None},
    ],
)
def test_bad_items_are_refused(bad: dict[str, Any]) -> None:
    with pytest.raises(BadRequest):
        checks.items([item(), item(**bad)])


def test_good_items_pass_and_build() -> None:
    [built] = checks.media_items([item(title="Film", year=2001)])
    assert built.title == "Film" and built.subtitles[0].path == "/m/a.srt"
    with pytest.raises(BadRequest):
        checks.items([{k: v for k, v in item().items() if k != "root"}])


@pytest.mark.parametrize(
    ("line", "depth"),
    [
        (b'{"a": [1, 2, {"b": []}]}', 0),  # too few brackets to matter: not counted
        (b"[" * 20 + b"]" * 20, 17),
        (b'{"s": "' + b"[" * 40 + b'"}', 1),  # brackets in strings do not count
        (b'{"s": "\\"[[[[[[[[[[[[[[[[[[[[", "t": 1}', 1),
    ],
)
def test_nesting(line: bytes, depth: int) -> None:
    assert protocol.nesting(line) == depth


def test_decode_refuses_deep_lines_and_errors_are_short() -> None:
    with pytest.raises(protocol.ProtocolError, match="nested deeper"):
        protocol.decode(b'{"a": ' + b"[" * 17 + b"]" * 17 + b"}")
    assert protocol.decode(b'{"a": ' + b"[" * 15 + b"]" * 15 + b"}")
    wire = protocol.error_to_wire(ValueError("x" * 10**6))
    assert len(json.dumps(wire)) < 1000
    error = protocol.error_from_wire({"type": "KinoError", "message": "y" * 10**6})
    assert len(str(error)) < 1000


def test_history_records_say_only_how_the_play_went() -> None:
    record = {"player": "mpv", "started_at": "2026-01-02T03:04:05+00:00", "position": None,
              "duration": 10.0, "watched": True, "error": None}  # fmt: skip
    assert checks.history_record(record) == record
    for bad in ({"id": "x"}, {"title": "x"}, {"season": 1}, {"player": 3}):
        with pytest.raises(BadRequest):
            checks.history_record({**record, **bad})


def test_every_method_of_the_server_and_the_client_is_checked() -> None:
    """A method the box answers has a check of its request, one the laptop calls a
    check of its answer (an unchecked method is refused by the box)."""
    import inspect
    import re
    from pathlib import Path

    from kino_tui.service.remote import server

    table = inspect.getsource(server.Server.__init__)
    methods = set(re.findall(r'^\s+"(\w+)":', table, re.M))
    assert methods == set(checks._REQUESTS)
    folder = Path(server.__file__).parent
    calls = {
        name
        for path in folder.glob("*.py")
        for name in re.findall(r'\.call\(\s*"(\w+)"', path.read_text())
    }
    assert calls <= set(checks._ANSWERS)
