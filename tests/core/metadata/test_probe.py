"""Every probed field is checked against ffprobe's own reading of the same file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kino_tui.core.metadata.languages import normalise_language
from kino_tui.core.metadata.probe import fingerprint, probe_audio, probe_video
from tests.conftest import ffprobe
from tests.helpers.players import as_nobody

VIDEOS = ["h264.mkv", "hevc.mp4", "vp9.webm", "mpeg4.avi"]
SONGS = ["song.mp3", "song.flac", "song.m4a", "song.ogg"]


def _streams(info: dict, kind: str) -> list[dict]:
    return [s for s in info["streams"] if s["codec_type"] == kind and not _is_cover(s)]


def _is_cover(stream: dict) -> bool:
    return bool(stream.get("disposition", {}).get("attached_pic"))


@pytest.mark.parametrize("name", VIDEOS)
def test_video_fields_match_ffprobe(media: dict[str, Path], name: str) -> None:
    path = media[name]
    result = probe_video(str(path), path.stat().st_size)
    expected = ffprobe(path)
    video = _streams(expected, "video")[0]
    assert result.error is None
    assert result.width == video["width"]
    assert result.height == video["height"]
    assert result.video_codec == video["codec_name"]
    numerator, denominator = video["r_frame_rate"].split("/")
    assert result.frame_rate == pytest.approx(int(numerator) / int(denominator), rel=1e-3)
    assert result.duration == pytest.approx(float(expected["format"]["duration"]), abs=0.1)
    audio = _streams(expected, "audio")
    assert [t.codec for t in result.audio] == [s["codec_name"] for s in audio]
    assert [t.channels for t in result.audio] == [s["channels"] for s in audio]
    assert [t.language for t in result.audio] == [
        normalise_language(s.get("tags", {}).get("language")) for s in audio
    ]
    subtitles = _streams(expected, "subtitle")
    assert [t.codec for t in result.subtitles] == [s["codec_name"] for s in subtitles]
    assert [t.language for t in result.subtitles] == [
        normalise_language(s.get("tags", {}).get("language")) for s in subtitles
    ]
    assert result.bitrate == pytest.approx(int(expected["format"]["bit_rate"]), rel=0.1)


def test_language_tags_are_read(media: dict[str, Path]) -> None:
    result = probe_video(str(media["h264.mkv"]), media["h264.mkv"].stat().st_size)
    assert [t.language for t in result.audio] == ["eng", "fre"]
    assert [t.language for t in result.subtitles] == ["ger", "spa"]
    assert [t.channels for t in result.audio] == [2, 6]


@pytest.mark.parametrize("name", SONGS)
def test_audio_fields_match_ffprobe(media: dict[str, Path], name: str) -> None:
    path = media[name]
    result = probe_audio(str(path), path.stat().st_size)
    expected = ffprobe(path)
    stream = _streams(expected, "audio")[0]
    tags = {k.lower(): v for k, v in expected["format"].get("tags", {}).items()}
    tags.update({k.lower(): v for k, v in stream.get("tags", {}).items()})
    assert result.error is None
    assert result.duration == pytest.approx(float(expected["format"]["duration"]), abs=0.05)
    assert result.audio[0].codec == stream["codec_name"]
    assert result.audio[0].channels == stream["channels"]
    assert result.tags["artist"] == tags["artist"]
    assert result.tags["album"] == tags["album"]
    assert result.tags["title"] == tags["title"]
    assert result.tags["album_artist"] == tags.get("album_artist", tags.get("albumartist"))
    assert result.tags["track"] == int(
        tags.get("track", tags.get("tracknumber", "0")).split("/")[0]
    )
    assert result.tags["disc"] == int(tags.get("disc", tags.get("discnumber", "0")).split("/")[0])
    assert result.tags["year"] == int(tags.get("date", tags.get("year", ""))[:4])
    assert result.tags["genres"] == [tags["genre"]]
    assert result.embedded_cover is True


def test_untagged_audio_has_no_cover(media: dict[str, Path]) -> None:
    result = probe_audio(str(media["plain.mp3"]), media["plain.mp3"].stat().st_size)
    assert result.error is None
    assert result.tags == {}
    assert result.embedded_cover is False


def test_damaged_files_are_errors_not_exceptions(tmp_path: Path, media: dict[str, Path]) -> None:
    empty = tmp_path / "empty.mkv"
    empty.write_bytes(b"")
    noise = tmp_path / "noise.mkv"
    noise.write_bytes(bytes(range(256)) * 300)
    fake_song = tmp_path / "fake.mp3"
    fake_song.write_bytes(b"\x00not audio" * 50)
    assert probe_video(str(empty), 0).error == "empty file (0 bytes)"
    assert "no video stream" in (probe_video(str(noise), noise.stat().st_size).error or "")
    assert probe_audio(str(fake_song), fake_song.stat().st_size).error


def test_truncated_video_still_probes_or_reports(tmp_path: Path, media: dict[str, Path]) -> None:
    data = media["h264.mkv"].read_bytes()
    cut = tmp_path / "cut.mkv"
    cut.write_bytes(data[: len(data) // 3])
    result = probe_video(str(cut), cut.stat().st_size)
    assert result.video_codec == "h264" or result.error


def test_fingerprint_is_content_based(tmp_path: Path, media: dict[str, Path]) -> None:
    a = tmp_path / "a.mkv"
    b = tmp_path / "b.mkv"
    a.write_bytes(media["h264.mkv"].read_bytes())
    b.write_bytes(media["h264.mkv"].read_bytes())
    size = a.stat().st_size
    assert fingerprint(str(a), size) == fingerprint(str(b), size)
    b.write_bytes(media["h264.mkv"].read_bytes()[:-1] + b"X")
    assert fingerprint(str(a), size) != fingerprint(str(b), size)


def test_a_broken_id3_tag_is_an_error_that_says_what(
    tmp_path: Path, media: dict[str, Path]
) -> None:
    """An ID3 header whose size runs past the end of the file: mutagen raises an error with
    no message, and the recorded error must still say what went wrong."""
    data = bytearray(media["song.mp3"].read_bytes())
    assert data[:3] == b"ID3"
    data[6:10] = b"\x7f\x7f\x7f\x7f"  # the tag's (synchsafe) size: 256 MB
    broken = tmp_path / "broken.mp3"
    broken.write_bytes(bytes(data))
    error = probe_audio(str(broken), len(data)).error or ""
    assert error.startswith("cannot read audio: ")
    reason = error.removeprefix("cannot read audio: ")
    assert reason.strip(" :") and "ID3" in reason, error
    assert str(broken) not in error  # the path is the problem's own, not repeated in its text


def test_every_probe_error_names_its_cause(tmp_path: Path) -> None:
    from kino_tui.core.metadata.probe import describe_error

    class Silent(Exception):
        pass

    assert describe_error(Silent()) == "Silent"
    assert describe_error(ValueError("'/x/a.mp3' bad frame"), "/x/a.mp3") == "bad frame"
    assert describe_error(OSError(5, "Input/output error")) == "Input/output error"


def _mutagen_kinds() -> list[type]:
    """Every type ``mutagen.File`` scores (easy=False), as it lists them."""
    import mutagen
    from mutagen import (  # noqa: F401 (imported: each module's types are FileType's)
        aac,
        ac3,
        aiff,
        apev2,
        asf,
        dsdiff,
        dsf,
        flac,
        id3,
        monkeysaudio,
        mp3,
        mp4,
        musepack,
        oggflac,
        oggopus,
        oggspeex,
        oggtheora,
        oggvorbis,
        optimfrog,
        smf,
        tak,
        trueaudio,
        wave,
        wavpack,
    )  # fmt: skip

    found: list[type] = []
    pending = list(mutagen.FileType.__subclasses__())
    while pending:
        kind = pending.pop()
        pending += kind.__subclasses__()
        if "score" in vars(kind) and not kind.__name__.startswith("Easy"):
            found.append(kind)
    return found


@pytest.mark.parametrize(
    ("name", "start", "winner"), [("x.mp3", b"ID3", "MP3"), ("x.flac", b"fLaC", "FLAC")]
)
def test_open_audio_skips_scoring_only_where_mutagen_cannot_choose_otherwise(
    tmp_path: Path, name: str, start: bytes, winner: str
) -> None:
    # a header after the magic holding every other type's magic: the winner still wins
    magic = b"ID3TTAfLaCOggSFORMRIFFWAVEftypmp4ADIFMAC MP+MPCKOFRtBaKwvpkDSD FRM8MThd\x0bw"
    header = (start + magic).ljust(128, b"\0")
    path = tmp_path / name
    path.write_bytes(header)
    with open(path, "rb") as handle:
        scores = {k.__name__: k.score(str(path), handle, header) for k in _mutagen_kinds()}
    best = scores.pop(winner)
    assert len(scores) > 20 and best > max(scores.values()), (best, scores)


@pytest.mark.parametrize("name", ["song.mp3", "song.flac", "plain.mp3", "song.m4a", "song.ogg"])
def test_open_audio_is_what_mutagen_file_gives(media: dict[str, Path], name: str) -> None:
    import mutagen

    from kino_tui.core.metadata.probe import open_audio

    expected, found = mutagen.File(media[name]), open_audio(str(media[name]))
    assert type(found) is type(expected)
    assert found.info.pprint() == expected.info.pprint()
    assert dict(found.tags or {}) == dict(expected.tags or {})


def test_an_unreadable_video_says_why_not_libmediainfos_words(
    public_dir: Path, media: dict[str, Path]
) -> None:
    """libmediainfo's own message was "An error occured while opening  with
    libmediainfo" for a file kino may not read: the system's reason is said instead."""
    locked = public_dir / "locked.mkv"
    shutil.copyfile(media["h264.mkv"], locked)
    size = locked.stat().st_size
    locked.chmod(0o000)

    def probe() -> None:
        result = probe_video(str(locked), size)
        assert result.error == "cannot read media: Permission denied", result.error

    # libmediainfo and ctypes loaded first: nobody cannot read this Python's own folder
    assert probe_video(str(media["h264.mkv"]), media["h264.mkv"].stat().st_size).error is None
    try:
        as_nobody(probe)  # root reads any file: as nobody the permission applies
    finally:
        locked.unlink()
