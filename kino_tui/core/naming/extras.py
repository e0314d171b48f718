"""Extras: trailers, featurettes, deleted scenes… by folder, by suffix, by a bare name.

Jellyfin's and Plex's conventions: an extras folder (``Trailers/``, ``Behind The Scenes/``)
inside the movie's or show's folder, or a suffix on the file (``Film (2010)-trailer.mkv``,
``Film.2010.sample.mkv``), or a file named just ``trailer.mkv``.
"""

from __future__ import annotations

from kino_tui.core.naming import rules
from kino_tui.core.naming.folders import extra_type_of_folder
from kino_tui.core.naming.records import NameInfo, PathContext
from kino_tui.core.naming.titles import clean_title

#: How many folders up an extras folder may sit (``Film/Extras/Interviews/a.mkv``).
EXTRA_FOLDER_DEPTH = 2


def read_extra(file_stem: str, context: PathContext, info: NameInfo) -> bool:
    """Fill ``info`` as an extra and say True when the path names one."""
    folders = context.folders
    for index in range(len(folders) - 1, max(len(folders) - 1 - EXTRA_FOLDER_DEPTH, -1), -1):
        extra = extra_type_of_folder(folders[index])
        if extra:
            info.kind, info.extra_type = "extra", extra
            info.extra_owner = "/".join(folders[:index])
            info.title = clean_title(file_stem) or file_stem
            return True
    suffix = rules.EXTRA_SUFFIX.search(file_stem)
    if suffix is not None and _episode_titled(file_stem, suffix.start()):
        suffix = None  # "Show - S01E06 - The Trailer": an episode with that title
    bare = rules.EXTRA_STEMS.get(file_stem.strip().lower())
    if suffix is None and bare is None:
        return False
    info.kind = "extra"
    if suffix is not None:
        word = (suffix.group("loose") or suffix.group("strict")).lower()
        info.extra_type = rules.EXTRA_SUFFIX_TYPES.get(word, word)
        owner_stem = file_stem[: suffix.start()]
    else:
        info.extra_type, owner_stem = bare, ""
    info.extra_owner = "/".join(folders)
    info.title = (clean_title(file_stem) if owner_stem else file_stem) or file_stem
    return True


def _episode_titled(file_stem: str, suffix_start: int) -> bool:
    """Does a suffix written after a space (`` Trailer``) end an episode's title? An
    explicit ``S01E06`` or ``1x06`` before it says so. ``-trailer``, ``.sample`` and
    ``_trailer`` stay extras (a scene sample is ``Show.S01E06.720p-GRP.sample``)."""
    if file_stem[suffix_start] != " ":
        return False
    head = file_stem[:suffix_start]
    return any(pattern.search(head) for name, pattern in rules.EPISODE_RULES if name != "spelled")
