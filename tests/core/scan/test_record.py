"""scans.json: each root's last scan, and the problems that still stand after the next."""

from __future__ import annotations

import os
from pathlib import Path

from kino_tui.core.models import Problem
from kino_tui.core.scan.record import ScanRecords


def test_problems_stand_until_fixed_or_seen_again(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    (root / "Film").mkdir(parents=True)
    (root / "Other").mkdir()
    nfo = root / "Film/movie.nfo"
    nfo.write_text("<movie>")
    records = ScanRecords(tmp_path / "data" / "scans.json")
    unreadable = Problem(str(root / "Locked"), "cannot read folder: Permission denied")
    bad_nfo = Problem(str(nfo), "not well-formed XML")
    records.record([str(root)], [unreadable, bad_nfo], "2026-11-27T10:00:00+00:00")
    assert records.read()[str(root)].problems == (unreadable, bad_nfo)

    # An incremental scan does not read the unchanged folder: its NFO's problem stands;
    # the walk listed the locked folder again and did not report it: it is gone.
    records.record([str(root)], [], "2026-11-27T11:00:00+00:00")
    record = records.read()[str(root)]
    assert record.scanned_at == "2026-11-27T11:00:00+00:00" and record.problems == (bad_nfo,)

    # A scan limited to another folder keeps it; a fixed NFO (changed) drops it.
    records.record([str(root)], [], "t3", read={str(root): [str(root / "Other")]})
    assert records.read()[str(root)].problems == (bad_nfo,)
    nfo.write_text("<movie></movie>")
    stamp = nfo.stat().st_mtime_ns + 10**9
    os.utime(nfo, ns=(stamp, stamp))
    records.record([str(root)], [], "t4")
    assert records.read()[str(root)].problems == ()
    records.forget(str(root))
    assert records.read() == {}


def test_a_damaged_record_starts_afresh(tmp_path: Path) -> None:
    path = tmp_path / "scans.json"
    path.write_text("{not json")
    records = ScanRecords(path)
    assert records.read() == {}
    records.record(["/lib"], [Problem("/lib/x.nfo", "bad")], "t")
    assert records.read()["/lib"].problems == (Problem("/lib/x.nfo", "bad"),)


def test_names_that_are_not_utf8_are_kept_exactly(tmp_path: Path) -> None:
    name = os.fsdecode(b"/lib/Caf\xe9/movie.nfo")  # a Latin-1 disk
    records = ScanRecords(tmp_path / "scans.json")
    records.record(["/lib"], [Problem(name, "bad NFO")], "t")
    assert records.read()["/lib"].problems == (Problem(name, "bad NFO"),)
