"""Records of the catalog: media items, their streams and watch progress."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import MISSING, asdict, dataclass, field, fields
from operator import attrgetter
from typing import Any, Literal, NamedTuple

Kind = Literal["movie", "episode", "track", "video", "extra"]
KINDS: tuple[str, ...] = ("movie", "episode", "track", "video", "extra")
RootType = Literal["movies", "shows", "music", "mixed"]
ROOT_TYPES: tuple[str, ...] = ("movies", "shows", "music", "mixed")


class AudioTrack(NamedTuple):
    """One audio stream of a video, or the stream of a music file."""

    codec: str | None = None
    channels: int | None = None
    language: str | None = None
    title: str | None = None
    default: bool = False


class SubtitleTrack(NamedTuple):
    """An embedded subtitle stream, or an external subtitle file beside the video."""

    language: str | None = None
    codec: str | None = None
    external: bool = False
    forced: bool = False
    path: str | None = None
    title: str | None = None
    default: bool = False


class Segment(NamedTuple):
    """A part of a video a viewer may skip (see ``core/skipping``): seconds from the start,
    and its kind: intro, recap, credits, preview (from chapter titles), cut or commercial
    (from an ``.edl`` file)."""

    start: float
    end: float
    kind: str


class CastMember(NamedTuple):
    """One actor of a film or an episode, from its NFO, in billing order. ``thumb`` is kept
    only when it is a local file (kino never fetches pictures from the internet)."""

    name: str
    role: str | None = None
    thumb: str | None = None


@dataclass(slots=True)
class Progress:
    """How far the user got in one item (kept in the watch-state store)."""

    position: float = 0.0
    duration: float | None = None
    watched: bool = False
    play_count: int = 0
    last_played: str | None = None


@dataclass(slots=True)
class MediaItem:
    """One playable thing in the catalog: a movie (maybe in parts), an episode, a track…

    Every field is always present; unknown values are ``None``.
    """

    # Field order is storage order: catalog rows drop trailing default values, so the
    # fields every file has come first and the rarely known ones last.
    id: str
    kind: Kind
    path: str
    root: str
    parts: list[str] = field(default_factory=list)
    title: str | None = None
    year: int | None = None
    added: str | None = None
    size: int = 0
    mtime: float = 0.0
    inode: int = 0
    device: int = 0
    fingerprint: str | None = None
    available: bool = True
    duration: float | None = None
    container: str | None = None
    bitrate: int | None = None
    audio: list[AudioTrack] = field(default_factory=list)
    video_codec: str | None = None
    width: int | None = None
    height: int | None = None
    frame_rate: float | None = None
    series: str | None = None
    season: int | None = None
    episode: int | None = None
    artist: str | None = None
    album: str | None = None
    album_artist: str | None = None
    track: int | None = None
    disc: int | None = None
    genres: list[str] = field(default_factory=list)
    subtitles: list[SubtitleTrack] = field(default_factory=list)
    poster: str | None = None
    show_poster: str | None = None  # an episode's show (its poster is the season's, if any)
    embedded_cover: bool = False
    plot: str | None = None
    rating: float | None = None
    runtime: int | None = None
    ids: dict[str, str] = field(default_factory=dict)
    hdr: str | None = None
    original_title: str | None = None
    sort_title: str | None = None
    edition: str | None = None
    episode_end: int | None = None
    air_date: str | None = None
    fanart: str | None = None
    thumb: str | None = None
    nfo: str | None = None
    extra_type: str | None = None
    extra_of: str | None = None
    extra_owner: str | None = None
    error: str | None = None
    segments: list[Segment] = field(default_factory=list)
    # what an NFO says beyond the above (issue 21); last, so an item without one stores none
    tagline: str | None = None
    certification: str | None = None
    premiered: str | None = None
    collection: str | None = None
    studios: list[str] = field(default_factory=list)
    directors: list[str] = field(default_factory=list)
    writers: list[str] = field(default_factory=list)
    cast: list[CastMember] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    ratings: dict[str, float] = field(default_factory=dict)
    season_title: str | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MediaItem:
        """Build an item from its stored form, ignoring keys this version does not know."""
        values = {key: data[key] for key in _ITEM_FIELDS if key in data}
        values["audio"] = [AudioTrack(**a) for a in data.get("audio") or ()]
        values["subtitles"] = [SubtitleTrack(**s) for s in data.get("subtitles") or ()]
        values["segments"] = [Segment(**s) for s in data.get("segments") or ()]
        values["cast"] = [CastMember(**c) for c in data.get("cast") or ()]
        return cls(**values)

    @classmethod
    def from_row(cls, row: list[Any]) -> MediaItem:
        """Build an item from its packed catalog row (values in :data:`ROW_FIELDS` order;
        missing trailing values take their defaults)."""
        length = len(row)
        if length > _AUDIO_INDEX and row[_AUDIO_INDEX]:
            row[_AUDIO_INDEX] = [AudioTrack(*values) for values in row[_AUDIO_INDEX]]
        if length > _SUBTITLES_INDEX and row[_SUBTITLES_INDEX]:
            row[_SUBTITLES_INDEX] = [SubtitleTrack(*values) for values in row[_SUBTITLES_INDEX]]
        if length > _SEGMENTS_INDEX and row[_SEGMENTS_INDEX]:
            row[_SEGMENTS_INDEX] = [Segment(*values) for values in row[_SEGMENTS_INDEX]]
        if length > _CAST_INDEX and row[_CAST_INDEX]:
            row[_CAST_INDEX] = [CastMember(*values) for values in row[_CAST_INDEX]]
        return cls(*row)

    def to_row(self) -> list[Any]:
        """The packed catalog form: values in :data:`ROW_FIELDS` order, trailing defaults
        left out (they are most of a row, and each costs time to parse)."""
        row = [getattr(self, name) for name in ROW_FIELDS]
        row[_AUDIO_INDEX] = [_packed_track(track) for track in self.audio]
        row[_SUBTITLES_INDEX] = [_packed_track(track) for track in self.subtitles]
        row[_SEGMENTS_INDEX] = [list(segment) for segment in self.segments]
        row[_CAST_INDEX] = [_packed_track(member) for member in self.cast]
        end = len(row)
        while end > _MIN_ROW and _is_default(row[end - 1], _DEFAULTS[end - 1]):
            end -= 1
        del row[end:]
        return row

    def to_dict(self) -> dict[str, Any]:
        """The stored (and ``kino ls --json``) form of the item."""
        # attrgetter and zip run in C: a quarter of the time of a comprehension (``kino ls
        # --json`` makes 250,000 of these)
        data = dict(zip(_ITEM_FIELDS, _ALL_VALUES(self), strict=True))
        data["audio"] = [dict(zip(AUDIO_FIELDS, t, strict=True)) for t in self.audio]
        data["subtitles"] = [dict(zip(SUBTITLE_FIELDS, t, strict=True)) for t in self.subtitles]
        data["segments"] = [dict(zip(SEGMENT_FIELDS, s, strict=True)) for s in self.segments]
        # the cast as ``ls --json`` promises it: name and role, in billing order
        data["cast"] = [{"name": m.name, "role": m.role} for m in self.cast]
        data["parts"] = list(self.parts)
        for name in _TEXT_LISTS:
            data[name] = list(getattr(self, name))
        data["ids"] = dict(self.ids)
        data["ratings"] = dict(self.ratings)
        return data

    @property
    def folder(self) -> str:
        """The folder that holds the item's first part."""
        return self.path.rpartition("/")[0] or "/"

    @property
    def display_title(self) -> str:
        """A human title: tags and NFOs first, then what the name told us."""
        return self.title or self.path.rpartition("/")[2]


