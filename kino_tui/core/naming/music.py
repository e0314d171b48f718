"""Music laid out in folders: ``Artist/Album (Year)/[CD1/]NN - Title.ext`` (tags win).

Also ``Artist - Album (Year)/``, albums with the year first (``1986 - Album``,
``[1991] Album``), ``Artist - NN - Title`` files, and compilations (``Various Artists/``,
``VA/``, ``Compilations/``) whose files name each track's artist: ``NN - Artist - Title``.
"""

from __future__ import annotations

from kino_tui.core.naming import rules
from kino_tui.core.naming.records import TrackNameInfo
from kino_tui.core.naming.titles import split_title_year, stem


def _album(folder: str) -> tuple[str | None, str | None, int | None]:
    """(artist, album, year) from an album folder's name."""
    artist = None
    match = rules.ARTIST_ALBUM_FOLDER.match(folder)
    year_first = rules.YEAR_FIRST_ALBUM.match(folder)
    if year_first and split_title_year(folder)[1] is None:
        return None, year_first["album"].strip() or None, int(year_first["year"])
    if match:
        artist, folder = match["artist"].strip(), match["album"]
    album, year, _ = split_title_year(folder)
    return artist, album or None, year


def parse_track_path(name: str, folders: tuple[str, ...]) -> TrackNameInfo:
    """``Artist/Album (Year)/[CD1/]NN - Title.ext`` when the tags say nothing."""
    info = TrackNameInfo()
    folders = tuple(folders)
    if folders and (disc := rules.DISC_FOLDER.match(folders[-1].strip())):
        info.disc = int(disc.group(1))
        folders = folders[:-1]
    folder_artist = None
    if folders:
        folder_artist, info.album, info.year = _album(folders[-1])
    if folder_artist:
        info.artist = folder_artist
    elif len(folders) >= 2:
        info.artist = folders[-2]
    compilation = (info.artist or "").strip().lower() in rules.COMPILATION_FOLDERS
    file_stem = stem(name)
    by_artist = rules.ARTIST_TRACK_STEM.match(file_stem)
    match = rules.TRACK_STEM.match(file_stem)
    if by_artist and not match:
        info.track = int(by_artist["track"])
        info.artist = info.artist or by_artist["artist"].strip()
        title = by_artist["title"].strip()
    elif match:
        info.track = int(match["track1"] or match["track2"])
        if match["disc"]:
            info.disc = int(match["disc"])
        title = match["title"].strip() or file_stem
    else:
        title = file_stem
    if info.artist and title.lower().startswith(info.artist.lower() + " - "):
        title = title[len(info.artist) + 3 :]
    elif compilation and " - " in title:
        artist, _, title = title.partition(" - ")
        info.artist = artist.strip() or info.artist
    info.title = title.strip() or file_stem
    return info
