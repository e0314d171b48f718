"""Read movies, episodes, extras and music from paths, the way Jellyfin, Kodi and Plex do.

Clean, conventional names are read with a few exact rules (fast, predictable);
release-style names (``Title.2010.1080p.BluRay.x264-GRP``) go to guessit, which
exists for them. Nothing here touches the disk: callers pass paths and folder
listings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from kino_tui.core.models import Kind, RootType

VIDEO_EXTENSIONS = frozenset(
    [
        "mkv",
        "mp4",
        "m4v",
        "avi",
        "mov",
        "wmv",
        "mpg",
        "mpeg",
        "ts",
        "m2ts",
        "mts",
        "webm",
        "flv",
        "ogv",
        "vob",
        "iso",
        "divx",
        "xvid",
        "3gp",
        "rmvb",
    ]
)
AUDIO_EXTENSIONS = frozenset(
    [
        "mp3",
        "flac",
        "ogg",
        "oga",
        "opus",
        "m4a",
        "aac",
        "wav",
        "wma",
        "alac",
        "aiff",
        "aif",
        "ape",
        "wv",
        "mka",
    ]
)

EXTRA_FOLDERS: dict[str, str] = {
    "behind the scenes": "behindthescenes",
    "deleted scenes": "deleted",
    "interviews": "interview",
    "scenes": "scene",
    "samples": "sample",
    "sample": "sample",
    "shorts": "short",
    "featurettes": "featurette",
    "featurette": "featurette",
    "clips": "clip",
    "other": "other",
    "extras": "extra",
    "extra": "extra",
    "trailers": "trailer",
    "trailer": "trailer",
    "theme-music": "theme",
    "backdrops": "backdrop",
}
_EXTRA_SUFFIX = re.compile(
    r"(?:[-._](?P<loose>trailer|sample)|-(?P<strict>scene|clip|interview|behindthescenes|"
    r"deleted|deletedscene|featurette|short|other|extra))(?:[-._ ]?\d{1,2})?$",
    re.IGNORECASE,
)
_EXTRA_SUFFIX_TYPES = {"deletedscene": "deleted"}
_EXTRA_STEMS = {"trailer": "trailer", "sample": "sample"}

_SEASON_FOLDER = re.compile(
    r"^(?:season|series|saison|staffel|temporada|s)[ ._-]*(\d{1,4})(?:\s*[(\[].*)?$", re.IGNORECASE
)
_SPECIALS_FOLDER = re.compile(r"^specials?$", re.IGNORECASE)

_SXXEYY = re.compile(
    r"(?<![a-z0-9])s(\d{1,4})[ ._-]?e(\d{1,4})(?P<more>(?:[ ._-]?-?[ ._-]?e\d{1,4})*)"
    r"(?:-(?P<dash>\d{1,3})(?![0-9pi]))?",
    re.IGNORECASE,
)
_NXNN = re.compile(r"(?<![a-z0-9])(\d{1,2})x(\d{2,3})(?:[-_]x?(\d{2,3}))?(?![0-9])", re.IGNORECASE)
_AIR_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})[-._ ](\d{2})[-._ ](\d{2})(?!\d)")
_LEADING_EPISODE = re.compile(r"^(?:e|ep|episode)?[ ._-]*(\d{1,4})(?=$|[ ._-])", re.IGNORECASE)
_ABSOLUTE_EPISODE = re.compile(
    r"\s-\s(?!(?:19|20)\d{2}\b)(\d{1,4})(?:v\d)?(?=\s*(?:$|\[|\(|-))", re.IGNORECASE
)
_CRC = re.compile(r"[0-9A-Fa-f]{8}")
_GROUP_PREFIX = re.compile(r"^\[[^\]]+\]\s*")
_BRACKETS = re.compile(r"\[[^\]]*\]|\{[^}]*\}")
_IDS = re.compile(
    r"[\[{](?P<kind>imdb|tmdb|tvdb)(?:id)?[-=](?P<value>(?:tt)?\d+)[\]}]", re.IGNORECASE
)
_YEAR = re.compile(
    r"^(?P<title>.+)(?:^|[ ._])[(\[]?(?P<year>(?:19|20)\d{2})[)\]]?(?P<rest>(?:[ ._-].*)?)$"
)
_RELEASE_TOKENS = re.compile(
    r"(?<![a-z0-9])(?:480p|576p|720p|1080[pi]|2160p|4k|uhd|blu-?ray|bdrip|brrip|bdremux|remux|"
    r"web-?dl|webrip|web|hdtv|dvdrip|dvdscr|hdrip|x264|x265|h\.?26[45]|hevc|avc|xvid|divx|"
    r"aac|ac3|dts|ddp?5\.1|hdr10?|proper|repack)(?![a-z0-9])",
    re.IGNORECASE,
)
_STACK = re.compile(
    r"^(?P<base>.*?)(?:^|[ ._-]+)(?P<word>cd|dvd|part|pt|disc|disk)[ ._-]*"
    r"(?P<number>\d{1,2}|[a-d])(?![a-z0-9])(?P<rest>.*)$",
    re.IGNORECASE,
)
_DISC_FOLDER = re.compile(r"^(?:cd|disc|disk)[ ._-]*(\d{1,2})$", re.IGNORECASE)
_TRACK_STEM = re.compile(
    r"^(?:(?P<disc>\d)[-.](?P<track1>\d{2})|(?P<track2>\d{1,3}))(?:[ ._]*-?[ ._]*)(?P<title>.*)$"
)


@dataclass(slots=True)
class NameInfo:
    """What a video's path says about it."""

    kind: Kind = "video"
    title: str | None = None
    year: int | None = None
    edition: str | None = None
    series: str | None = None
    season: int | None = None
    episode: int | None = None
    episode_end: int | None = None
    air_date: str | None = None
    extra_type: str | None = None
    extra_owner: str | None = None
    ids: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class TrackNameInfo:
    """What a music file's path says about it (tags win over this)."""

    title: str | None = None
    artist: str | None = None
    album: str | None = None
    year: int | None = None
    track: int | None = None
    disc: int | None = None


