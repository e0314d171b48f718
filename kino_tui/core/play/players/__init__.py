"""The players kino hands playback to; each knows its argument list and control socket."""

from __future__ import annotations

from kino_tui.core.play.players.base import LaunchOptions, Player, PlayerState
from kino_tui.core.play.players.mpv import MpvPlayer
from kino_tui.core.play.players.vlc import VlcPlayer

PLAYERS: dict[str, type[Player]] = {"mpv": MpvPlayer, "vlc": VlcPlayer}


def make_player(name: str, parts: list[str], options: LaunchOptions, ipc_path: str) -> Player:
    """The player called ``name`` (``mpv`` or ``vlc``) set up for these parts."""
    return PLAYERS[name](parts, options, ipc_path)


__all__ = ["PLAYERS", "LaunchOptions", "Player", "PlayerState", "make_player"]
