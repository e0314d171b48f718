"""Turn one folder's listing into catalog items: names, probes, NFOs, artwork, subtitles.

A folder is the unit of work: stacking, extras, own-folder artwork and NFO lookup
all depend on a file's neighbours. Functions here are pure apart from reading the
files they are given, so they run unchanged in worker processes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from kino_tui.core.catalog.compact import PackedItem
from kino_tui.core.metadata.nfo import NfoInfo
from kino_tui.core.metadata.probe import ProbeResult, fingerprint, probe_audio, probe_video
from kino_tui.core.metadata.sidecars import (
    ALBUM_COVERS,
    FANART,
    MOVIE_POSTERS,
    SEASON_POSTERS,
    SHOW_POSTERS,
    SUBTITLE_CODECS,
    FolderImages,
    edl_file,
    external_subtitles,
)
from kino_tui.core.models import LibraryRoot, MediaItem, Problem, Segment
from kino_tui.core.naming import (
    NameInfo,
    PathContext,
    disc_of_folder,
    extension,
    is_audio,
    is_video,
    parse_track_path,
    parse_video,
    season_of_folder,
    stack_files,
    stacked_title_source,
    stem,
)
from kino_tui.core.pathnames import parent_folder
from kino_tui.core.play.skipping import EDL_KINDS, read_edl, segments_from_chapters
from kino_tui.core.scan.nfo_fields import (
    MusicNfos,
    apply_item_nfo,
    apply_season_nfo,
    apply_show_nfo,
    music_nfos,
    read_nfo,
)

#: Fields read from a file's content, reused while its size and mtime hold.
VIDEO_PROBED_FIELDS = [
    "duration",
    "width",
    "height",
    "video_codec",
    "hdr",
    "frame_rate",
    "container",
    "bitrate",
    "audio",
    "subtitles",
    "fingerprint",
    "error",
    "segments",
]
TRACK_PROBED_FIELDS = [
    "duration",
    "container",
    "bitrate",
    "audio",
    "embedded_cover",
    "fingerprint",
    "error",
    "title",
    "artist",
    "album",
    "album_artist",
    "track",
    "disc",
    "year",
    "genres",
]


class FileEntry(NamedTuple):
    """One file as the walk saw it (a tuple: the walk makes tens of thousands)."""

    name: str
    size: int
    mtime: float
    inode: int
    device: int


@dataclass(slots=True)
class FolderJob:
    """Everything needed to read one folder's media without walking again."""

    path: str
    root: LibraryRoot
    folders: tuple[str, ...]
    files: list[FileEntry]
    parent_names: tuple[str, ...] = ()
    grandparent_names: tuple[str, ...] = ()
    previous: dict[tuple[str, ...], MediaItem] = field(default_factory=dict)


@dataclass(slots=True)
class FolderResult:
    """The items read from one folder and the problems met on the way."""

    path: str
    items: list[MediaItem]
    problems: list[Problem]
    probed: int = 0
    failed: bool = False
    #: New items the scan keeps as rows (see ``core/catalog/compact.py``), not in ``items``
    packed: list[PackedItem] = field(default_factory=list)


def analyse_folder(job: FolderJob) -> FolderResult:
    """Read every media item in one folder."""
    result = FolderResult(job.path, [], [])
    entries = {entry.name: entry for entry in job.files}
    names = sorted(entries)
    images = FolderImages(job.path, names)
    shows_root = job.root.type == "shows" and len(job.folders) > 1  # bare-number seasons
    in_season = bool(job.folders) and season_of_folder(job.folders[-1], shows_root) is not None
    show_names = job.parent_names if in_season else tuple(names)
    context = PathContext(
        job.root.path, job.root.type, job.folders, show_folder_has_nfo="tvshow.nfo" in show_names
    )
    infos = {name: parse_video(name, context) for name in names if is_video(name)}
    stackable = [n for n, i in infos.items() if i.kind in ("movie", "video")]
    groups = stack_files(stackable) + [
        [n] for n, i in infos.items() if i.kind not in ("movie", "video")
    ]
    own_folder = bool(job.folders) and len(stackable) > 0 and len(stack_files(stackable)) == 1
    # Built once a folder: per item they made a folder of 6,000 videos quadratic.
    listing = _Listing(
        names,
        {name.lower(): name for name in names},
        [name for name in names if extension(name) in SUBTITLE_CODECS],
        images,
        FolderImages(parent_folder(job.path), job.parent_names) if in_season else images,
    )
    for group in sorted(groups):
        info = infos[group[0]]
        if len(group) > 1:
            info = parse_video(stacked_title_source(group[0]), context)
        item = _video_item(job, group, info, entries, result)
        _apply_video_sidecars(job, item, info, group, listing, own_folder, in_season, result)
        result.items.append(item)
    tracks = [name for name in names if is_audio(name)]
    nfos = _music_nfos(job, names, result) if tracks else MusicNfos()
    for name in tracks:
        item = _track_item(job, name, entries[name], names, images, result)
        nfos.apply(item)
        result.items.append(item)
    return result