def extension(name: str) -> str:
    """Lower-case extension without the dot."""
    return name.rpartition(".")[2].lower() if "." in name else ""


def stem(name: str) -> str:
    """File name without its extension."""
    return name.rpartition(".")[0] if "." in name else name


def is_video(name: str) -> bool:
    return extension(name) in VIDEO_EXTENSIONS


def is_audio(name: str) -> bool:
    return extension(name) in AUDIO_EXTENSIONS


def _drop_tag(match: re.Match[str]) -> str:
    inner = match.group(0)[1:-1]
    leading_group = match.start() == 0 and match.string[match.end() : match.end() + 1] in " ._"
    if _RELEASE_TOKENS.search(inner) or _CRC.fullmatch(inner) or leading_group:
        return " "
    return match.group(0)


def clean_title(text: str) -> str:
    """Turn ``Some.Show_Name -`` into ``Some Show Name``.

    Bracketed release tags (``[720p]``, ``[A1B2C3D4]``, a leading ``[Group]``) are
    dropped; other brackets are part of the title and stay.
    """
    text = _BRACKETS.sub(_drop_tag, text)
    if " " not in text.strip():
        text = text.replace(".", " ").replace("_", " ")
    else:
        text = text.replace("_", " ")
    text = re.sub(r"\s+", " ", text)
    return text.strip(" -.,")


def split_title_year(text: str) -> tuple[str, int | None, str | None]:
    """``Film (2010) - Directors Cut`` → ("Film", 2010, "Directors Cut")."""
    text = _IDS.sub(" ", text)
    match = _YEAR.match(text.strip())
    if match and match.group("title").strip(" ._-([") and _plausible_year(int(match["year"])):
        title = clean_title(match.group("title"))
        rest = match.group("rest").strip(" ._")
        edition = rest[1:].strip() if rest.startswith("-") else None
        return title, int(match["year"]), edition or None
    return clean_title(text), None, None


def _plausible_year(year: int) -> bool:
    return 1900 <= year <= date.today().year + 2


def find_ids(*texts: str) -> dict[str, str]:
    """Provider ids written into names: ``[imdbid-tt0106145]``, ``{tmdb-65567}``."""
    found: dict[str, str] = {}
    for text in texts:
        for match in _IDS.finditer(text):
            found.setdefault(match["kind"].lower(), match["value"])
    return found


def season_of_folder(name: str) -> int | None:
    """``Season 01`` → 1, ``Specials`` → 0, anything else → None."""
    if _SPECIALS_FOLDER.match(name):
        return 0
    match = _SEASON_FOLDER.match(name.strip())
    return int(match.group(1)) if match else None


def disc_of_folder(name: str) -> int | None:
    """``CD1`` / ``Disc 2`` → the disc number, anything else → None."""
    match = _DISC_FOLDER.match(name.strip())
    return int(match.group(1)) if match else None


def extra_type_of_folder(name: str) -> str | None:
    return EXTRA_FOLDERS.get(name.strip().lower())


def looks_like_release(name: str) -> bool:
    """Does the name carry release tags (resolution, source, codec)?"""
    return bool(_RELEASE_TOKENS.search(name))


@lru_cache(maxsize=4096)
def _guess(name: str, kind: str | None) -> dict[str, Any]:
    import guessit  # deferred: importing it costs ~0.3 s

    options = {"type": kind} if kind else {}
    try:
        return dict(guessit.guessit(name, options))
    except Exception:  # guessit raises its own internal errors on odd input
        return {}


