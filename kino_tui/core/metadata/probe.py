"""Read stream facts from media files: pymediainfo for video, mutagen for audio.

Each probe returns plain field values for :class:`~kino_tui.core.models.MediaItem`
and an error message instead of raising: a damaged file is indexed, not fatal.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass, field
from typing import Any

from kino_tui.core.display import is_utf8
from kino_tui.core.metadata.languages import normalise_language
from kino_tui.core.models import AudioTrack, SubtitleTrack

FINGERPRINT_CHUNK = 64 * 1024

_VIDEO_CODECS = {
    "avc": "h264",
    "hevc": "hevc",
    "vp9": "vp9",
    "vp8": "vp8",
    "av1": "av1",
    "mpeg-4 visual": "mpeg4",
    "vc-1": "vc1",
    "prores": "prores",
    "theora": "theora",
    "ffv1": "ffv1",
}
_AUDIO_CODECS = {
    "aac": "aac",
    "ac-3": "ac3",
    "e-ac-3": "eac3",
    "dts": "dts",
    "mlp fba": "truehd",
    "flac": "flac",
    "opus": "opus",
    "vorbis": "vorbis",
    "pcm": "pcm",
    "alac": "alac",
    "wma": "wmav2",
}
_SUBTITLE_CODECS = {
    "utf-8": "subrip",
    "ass": "ass",
    "ssa": "ssa",
    "pgs": "hdmv_pgs_subtitle",
    "vobsub": "dvd_subtitle",
    "timed text": "mov_text",
    "webvtt": "webvtt",
    "dvb subtitle": "dvb_subtitle",
}


@dataclass(slots=True)
class ProbeResult:
    """Facts read from one file; ``error`` says what could not be read."""

    duration: float | None = None
    width: int | None = None
    height: int | None = None
    video_codec: str | None = None
    hdr: str | None = None
    frame_rate: float | None = None
    container: str | None = None
    bitrate: int | None = None
    audio: list[AudioTrack] = field(default_factory=list)
    subtitles: list[SubtitleTrack] = field(default_factory=list)
    tags: dict[str, Any] = field(default_factory=dict)
    embedded_cover: bool = False
    #: Chapters (start in seconds, title), from the container's menu.
    chapters: list[tuple[float, str]] = field(default_factory=list)
    error: str | None = None


def fingerprint(path: str, size: int) -> str | None:
    """A hash of the size and the first and last 64 KiB: recognises a moved file."""
    digest = hashlib.blake2b(str(size).encode(), digest_size=12)
    try:
        with open(path, "rb") as handle:
            digest.update(handle.read(FINGERPRINT_CHUNK))
            if size > FINGERPRINT_CHUNK:
                handle.seek(max(FINGERPRINT_CHUNK, size - FINGERPRINT_CHUNK))
                digest.update(handle.read(FINGERPRINT_CHUNK))
    except OSError:
        return None
    return digest.hexdigest()


def describe_error(error: BaseException, path: str = "") -> str:
    """What went wrong, in words, never empty: the error's message without the file's own
    path (the problem is recorded under that path already), or, for the many mutagen
    errors raised with no message, what kind of error it was and what caused it."""
    text = (error.strerror if isinstance(error, OSError) else None) or str(error).strip()
    if path:
        for quoted in (repr(path), f'"{path}"', path):
            text = text.replace(quoted, "").strip(" :")
    if text:
        return text
    name = type(error).__name__
    module = type(error).__module__ or ""
    if name.lower() == "error":  # mutagen's format modules call theirs plain "error"
        name = f"{module.rsplit('.', 1)[0] if module.endswith('._util') else module} error"
    if "id3" in module.lower():
        name = f"damaged ID3 tag ({name})"
    cause = error.__cause__ or error.__context__
    if isinstance(cause, (EOFError, OSError)) and not str(cause).strip():
        return f"{name}: the file ends before the data its header announces"
    if cause is not None and str(cause).strip():
        return f"{name}: {describe_error(cause, path)}"
    return name


def _why_unreadable(error: BaseException, path: str) -> str:
    """libmediainfo says only "An error occured while opening … with libmediainfo",
    whatever the cause: the system's own reason when the file cannot be opened (no
    permission, gone, an I/O error), else what that means for a file that opens."""
    if isinstance(error, OSError):
        return describe_error(error, path)
    try:
        with open(path, "rb") as handle:
            handle.read(1)
    except OSError as cause:
        return describe_error(cause, path)
    if "with libmediainfo" in str(error):
        return "libmediainfo could not read it (damaged, or not a media file)"
    return describe_error(error, path)


#: Tag and stream numbers outside this range are nonsense (a track number of 1e30 once
#: crashed the catalog's save).
_LARGEST = 10**12


def _number(value: Any, kind: type = float) -> Any:
    if value in (None, ""):
        return None
    try:
        number = float(str(value).split("/")[0].split()[0])
    except (ValueError, IndexError):
        return None
    if not math.isfinite(number) or abs(number) > _LARGEST:
        return None
    return int(number) if kind is int else kind(number)


def _yes(value: Any) -> bool:
    return str(value or "").lower() == "yes"


def _text(value: Any) -> str | None:
    """A stream's title as text (None when empty)."""
    text = str(value).strip() if value is not None else ""
    return text or None


