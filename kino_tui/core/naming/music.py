"""Music laid out in folders: ``Artist/Album (Year)/[CD1/]NN - Title.ext`` (tags win)."""

from __future__ import annotations

from kino_tui.core.naming import rules
from kino_tui.core.naming.records import TrackNameInfo
from kino_tui.core.naming.titles import split_title_year, stem


def parse_track_path(name: str, folders: tuple[str, ...]) -> TrackNameInfo:
    """``Artist/Album (Year)/[CD1/]NN - Title.ext`` when the tags say nothing."""
    info = TrackNameInfo()
    folders = tuple(folders)
    if folders and (disc := rules.DISC_FOLDER.match(folders[-1].strip())):
        info.disc = int(disc.group(1))
        folders = folders[:-1]
    if folders:
        album, year, _ = split_title_year(folders[-1])
        info.album, info.year = album or None, year
    if len(folders) >= 2:
        info.artist = folders[-2]
    file_stem = stem(name)
    match = rules.TRACK_STEM.match(file_stem)
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