def _episode_markers(text: str) -> tuple[int | None, int | None, int | None, int]:
    """(season, episode, episode_end, index where the marker starts) or Nones and -1."""
    match = _SXXEYY.search(text)
    if match:
        season, episode = int(match.group(1)), int(match.group(2))
        more = [int(n) for n in re.findall(r"\d+", match.group("more") or "")]
        if match.group("dash"):
            more.append(int(match.group("dash")))
        end = max(more) if more and max(more) > episode else None
        return season, episode, end, match.start()
    match = _NXNN.search(text)
    if match:
        season, episode = int(match.group(1)), int(match.group(2))
        end = int(match.group(3)) if match.group(3) and int(match.group(3)) > episode else None
        return season, episode, end, match.start()
    return None, None, None, -1


@dataclass(frozen=True, slots=True)
class PathContext:
    """Where a file sits: its root, the folders between, and what the folders are."""

    root: str
    root_type: RootType
    folders: tuple[str, ...]  # folder names from the root down to the file's folder
    show_folder_has_nfo: bool = False

    @property
    def parent(self) -> str | None:
        return self.folders[-1] if self.folders else None


def _show_folder(context: PathContext) -> tuple[str | None, int | None]:
    """The show folder's name (and its index in ``folders``) when the file sits in one."""
    folders = context.folders
    if not folders:
        return None, None
    if season_of_folder(folders[-1]) is not None:
        return (folders[-2], len(folders) - 2) if len(folders) >= 2 else (None, None)
    parent = folders[-1]
    if _SXXEYY.search(parent) or _NXNN.search(parent):
        return None, None  # a release folder, not a show
    return parent, len(folders) - 1


def parse_video(name: str, context: PathContext) -> NameInfo:
    """Classify one video file name in its folder context."""
    file_stem = stem(name)
    folders = context.folders
    info = NameInfo(ids=find_ids(file_stem, *folders[-2:]))

    # Extras: by folder, by suffix, by a bare "trailer.mkv".
    for index in range(len(folders) - 1, max(len(folders) - 3, -1), -1):
        extra = extra_type_of_folder(folders[index])
        if extra:
            info.kind, info.extra_type = "extra", extra
            info.extra_owner = "/".join(folders[:index])
            info.title = clean_title(file_stem)
            return info
    suffix = _EXTRA_SUFFIX.search(file_stem)
    bare = _EXTRA_STEMS.get(file_stem.strip().lower())
    if suffix or bare:
        info.kind = "extra"
        if suffix:
            word = (suffix.group("loose") or suffix.group("strict")).lower()
            info.extra_type = _EXTRA_SUFFIX_TYPES.get(word, word)
            owner_stem = file_stem[: suffix.start()]
        else:
            info.extra_type, owner_stem = bare, ""
        info.extra_owner = "/".join(folders)
        info.title = clean_title(file_stem) if owner_stem else file_stem
        return info

    if context.root_type != "music" and _parse_episode(file_stem, context, info):
        return info
    _parse_movie(file_stem, context, info)
    return info


def _parse_episode(file_stem: str, context: PathContext, info: NameInfo) -> bool:
    folders = context.folders
    folder_season = season_of_folder(folders[-1]) if folders else None
    show_name, _ = _show_folder(context)
    bare_stem = _GROUP_PREFIX.sub("", file_stem)
    in_show_tree = (
        folder_season is not None or context.root_type == "shows" or context.show_folder_has_nfo
    )

    season, episode, episode_end, start = _episode_markers(bare_stem)
    prefix = bare_stem[:start] if start >= 0 else ""
    if episode is None:
        air = _AIR_DATE.search(bare_stem)
        if air and _valid_date(air):
            info.air_date = f"{air.group(1)}-{air.group(2)}-{air.group(3)}"
            prefix = bare_stem[: air.start()]
            if not (in_show_tree or prefix.strip(" ._-")):
                info.air_date = None
                return False
        elif in_show_tree or bare_stem != file_stem:
            absolute = _ABSOLUTE_EPISODE.search(bare_stem)
            leading = _LEADING_EPISODE.match(bare_stem) if in_show_tree else None
            if absolute:
                episode, prefix = int(absolute.group(1)), bare_stem[: absolute.start()]
            elif leading and folder_season is not None:
                episode, prefix = int(leading.group(1)), ""
            elif looks_like_release(bare_stem) and in_show_tree:
                guess = _guess(bare_stem, "episode")
                episode = _first_int(guess.get("episode"))
                season = _first_int(guess.get("season"))
                prefix = str(guess.get("title") or "")
            if episode is None:
                return False
        else:
            return False
    info.kind = "episode"
    info.season = season if season is not None else folder_season
    info.episode, info.episode_end = episode, episode_end
    prefix_title, prefix_year, _ = split_title_year(prefix)
    show_title, show_year, _ = split_title_year(show_name) if show_name else ("", None, None)
    if show_title and (in_show_tree or not prefix_title or _same_name(prefix_title, show_title)):
        info.series, info.year = show_title, show_year
        info.ids = {**find_ids(show_name or ""), **info.ids}
    else:
        info.series, info.year = prefix_title or show_title or None, prefix_year
    remainder = bare_stem[start:] if start >= 0 else ""
    title = re.sub(r"^\S+\s*-\s*", "", remainder) if " - " in remainder else ""
    info.title = clean_title(title) or None
    return True