def _video_codec(track: Any) -> str | None:
    name = (track.format or "").lower()
    if name == "mpeg video":
        return "mpeg1video" if str(track.format_version or "").endswith("1") else "mpeg2video"
    return _VIDEO_CODECS.get(name, name or None)


def _audio_codec(track: Any) -> str | None:
    name = (track.format or "").lower()
    if name == "mpeg audio":
        layer = str(track.format_profile or "")
        return {"Layer 3": "mp3", "Layer 2": "mp2", "Layer 1": "mp1"}.get(layer, "mp3")
    return _AUDIO_CODECS.get(name, name or None)


def _hdr(track: Any) -> str | None:
    compatibility = track.hdr_format_compatibility
    if compatibility:
        return str(compatibility).split("/")[0].strip()
    if track.hdr_format:
        return str(track.hdr_format).split("/")[0].strip()
    transfer = str(track.transfer_characteristics or "")
    if "HLG" in transfer:
        return "HLG"
    if "PQ" in transfer or "2084" in transfer:
        return "HDR10"
    return None


def probe_video(path: str, size: int) -> ProbeResult:
    """Container, duration, video, audio and subtitle streams of a video file."""
    if size == 0:
        return ProbeResult(error="empty file (0 bytes)")
    from pymediainfo import MediaInfo  # deferred: loads a shared library

    try:
        # parse_speed=0 reads headers only (full output keeps durations in plain numbers).
        if path.isprintable() and is_utf8(path):
            info = MediaInfo.parse(path, parse_speed=0)
        else:  # libmediainfo cannot open a name that is not UTF-8: hand it the open file
            with open(path, "rb") as handle:
                info = MediaInfo.parse(handle, parse_speed=0)
    except Exception as error:  # libmediainfo reports failures as generic errors
        return ProbeResult(error=f"cannot read media: {_why_unreadable(error, path)}")
    result = ProbeResult()
    general = info.general_tracks[0] if info.general_tracks else None
    if general is not None:
        result.container = general.format
        result.bitrate = _number(general.overall_bit_rate, int)
        milliseconds = _number(general.duration)
        result.duration = round(milliseconds / 1000, 3) if milliseconds else None
    if info.video_tracks:
        video = info.video_tracks[0]
        result.width = _number(video.width, int)
        result.height = _number(video.height, int)
        result.video_codec = _video_codec(video)
        result.frame_rate = _number(video.frame_rate)
        result.hdr = _hdr(video)
        if result.duration is None and (milliseconds := _number(video.duration)):
            result.duration = round(milliseconds / 1000, 3)
    result.audio = [
        AudioTrack(
            codec=_audio_codec(track),
            channels=_number(track.channel_s, int),
            language=normalise_language(track.language),
            title=_text(track.title),
            default=_yes(track.default),
        )
        for track in info.audio_tracks
    ]
    result.subtitles = [
        SubtitleTrack(
            language=normalise_language(track.language),
            codec=_SUBTITLE_CODECS.get((track.format or "").lower(), (track.format or "").lower()),
            forced=_yes(track.forced),
            title=_text(track.title),
            default=_yes(track.default),
        )
        for track in info.text_tracks
    ]
    if info.menu_tracks:
        result.chapters = _chapters(info.menu_tracks[-1].to_data())
    if not info.video_tracks:
        result.error = "no video stream found: the file is damaged or not a video"
    elif general is not None and str(getattr(general, "istruncated", "") or "") == "Yes":
        result.error = "the file is truncated"
    return result


_CHAPTER_KEY = re.compile(r"(\d+)_(\d\d)_(\d\d)(\d{3})")


def _chapters(menu: dict[str, Any]) -> list[tuple[float, str]]:
    """Chapters of MediaInfo's menu track: keys like ``00_05_12345`` (the time
    ``00:05:12.345``) hold the titles (the menu already read with the headers: no cost)."""
    chapters = []
    for key, title in menu.items():
        match = _CHAPTER_KEY.fullmatch(key)
        if match and isinstance(title, str):
            hours, minutes, seconds, milliseconds = map(int, match.groups())
            start = hours * 3600 + minutes * 60 + seconds + milliseconds / 1000
            chapters.append((start, title))
    return sorted(chapters)


def probe_audio(path: str, size: int) -> ProbeResult:
    """Duration, codec and tags (with embedded-cover detection) of a music file."""
    if size == 0:
        return ProbeResult(error="empty file (0 bytes)")
    try:
        audio = open_audio(path)
    except Exception as error:  # mutagen raises many format-specific errors
        return ProbeResult(error=f"cannot read audio: {describe_error(error, path)}")
    if audio is None:
        return ProbeResult(error="not a recognised audio file")
    info = audio.info
    result = ProbeResult(
        duration=round(info.length, 3) if getattr(info, "length", None) else None,
        bitrate=getattr(info, "bitrate", None) or None,
    )
    codec = _mutagen_codec(audio)
    result.audio = [AudioTrack(codec=codec, channels=getattr(info, "channels", None))]
    result.container = type(audio).__name__
    result.tags, result.embedded_cover = read_tags(audio)
    return result