_ITEM_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(MediaItem))
#: Field order of packed catalog rows (stored in the catalog, so it may change safely).
ROW_FIELDS = _ITEM_FIELDS
AUDIO_FIELDS: tuple[str, ...] = AudioTrack._fields
SUBTITLE_FIELDS: tuple[str, ...] = SubtitleTrack._fields
SEGMENT_FIELDS: tuple[str, ...] = Segment._fields
_ALL_VALUES = attrgetter(*_ITEM_FIELDS)
_AUDIO_INDEX = ROW_FIELDS.index("audio")
PATH_INDEX = ROW_FIELDS.index("path")
ROOT_INDEX = ROW_FIELDS.index("root")
PARTS_INDEX = ROW_FIELDS.index("parts")
_SUBTITLES_INDEX = ROW_FIELDS.index("subtitles")
_SEGMENTS_INDEX = ROW_FIELDS.index("segments")
_CAST_INDEX = ROW_FIELDS.index("cast")
CAST_FIELDS: tuple[str, ...] = CastMember._fields
#: The fields that hold lists of text.
_TEXT_LISTS = ("genres", "studios", "directors", "writers", "tags", "countries")
TEXT_LIST_FIELDS = _TEXT_LISTS
_MIN_ROW = PARTS_INDEX + 1  # id, kind, path, root and parts are always stored


def _default_of(item_field: Any) -> Any:
    if item_field.default is not MISSING:
        return item_field.default
    if item_field.default_factory is not MISSING:
        return item_field.default_factory()
    return MISSING


_DEFAULTS: tuple[Any, ...] = tuple(_default_of(f) for f in fields(MediaItem))