def _music_nfos(job: FolderJob, names: list[str], result: FolderResult) -> MusicNfos:
    parent = parent_folder(job.path)
    in_disc = bool(job.folders) and disc_of_folder(job.folders[-1]) is not None
    return music_nfos(
        job.path,
        names,
        parent,
        job.parent_names,
        parent_folder(parent),
        job.grandparent_names,
        in_disc,
        result.problems,
    )


def _new_item(job: FolderJob, kind: str, parts: list[str], entries: list[FileEntry]) -> MediaItem:
    first = entries[0]
    return MediaItem(
        id="",
        kind=kind,  # type: ignore[arg-type]
        path=parts[0],
        root=job.root.path,
        parts=parts,
        size=sum(entry.size for entry in entries),
        mtime=max(entry.mtime for entry in entries),
        inode=first.inode,
        device=first.device,
    )


def _reusable(job: FolderJob, item: MediaItem) -> MediaItem | None:
    old = job.previous.get(tuple(item.parts))
    if old is not None and old.size == item.size and old.mtime == item.mtime:
        return old
    return None


def _copy_fields(source: MediaItem, target: MediaItem, names: list[str]) -> None:
    for name in names:
        setattr(target, name, getattr(source, name))


def _video_item(
    job: FolderJob,
    group: list[str],
    info: NameInfo,
    entries: dict[str, FileEntry],
    result: FolderResult,
) -> MediaItem:
    parts = [f"{job.path}/{name}" for name in group]
    item = _new_item(job, info.kind, parts, [entries[name] for name in group])
    old = _reusable(job, item)
    if old is not None:
        _copy_fields(old, item, VIDEO_PROBED_FIELDS)
    else:
        probes = [
            probe_video(path, entries[name].size) for path, name in zip(parts, group, strict=True)
        ]
        result.probed += len(parts)
        _merge_probes(item, probes)
        item.fingerprint = fingerprint(parts[0], entries[group[0]].size)
        if item.error:
            result.problems.append(Problem(item.path, item.error))
    item.title = info.title
    item.year = info.year
    item.edition = info.edition
    item.series = info.series
    item.season = info.season
    item.episode = info.episode
    item.episode_end = info.episode_end
    item.air_date = info.air_date
    item.extra_type = info.extra_type
    item.extra_owner = (
        f"{job.root.path}/{info.extra_owner}".rstrip("/") if info.kind == "extra" else None
    )
    if info.kind == "extra" and not info.extra_owner:
        item.extra_owner = job.root.path
    item.ids = dict(info.ids)
    return item


def _merge_probes(item: MediaItem, probes: list[ProbeResult]) -> None:
    first = probes[0]
    durations = [p.duration for p in probes]
    item.duration = round(sum(d for d in durations if d), 3) if all(durations) else first.duration
    item.width, item.height = first.width, first.height
    item.video_codec, item.hdr, item.frame_rate = first.video_codec, first.hdr, first.frame_rate
    item.container, item.bitrate = first.container, first.bitrate
    item.audio, item.subtitles = list(first.audio), list(first.subtitles)
    item.segments = _timeline_segments(probes, item.duration)
    errors = [
        f"part {n}: {p.error}" if len(probes) > 1 else p.error
        for n, p in enumerate(probes, 1)
        if p.error
    ]
    item.error = "; ".join(e for e in errors if e) or None


def _timeline_segments(probes: list[ProbeResult], duration: float | None) -> list[Segment]:
    """Skippable segments of the item's chapters, on the timeline of all its parts (part
    two's chapters start after part one's length); credits and previews count only in
    the last part (the item's end). When a part's length is unknown, only the first
    part's intros and recaps are kept."""
    if len(probes) == 1:
        return segments_from_chapters(probes[0].chapters, probes[0].duration)
    if not all(probe.duration for probe in probes):
        first = segments_from_chapters(probes[0].chapters, probes[0].duration)
        return [segment for segment in first if segment.kind not in ("credits", "preview")]
    chapters: list[tuple[float, str]] = []
    offset = 0.0
    for probe in probes:
        chapters += [(offset + start, title) for start, title in probe.chapters]
        offset += probe.duration or 0.0
        chapters.append((offset, ""))  # a part's last chapter ends with the part
    last_part = offset - (probes[-1].duration or 0.0)
    return [  # only the last part's credits are the item's end
        segment
        for segment in segments_from_chapters(chapters, duration)
        if segment.kind not in ("credits", "preview") or segment.start >= last_part
    ]


def _read_nfo(path: str, result: FolderResult) -> NfoInfo | None:
    """An NFO's content; a bad NFO is a recorded problem and the names still count."""
    return read_nfo(path, result.problems)


@dataclass(slots=True)
class _Listing:
    """One folder's names as the sidecar lookups need them, built once per folder."""

    names: list[str]
    lowered: dict[str, str]
    subtitles: list[str]
    images: FolderImages
    show_images: FolderImages


