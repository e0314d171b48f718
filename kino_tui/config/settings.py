"""The settings kino runs with: typed records, every field with a default (an empty
``config.toml`` is fine). Read and checked by :mod:`kino_tui.config.load`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kino_tui.core.models import LibraryRoot
from kino_tui.core.play.player_settings import PlayerSettings
from kino_tui.core.play.tracks import TrackPreferences

PLAYERS = ("mpv", "vlc")
PLAYBACK_MODES = ("auto", "window", "terminal")
RESUME_MODES = ("ask", "always", "never")
#: How the UI draws posters (``auto`` picks one without querying the terminal).
IMAGE_MODES = ("auto", "kitty", "sixel", "halfcell", "off")


@dataclass(frozen=True, slots=True)
class RemoteSettings:
    """``[remote]``: where ``kino --remote`` goes and how."""

    host: str = ""
    command: tuple[str, ...] = ("kino",)
    ssh: tuple[str, ...] = ("ssh",)
    #: Seconds a request waits for the box to say anything before the link is given up.
    timeout: float = 30.0


@dataclass(frozen=True, slots=True)
class SharedSettings:
    """``[shared]``: the PostgreSQL database several boxes share their watch state in
    (empty: none, the local files are the only store) and this box's name there."""

    database: str = ""
    box: str = ""


@dataclass(frozen=True, slots=True)
class Settings:
    """Validated settings; everything has a default so an empty file is fine."""

    roots: tuple[LibraryRoot, ...] = ()
    player: str = "mpv"
    playback: PlayerSettings = field(default_factory=PlayerSettings)
    autoplay_next: bool = False
    next_up_days: int = 365
    next_up_specials: bool = False
    images: str = "auto"
    tracks: TrackPreferences = field(default_factory=TrackPreferences)
    #: ``[remote]``: the box ``kino --remote`` talks to by default, the kino to run there
    #: (as rsync's ``--rsync-path``), and the ssh command (argument lists, never a shell).
    remote: RemoteSettings = field(default_factory=RemoteSettings)
    #: ``[export] nfo``: after each play, write the item's watch state into its NFO (so
    #: Kodi and Jellyfin on the same share see what kino played).
    export_nfo: bool = False
    shared: SharedSettings = field(default_factory=SharedSettings)
    raw: dict[str, Any] = field(default_factory=dict)
