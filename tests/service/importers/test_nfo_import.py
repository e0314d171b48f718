"""NFO watch state as Kodi and Jellyfin write it: taken at scan time for items kino has no
record of, `kino import nfo` for later plays, `kino export --format nfo` and the live
write-back after a play (real library on disk, real mpv)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from kino_tui.config.load import load_settings
from kino_tui.config.paths import KinoPaths
from kino_tui.core.errors import ConfigError
from kino_tui.core.models import MediaItem, Progress
from kino_tui.service import Library
from tests.conftest import LibraryBuilder
from tests.helpers.players import MpvClient, Running, headless_settings, wait_for_socket

KODI_HEAT = """<?xml version="1.0" encoding="UTF-8" standalone="yes" ?>
<movie>
    <title>Heat</title>
    <uniqueid type="imdb" default="true">tt0113277</uniqueid>
    <playcount>2</playcount>
    <lastplayed>2024-03-01 21:04:11</lastplayed>
    <resume>
        <position>0.000000</position>
        <total>0.000000</total>
    </resume>
</movie>
"""
KODI_LONG = """<?xml version="1.0" encoding="UTF-8" standalone="yes" ?>
<movie>
    <title>Long</title>
    <playcount>0</playcount>
    <lastplayed>2024-04-01 20:00:00</lastplayed>
    <resume>
        <position>100.000000</position>
        <total>400.000000</total>
    </resume>
</movie>
"""
JELLYFIN_EPISODE = """<?xml version="1.0" encoding="utf-8" standalone="yes"?>
<episodedetails>
  <title>Pilot</title>
  <watched>true</watched>
  <playcount>1</playcount>
  <lastplayed>2024-05-02 08:00:00</lastplayed>
  <season>1</season>
  <episode>1</episode>
