"""What a name says: the records every resolver fills."""

from __future__ import annotations

from dataclasses import dataclass, field

from kino_tui.core.models import Kind, RootType


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
    #: ``3d`` or the stereo layout (``hsbs``, ``tab``, ``mvc``…) when the name says so.
    three_d: str | None = None
    #: Which rule read the episode number (``sxe``, ``nxn``, ``date``, ``absolute``,
    #: ``guessit``…); None when no number was read.
    rule: str | None = None


@dataclass(slots=True)
class TrackNameInfo:
    """What a music file's path says about it (tags win over this)."""

    title: str | None = None
    artist: str | None = None
    album: str | None = None
    year: int | None = None
    track: int | None = None
    disc: int | None = None


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