def open_audio(path: str) -> Any:
    """What ``mutagen.File(path)`` gives, sooner in the usual cases: a ``.mp3`` that begins
    with an ID3 tag is an MP3 to it (MP3 scores 3 there, every other type at most 2), a
    ``.flac`` that begins with ``fLaC`` a FLAC (4, the others at most 1). Those skip
    mutagen's scoring of every type it knows (a quarter of reading a tagged MP3:
    ``tests/core/metadata/test_probe.py`` checks the scores and that both agree)."""
    import mutagen  # mutagen loads on the first audio file

    lower = path.lower()
    if lower.endswith((".mp3", ".flac")):
        with open(path, "rb") as handle:
            header = handle.read(4)
            handle.seek(0)
            if lower.endswith(".mp3") and header.startswith(b"ID3"):
                from mutagen.mp3 import MP3

                return MP3(handle, filename=path)
            if lower.endswith(".flac") and header.startswith(b"fLaC"):
                from mutagen.flac import FLAC

                return FLAC(handle, filename=path)
    return mutagen.File(path)


def _mutagen_codec(audio: Any) -> str | None:
    name = type(audio).__name__
    if name == "MP4":
        return "alac" if "alac" in str(getattr(audio.info, "codec", "")).lower() else "aac"
    return {
        "MP3": "mp3",
        "EasyMP3": "mp3",
        "FLAC": "flac",
        "OggVorbis": "vorbis",
        "OggOpus": "opus",
        "OggFLAC": "flac",
        "WAVE": "pcm",
        "AIFF": "pcm",
        "ASF": "wmav2",
        "MonkeysAudio": "ape",
        "WavPack": "wavpack",
    }.get(name, name.lower())


_ID3_KEYS = {
    "artist": "TPE1",
    "album_artist": "TPE2",
    "album": "TALB",
    "title": "TIT2",
    "track": "TRCK",
    "disc": "TPOS",
    "year": "TDRC",
    "genre": "TCON",
}
_MP4_KEYS = {
    "artist": "\xa9ART",
    "album_artist": "aART",
    "album": "\xa9alb",
    "title": "\xa9nam",
    "track": "trkn",
    "disc": "disk",
    "year": "\xa9day",
    "genre": "\xa9gen",
}
_VORBIS_KEYS = {
    "artist": "artist",
    "album_artist": "albumartist",
    "album": "album",
    "title": "title",
    "track": "tracknumber",
    "disc": "discnumber",
    "year": "date",
    "genre": "genre",
}
_ASF_KEYS = {
    "artist": "Author",
    "album_artist": "WM/AlbumArtist",
    "album": "WM/AlbumTitle",
    "title": "Title",
    "track": "WM/TrackNumber",
    "disc": "WM/PartOfSet",
    "year": "WM/Year",
    "genre": "WM/Genre",
}


def _values(raw: Any) -> list[str]:
    if raw is None:
        return []
    items = getattr(raw, "text", raw)
    if not isinstance(items, list):
        items = [items]
    values = []
    for value in items:
        if isinstance(value, tuple):  # MP4 trkn/disk: (number, total)
            value = value[0]
        text = str(getattr(value, "value", value)).strip()
        if text:
            values.append(text)
    return values


def read_tags(audio: Any) -> tuple[dict[str, Any], bool]:
    """Common tags of any mutagen file, and whether it embeds a cover picture."""
    tags = audio.tags
    if tags is None:
        return {}, bool(getattr(audio, "pictures", None))
    kind = type(tags).__name__
    if kind == "ID3":
        keys = _ID3_KEYS
        cover = any(key.startswith("APIC") for key in tags)
    elif kind == "MP4Tags":
        keys = _MP4_KEYS
        cover = "covr" in tags
    elif kind == "ASFTags" or type(audio).__name__ == "ASF":
        keys = _ASF_KEYS
        cover = "WM/Picture" in tags
    else:
        keys = _VORBIS_KEYS
        cover = bool(getattr(audio, "pictures", None)) or "metadata_block_picture" in tags
    found: dict[str, Any] = {}
    for name, key in keys.items():
        try:
            raw = tags.get(key)
        except (KeyError, ValueError):
            raw = None
        if raw is None and name == "album_artist" and keys is _VORBIS_KEYS:
            raw = tags.get("album artist")
        values = _values(raw)
        if not values:
            continue
        if name == "genre":
            found["genres"] = [g.strip() for v in values for g in v.split(";") if g.strip()]
        elif name in ("track", "disc"):
            found[name] = _number(values[0].split("/")[0], int)
        elif name == "year":
            found[name] = _number(values[0][:4], int)
        else:
            found[name] = values[0]
    return found, cover