def _same_name(a: str, b: str) -> bool:
    def squash(text: str) -> str:
        return re.sub(r"[^a-z0-9]", "", text.lower())

    return squash(a) == squash(b)


def _valid_date(match: re.Match[str]) -> bool:
    try:
        date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return False
    return True


def _first_int(value: Any) -> int | None:
    if isinstance(value, list):
        value = value[0] if value else None
    return value if isinstance(value, int) else None


def _parse_movie(file_stem: str, context: PathContext, info: NameInfo) -> None:
    folders = context.folders
    parent = folders[-1] if folders else None
    if parent and _DISC_FOLDER.match(parent) and len(folders) >= 2:
        parent = folders[-2]  # Film (2010)/CD1/film.avi
    title, year, edition = _title_year(file_stem)
    if year is None and parent:
        folder_title, folder_year, _ = _title_year(parent)
        if folder_year:
            title, year = folder_title or title, folder_year
    info.title = title or clean_title(file_stem)
    info.year = year
    info.edition = edition
    movie_like = year is not None or looks_like_release(file_stem)
    if context.root_type == "movies" or (context.root_type == "mixed" and movie_like):
        info.kind = "movie"
    else:
        info.kind = "video"


def _title_year(text: str) -> tuple[str | None, int | None, str | None]:
    """Title, year and edition: exact rules first, guessit for release names without them."""
    title, year, edition = split_title_year(text)
    if year is None and looks_like_release(text):
        guess = _guess(text, "movie")
        guessed_year = guess.get("year")
        return (
            str(guess["title"]) if guess.get("title") else title,
            guessed_year if isinstance(guessed_year, int) else None,
            None,
        )
    return title, year, edition


def stack_key(name: str) -> tuple[str, int] | None:
    """``Film cd2.avi`` → ("film|cd|.avi", 2): files with one key form one item."""
    match = _STACK.match(stem(name))
    if not match:
        return None
    number = match["number"].lower()
    part = int(number) if number.isdigit() else ord(number) - ord("a") + 1
    word = match["word"].lower()
    family = {"pt": "part", "disk": "disc"}.get(word, word)
    key = f"{match['base'].lower()}|{family}|{match['rest'].lower()}|{extension(name)}"
    return key, part


def stack_files(names: list[str]) -> list[list[str]]:
    """Group a folder's video names into items: stacked parts together, in order."""
    groups: dict[str, list[tuple[int, str]]] = {}
    singles: list[list[str]] = []
    for name in names:
        key = stack_key(name)
        if key is None:
            singles.append([name])
        else:
            groups.setdefault(key[0], []).append((key[1], name))
    for members in groups.values():
        numbers = [number for number, _ in members]
        if len(members) >= 2 and len(set(numbers)) == len(numbers):
            singles.append([name for _, name in sorted(members)])
        else:
            singles.extend([name] for _, name in members)
    return sorted(singles, key=lambda group: group[0])


def stacked_title_source(first_part: str) -> str:
    """The name a stacked item is read from: ``Film (2010) cd1.avi`` → ``Film (2010).avi``."""
    match = _STACK.match(stem(first_part))
    if not match:
        return first_part
    return f"{match['base']}{match['rest']}.{extension(first_part)}"


def parse_track_path(name: str, folders: tuple[str, ...]) -> TrackNameInfo:
    """``Artist/Album (Year)/[CD1/]NN - Title.ext`` when the tags say nothing."""
    info = TrackNameInfo()
    folders = tuple(folders)
    if folders and (disc := _DISC_FOLDER.match(folders[-1])):
        info.disc = int(disc.group(1))
        folders = folders[:-1]
    if folders:
        album, year, _ = split_title_year(folders[-1])
        info.album, info.year = album or None, year
    if len(folders) >= 2:
        info.artist = folders[-2]
    file_stem = stem(name)
    match = _TRACK_STEM.match(file_stem)
    if match and (match["title"] or "").strip():
        info.track = int(match["track1"] or match["track2"])
        if match["disc"]:
            info.disc = int(match["disc"])
        title = match["title"].strip()
    else:
        title = file_stem
    if info.artist and title.lower().startswith(info.artist.lower() + " - "):
        title = title[len(info.artist) + 3 :]
    info.title = title.strip() or file_stem
    return info