</episodedetails>
"""
PLAIN = "<movie>\n  <title>Plain</title>\n  <year>2000</year>\n</movie>\n"


@pytest.fixture
def kodi_library(kino_paths: KinoPaths, build_library: LibraryBuilder) -> tuple[Library, Path]:
    root = build_library(
        {
            "Movies/Heat (1995)/Heat (1995).mkv": "h264.mkv",
            "Movies/Heat (1995)/movie.nfo": KODI_HEAT,
            "Movies/Long (2020)/Long (2020).mkv": "long.mkv",
            "Movies/Long (2020)/Long (2020).nfo": KODI_LONG,
            "Movies/Plain (2000)/Plain (2000).mkv": "vp9.webm",
            "Movies/Plain (2000)/Plain (2000).nfo": PLAIN,
            "Shows/Show/Season 1/Show S01E01.mkv": "hevc.mp4",
            "Shows/Show/Season 1/Show S01E01.nfo": JELLYFIN_EPISODE,
        }
    )
    library = Library(kino_paths)
    library.add_roots([str(root / "Movies")], "movies")
    library.add_roots([str(root / "Shows")], "shows")
    library.scan()
    return library, root


def _by_title(library: Library) -> dict[str, MediaItem]:
    return {item.display_title: item for item in library.load()[0].items.values()}


def test_a_kodi_library_opens_with_its_history(kodi_library: tuple[Library, Path]) -> None:
    library, _ = kodi_library
    items = _by_title(library)
    progress = library.watch.all()
    heat = progress[items["Heat"].id]
    assert (heat.watched, heat.play_count, heat.position) == (True, 2, 0.0)
    assert heat.last_played is not None and heat.last_played.startswith("2024-03-0")
    long = progress[items["Long"].id]
    assert (long.watched, long.position) == (False, 100.0)
    assert long.duration == items["Long"].duration  # as kino measured it: about 400 s
    assert progress[items["Pilot"].id].watched
    assert items["Plain"].id not in progress  # its NFO says nothing about plays
    continuing, _ = library.section_items("continue-watching")
    assert [item.display_title for item in continuing] == ["Long"]


def test_the_scan_never_takes_an_nfo_over_kinos_own_record(
    kodi_library: tuple[Library, Path],
) -> None:
    library, root = kodi_library
    heat = _by_title(library)["Heat"]
    library.mark_watched([heat], False)  # the user unmarks it in kino
    nfo = root / "Movies/Heat (1995)/movie.nfo"
    nfo.write_text(KODI_HEAT.replace("<playcount>2", "<playcount>5"))  # Kodi played it again
    library.scan()  # the folder is read again; the item is not new
    assert not library.watch.get(heat.id).watched


def test_kino_import_nfo_brings_later_plays_only(
    kodi_library: tuple[Library, Path], run_kino
) -> None:
    library, root = kodi_library
    items = _by_title(library)
    heat, long = items["Heat"], items["Long"]
    (root / "Movies/Heat (1995)/movie.nfo").write_text(
        KODI_HEAT.replace("<playcount>2", "<playcount>3").replace("2024-03-01", "2024-06-01")
    )
    # kino played Long after Kodi did: its record is newer and stays
    library.watch.save(
        long, Progress(position=300.0, duration=400.0, last_played="2025-01-01T00:00:00+00:00")
    )
    output = run_kino("import", "nfo").stdout
    assert "imported from nfo: 3 matched (1 changed, 2 skipped" in output
    assert library.watch.get(heat.id).play_count == 3
    assert library.watch.get(long.id).position == 300.0


def test_a_damaged_nfo_imports_nothing(kodi_library: tuple[Library, Path], run_kino) -> None:
    library, root = kodi_library
    (root / "Movies/Heat (1995)/movie.nfo").write_text(
        KODI_HEAT.replace("<playcount>2", "<playcount>9").replace("2024-03-01", "2024-09-01")
    )
    (root / "Movies/Plain (2000)/Plain (2000).nfo").write_text("<movie><title>Plain</tit")
    before = library.paths.watch_file.read_bytes()
    result = run_kino("import", "nfo", check=False)
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert "Plain (2000).nfo" in line and "malformed NFO" in line and "nothing was imported" in line
    assert library.paths.watch_file.read_bytes() == before


def test_export_nfo_writes_beside_the_media_only_when_asked(
    kodi_library: tuple[Library, Path], run_kino
) -> None:
    library, root = kodi_library
    plain = _by_title(library)["Plain"]
    library.watch.save(
        plain,
        Progress(position=0.0, watched=True, play_count=1, last_played="2025-02-03T04:05:06+00:00"),
    )
    nfo = root / "Movies/Plain (2000)/Plain (2000).nfo"
    nfo.chmod(0o644)
    refused = run_kino("export", "--format", "nfo", check=False)
    assert refused.returncode == 2 and "--write-beside-media" in refused.stderr
    assert nfo.read_text() == PLAIN
    output = run_kino("export", "--format", "nfo", "--write-beside-media").stdout
    assert output.startswith("exported 1 NFO file")  # the others already say the same
    text = nfo.read_text()
    assert text.startswith("<movie>\n  <title>Plain</title>\n  <year>2000</year>\n")
    assert "  <playcount>1</playcount>\n" in text and "<lastplayed>2025-02-0" in text
    assert nfo.stat().st_mode & 0o777 == 0o644  # Kodi and Jellyfin can still read it
    assert (
        "exported 0 NFO files"
        in run_kino("export", "--format", "nfo", "--write-beside-media").stdout
    )
    library.mark_watched([plain], False)  # kino keeps its count; Kodi reads any count as watched
    assert library.watch.get(plain.id).play_count == 1
    run_kino("export", "--format", "nfo", "--write-beside-media")
    assert "  <playcount>0</playcount>\n" in nfo.read_text()


def test_write_back_after_a_play(kodi_library: tuple[Library, Path]) -> None:
    library, root = kodi_library
    long = _by_title(library)["Long"]
    settings = dataclasses.replace(
        library.settings, export_nfo=True, playback=headless_settings(resume="never")
    )
    library = Library(library.paths, settings)
    session = library.session(library.plan_play([long], start=0.0))
    running = Running(session)
    client = MpvClient(wait_for_socket(session))
    client.seek_to(250)
    client.command("quit")
    result = running.wait()
    assert result.error is None
    text = (root / "Movies/Long (2020)/Long (2020).nfo").read_text()
    position = float(text.split("<position>")[1].split("<")[0])
    assert 249 <= position <= 253
    assert "<title>Long</title>" in text and library.export_problems() == []


def test_export_setting_is_checked_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('player = "mpv"\n[export]\nnfo = "yes"\n')
    with pytest.raises(ConfigError, match=r"line 3: nfo must be true or false"):
        load_settings(path)
    path.write_text("[export]\nkodi = true\n")
    with pytest.raises(ConfigError, match=r"line 2: unknown setting 'kodi'"):
        load_settings(path)
    path.write_text("[export]\nnfo = true\n")
    assert load_settings(path).export_nfo


WRITE_BACK = (
    'playback = "window"\nresume = "never"\n\n[mpv]\nargs = ["--vo=null", "--ao=null"]\n\n'
    "[export]\nnfo = true\n"
)


def test_kino_play_writes_back_and_says_when_it_cannot(
    kino_paths: KinoPaths, build_library: LibraryBuilder, run_kino
) -> None:
    root = build_library(
        {
            "Movies/Short (2001)/Short (2001).mkv": "h264.mkv",
            "Movies/Short (2001)/Short (2001).nfo": PLAIN.replace("Plain", "Short"),
            "Movies/Broken (2002)/Broken (2002).mkv": "h264.mkv",
            "Movies/Broken (2002)/Broken (2002).nfo": PLAIN,
        }
    )
    kino_paths.config_dir.mkdir(parents=True)
    kino_paths.config_file.write_text(WRITE_BACK)
    run_kino("scan", str(root / "Movies"), "--type", "movies")
    damaged = "<movie><title>Broken</tit"
    (root / "Movies/Broken (2002)/Broken (2002).nfo").write_text(damaged)

    played = run_kino("play", str(root / "Movies/Short (2001)/Short (2001).mkv"))
    assert "watched" in played.stdout and played.stderr == ""
    text = (root / "Movies/Short (2001)/Short (2001).nfo").read_text()
    assert "  <playcount>1</playcount>\n" in text and "<lastplayed>" in text

    broken = run_kino("play", str(root / "Movies/Broken (2002)/Broken (2002).mkv"))
    assert broken.returncode == 0 and "watched" in broken.stdout  # the play itself is fine
    (line,) = broken.stderr.strip().splitlines()
    assert "Broken (2002).nfo was not updated: malformed NFO" in line
    assert (root / "Movies/Broken (2002)/Broken (2002).nfo").read_text() == damaged


def test_an_offline_library_folder_is_left_alone(
    kodi_library: tuple[Library, Path], run_kino
) -> None:
    library, root = kodi_library
    (root / "Movies").rename(root / "Movies-unplugged")  # the share is gone
    library.scan()
    assert not all(item.available for item in library.load()[0].items.values())
    output = run_kino("import", "nfo").stdout
    assert "imported from nfo: 1 matched (0 changed, 1 skipped" in output  # the episode
    exported = run_kino("export", "--format", "nfo", "--write-beside-media")
    assert exported.returncode == 0 and exported.stdout.startswith("exported ")


def test_a_play_from_another_machine_is_written_back_on_the_box(
    kodi_library: tuple[Library, Path],
) -> None:
    """What `kino serve` does for a laptop's play (its table calls these two use cases):
    the last position, then the history line; the box's [export] nfo writes its NFO."""
    library, root = kodi_library
    settings = dataclasses.replace(library.settings, export_nfo=True)
    box = Library(library.paths, settings)
    long = _by_title(box)["Long"]
    box.save_progress(long.id, Progress(280.0, 400.0, False, 0, "2026-12-01T20:00:00+00:00"))
    nfo = root / "Movies/Long (2020)/Long (2020).nfo"
    assert "<position>100.000000</position>" in nfo.read_text()  # not at every save
    box.add_history(long.id, {"player": "mpv", "position": 280.0, "watched": False})
    assert "<position>280.000000</position>" in nfo.read_text()
    assert box.export_problems() == []