def _apply_video_sidecars(
    job: FolderJob,
    item: MediaItem,
    info: NameInfo,
    group: list[str],
    listing: _Listing,
    own_folder: bool,
    in_season: bool,
    result: FolderResult,
) -> None:
    names, lowered, images = listing.names, listing.lowered, listing.images
    video_stem = stem(group[0])
    stacked_stem = stem(stacked_title_source(group[0]))
    item.subtitles = [s for s in item.subtitles if not s.external]
    for name in group:
        item.subtitles.extend(external_subtitles(job.path, name, listing.subtitles))
    # the .edl beside the video is read afresh (it changes the folder's listing)
    item.segments = [s for s in item.segments if s.kind not in EDL_KINDS]
    edl = edl_file(job.path, group[0], lowered) if len(group) == 1 else None
    if edl:
        item.segments = sorted([*item.segments, *read_edl(edl, item.frame_rate)])

    nfo_names = [f"{video_stem}.nfo", f"{stacked_stem}.nfo"]
    if own_folder and info.kind in ("movie", "video"):
        nfo_names.append("movie.nfo")
    nfo_name = next((lowered[n.lower()] for n in nfo_names if n.lower() in lowered), None)
    nfo = _read_nfo(f"{job.path}/{nfo_name}", result) if nfo_name else None
    if nfo_name:
        item.nfo = f"{job.path}/{nfo_name}"

    if info.kind == "episode":
        show_path = parent_folder(job.path) if in_season else job.path
        show_names = job.parent_names if in_season else tuple(names)
        show_images = listing.show_images
        if "tvshow.nfo" in show_names:
            show = _read_nfo(f"{show_path}/tvshow.nfo", result)
            if show is not None:
                apply_show_nfo(item, show)
        if in_season and "season.nfo" in lowered:
            season_nfo = _read_nfo(f"{job.path}/{lowered['season.nfo']}", result)
            if season_nfo is not None:
                apply_season_nfo(item, season_nfo)
        season = item.season
        season_bases = (
            [f"season{season:02d}-poster", f"season{season}-poster"] if season is not None else []
        )
        if season == 0:
            season_bases.insert(0, "season-specials-poster")
        item.thumb = images.find(f"{video_stem}-thumb", video_stem)
        item.show_poster = show_images.find(*SHOW_POSTERS)
        item.poster = (
            (images.find(*SEASON_POSTERS) if in_season else None)
            or show_images.find(*season_bases)
            or item.show_poster
        )
        item.fanart = images.find(f"{video_stem}-fanart") or show_images.find(*FANART)
        if nfo is not None:
            apply_item_nfo(item, nfo, episode=True)
        return

    bases = [f"{video_stem}-poster", f"{stacked_stem}-poster", video_stem, stacked_stem]
    fanart_bases = [f"{video_stem}-fanart", f"{stacked_stem}-fanart"]
    if own_folder:
        bases += list(MOVIE_POSTERS)
        fanart_bases += list(FANART)
    item.poster = images.find(*bases)
    item.fanart = images.find(*fanart_bases)
    if nfo is not None:
        apply_item_nfo(item, nfo, episode=False)


def _track_item(
    job: FolderJob,
    name: str,
    entry: FileEntry,
    names: list[str],
    images: FolderImages,
    result: FolderResult,
) -> MediaItem:
    path = f"{job.path}/{name}"
    item = _new_item(job, "track", [path], [entry])
    old = _reusable(job, item)
    if old is not None:
        _copy_fields(old, item, TRACK_PROBED_FIELDS)
    else:
        probe = probe_audio(path, entry.size)
        result.probed += 1
        fallback = parse_track_path(name, job.folders)
        tags = probe.tags
        item.duration, item.bitrate, item.container = probe.duration, probe.bitrate, probe.container
        item.audio = list(probe.audio)
        item.embedded_cover = probe.embedded_cover
        item.error = probe.error
        item.title = tags.get("title") or fallback.title
        item.artist = tags.get("artist") or fallback.artist
        item.album_artist = tags.get("album_artist")
        item.album = tags.get("album") or fallback.album
        item.track = tags.get("track") or fallback.track
        item.disc = tags.get("disc") or fallback.disc
        item.year = tags.get("year") or fallback.year
        item.genres = list(tags.get("genres", []))
        item.fingerprint = fingerprint(path, entry.size)
        if item.error:
            result.problems.append(Problem(path, item.error))
    # a cover by name, else the album folder's one image (the embedded cover is the
    # UI's last resort: ``embedded_cover``)
    item.poster = images.find(f"{stem(name)}-cover", *ALBUM_COVERS) or images.only()
    if item.poster is None and job.folders and disc_of_folder(job.folders[-1]) is not None:
        above = FolderImages(parent_folder(job.path), job.parent_names)
        item.poster = above.find(*ALBUM_COVERS) or above.only()
    return item
