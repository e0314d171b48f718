"""Files that sit beside media: artwork and external subtitles, found by name."""

from __future__ import annotations

from collections.abc import Iterable

from kino_tui.core.metadata.languages import normalise_language
from kino_tui.core.models import SubtitleTrack
from kino_tui.core.naming import extension, stem

IMAGE_EXTENSIONS = frozenset({"jpg", "jpeg", "png", "webp", "tbn", "gif", "bmp"})
SUBTITLE_CODECS = {
    "srt": "subrip",
    "ass": "ass",
    "ssa": "ssa",
    "vtt": "webvtt",
    "sub": "microdvd",
    "idx": "dvd_subtitle",
    "sup": "hdmv_pgs_subtitle",
    "smi": "sami",
}
_SUBTITLE_FLAGS = {"forced", "sdh", "cc", "hi", "default", "full", "signs"}

MOVIE_POSTERS = ("poster", "folder", "cover", "default", "movie")
SHOW_POSTERS = ("poster", "folder", "cover", "show")
SEASON_POSTERS = ("poster", "folder", "cover")
ALBUM_COVERS = ("cover", "folder", "front", "album")
FANART = ("fanart", "backdrop", "background", "art")


class FolderImages:
    """The images in one folder, looked up by base name, case-insensitively."""

    def __init__(self, folder: str, names: Iterable[str]) -> None:
        self.folder = folder
        self._by_base: dict[str, str] = {}
        for name in sorted(names):
            if extension(name) in IMAGE_EXTENSIONS:
                self._by_base.setdefault(stem(name).lower(), name)

    def find(self, *bases: str) -> str | None:
        """Path of the first image whose base name is one of ``bases``."""
        for base in bases:
            name = self._by_base.get(base.lower())
            if name:
                return f"{self.folder}/{name}"
        return None

    def only(self) -> str | None:
        """The folder's one image, when it has exactly one (an album's scan named
        anything, ``Kind of Blue.jpg``): the album's picture."""
        if len(self._by_base) != 1:
            return None
        (name,) = self._by_base.values()
        return f"{self.folder}/{name}"


def external_subtitles(folder: str, video_name: str, names: Iterable[str]) -> list[SubtitleTrack]:
    """``Movie.en.srt``, ``Movie.forced.ass``, ``Movie.srt`` beside ``Movie.mkv``."""
    video_stem = stem(video_name)
    lowered = video_stem.lower()
    found = []
    for name in sorted(names):
        codec = SUBTITLE_CODECS.get(extension(name))
        if codec is None:
            continue
        name_stem = stem(name)
        if name_stem.lower() == lowered:
            tokens: list[str] = []
        elif name_stem.lower().startswith(lowered + "."):
            tokens = name_stem[len(video_stem) + 1 :].split(".")
        else:
            continue
        flags = {token.lower() for token in tokens if token.lower() in _SUBTITLE_FLAGS}
        language = next(
            (
                code
                for token in tokens
                if token.lower() not in _SUBTITLE_FLAGS
                and (code := normalise_language(token)) is not None
            ),
            None,
        )
        found.append(
            SubtitleTrack(
                language=language,
                codec=codec,
                external=True,
                forced="forced" in flags,
                path=f"{folder}/{name}",
            )
        )
    return found


def edl_file(folder: str, video_name: str, lowered: dict[str, str]) -> str | None:
    """The Kodi/MPlayer ``Movie.edl`` beside ``Movie.mkv`` (any case), from the folder's
    names by their lower-case form; None when there is none."""
    name = lowered.get(f"{stem(video_name)}.edl".lower())
    return f"{folder}/{name}" if name else None