def test_the_length_kino_measured_wins_over_the_nfos_total(
    kino_paths: KinoPaths, build_library: LibraryBuilder
) -> None:
    """Kodi's <total> may be of another copy of the film (a longer cut, another rip): the
    resume point is kept, the length is the file's own, at scan time and on import."""
    root = build_library(
        {
            "Movies/Long (2020)/Long (2020).mkv": "long.mkv",
            "Movies/Long (2020)/Long (2020).nfo": KODI_LONG.replace("400.000000", "7200.000000"),
        }
    )
    library = Library(kino_paths)
    library.add_roots([str(root / "Movies")], "movies")
    library.scan()
    (long,) = library.load()[0].items.values()
    assert long.duration is not None and 399 < long.duration < 401
    assert library.watch.get(long.id).duration == long.duration  # at scan time
    library.watch.restore_many([long], {long.id: None})  # no record: import it again
    report = library.import_history("nfo")
    assert len(report.changes) == 1
    assert library.watch.get(long.id).duration == long.duration  # on import


def test_an_nfo_that_says_the_same_already_is_left_as_it_is(
    kino_paths: KinoPaths, build_library: LibraryBuilder, run_kino
) -> None:
    """Values written another way (Kodi's "100" for kino's 100.000000, a length whose
    fractions differ from kino's measure) are the same values: the file is not rewritten."""
    written = KODI_LONG.replace("<position>100.000000", "<position>100").replace(
        "<total>400.000000", "<total>400"
    )
    root = build_library(
        {
            "Movies/Long (2020)/Long (2020).mkv": "long.mkv",
            "Movies/Long (2020)/Long (2020).nfo": written,
        }
    )
    library = Library(kino_paths)
    library.add_roots([str(root / "Movies")], "movies")
    library.scan()  # takes the NFO's resume point
    nfo = root / "Movies/Long (2020)/Long (2020).nfo"
    before = nfo.stat().st_mtime_ns
    output = run_kino("export", "--format", "nfo", "--write-beside-media").stdout
    assert output.startswith("exported 0 NFO files"), output
    assert nfo.read_text() == written and nfo.stat().st_mtime_ns == before