_ITEM_DEFAULTS = dict(zip(_ITEM_FIELDS, _DEFAULTS, strict=True))
_AUDIO_DEFAULTS = AudioTrack()._asdict()
_SUBTITLE_DEFAULTS = SubtitleTrack()._asdict()


def _filled(
    defaults: dict[str, Any], names: tuple[str, ...], values: Iterable[Any]
) -> dict[str, Any]:
    """``defaults`` with the first of ``names`` set to ``values`` (a copy of a dict of the
    same size and an update: half the time of building it from the values and the rest)."""
    data = defaults.copy()
    data.update(zip(names, values))  # noqa: B905 (a short row leaves out trailing defaults)
    return data


#: Audio streams as dicts, by their packed values: a library's tracks have a handful of
#: kinds between them (codec, channels…), so ``kino ls --json`` makes each dict once.
_AUDIO_DICTS: dict[tuple[Any, ...], dict[str, Any]] = {}


def _audio_dict(values: list[Any]) -> dict[str, Any]:
    key = tuple(values)
    found = _AUDIO_DICTS.get(key)
    if found is None:
        if len(_AUDIO_DICTS) > 4096:  # (videos' titled streams: never many kept)
            _AUDIO_DICTS.clear()
        found = _AUDIO_DICTS[key] = _filled(_AUDIO_DEFAULTS, AUDIO_FIELDS, values)
    return found


def dict_of_row(row: list[Any]) -> dict[str, Any]:
    """``MediaItem.from_row(row).to_dict()`` without making the item: what ``kino ls
    --json`` prints for each of 250,000 rows (values in :data:`ROW_FIELDS` order, root,
    path and parts filled in). The dict is made to be printed and dropped: its lists are
    the row's own (or shared empty defaults), not copies; change none of them."""
    data = _filled(_ITEM_DEFAULTS, _ITEM_FIELDS, row)
    audio, subtitles, segments, cast = (
        data["audio"],
        data["subtitles"],
        data["segments"],
        data["cast"],
    )
    if audio:
        data["audio"] = [_audio_dict(t) for t in audio]
    if subtitles:
        data["subtitles"] = [_filled(_SUBTITLE_DEFAULTS, SUBTITLE_FIELDS, t) for t in subtitles]
    if segments:
        data["segments"] = [dict(zip(SEGMENT_FIELDS, s, strict=True)) for s in segments]
    if cast:
        data["cast"] = [{"name": c[0], "role": c[1] if len(c) > 1 else None} for c in cast]
    return data


def _packed_track(track: tuple[Any, ...]) -> list[Any]:
    """A stream's values without its trailing unset ones (None, False): the title and
    flags most streams lack cost nothing in the catalog."""
    values = list(track)
    while values and (values[-1] is None or values[-1] is False):
        values.pop()
    return values


def _is_default(value: Any, default: Any) -> bool:
    return value is default or (type(value) is type(default) and value == default)


@dataclass(frozen=True, slots=True)
class Problem:
    """Something the scan could not read; recorded, never fatal."""

    path: str
    message: str


@dataclass(slots=True)
class ScanSummary:
    """What one scan changed, as printed by ``kino scan`` (and ``--json``)."""

    added: int = 0
    updated: int = 0
    moved: int = 0
    removed: int = 0
    unavailable: int = 0
    unchanged: int = 0
    errors: int = 0
    seconds: float = 0.0
    problems: list[Problem] = field(default_factory=list)
    #: Set when the catalog was damaged and set aside (the scan rebuilt it): says where.
    warning: str | None = None
    #: The scan was stopped (cancelled, or a signal) before it finished: what it read is
    #: kept, and the next scan reads the rest.
    stopped: bool = False
    #: Media files read (probed or reused) in changed folders, of those it had to read.
    files_read: int = 0
    files_to_read: int = 0

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of the summary."""
        data = asdict(self)
        data["seconds"] = round(self.seconds, 3)
        return data


@dataclass(frozen=True, slots=True)
class ScanProgress:
    """Where a scan is: ``phase`` is "walking" or "reading"."""

    phase: str
    done: int
    total: int
    path: str = ""


@dataclass(frozen=True, slots=True)
class LibraryRoot:
    """A folder the user pointed kino at, with the content type that guides naming."""

    path: str
    type: RootType = "mixed"
    #: Follow symlinks that lead outside this folder (``follow_links = true`` in its
    #: ``[[roots]]`` table); by default they are listed as problems and not followed.
    follow_links: bool = False
    #: Scan again every this many minutes (``rescan_minutes`` in its ``[[roots]]`` table;
    #: 0 never). None: only network mounts are, every 10 minutes (see core/watcher.py).
    rescan_minutes: float | None = None
    #: The name other boxes know this library by in a shared database (``name = "…"`` in
    #: its ``[[roots]]`` table). None: the folder's last path component.
    name: str | None = None
