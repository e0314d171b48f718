"""One remote play's way to the box's files (the laptop's side of ``stream.py``).

:func:`open_play` asks the box for a token that opens the files of this play's items
only, and adds an ssh forward for it; :func:`streamed` gives each item as this machine's
player sees it; :func:`attach` ties the play to its :class:`PlaybackSession` (items
queued later join the token; when the session closes, the token is ended on the box,
the forward cancelled and the play's private folder removed).

mpv is given no URL on its command line, where ``ps`` shows it to every user of the
laptop: an EDL file in the play's private folder (mode 0700) names the URLs, and
subtitle files are fetched into that folder. VLC gets the URLs themselves (see the
security model in docs/architecture.md).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from kino_tui.core.errors import KinoError
from kino_tui.core.models import MediaItem
from kino_tui.service.remote.connection import Connection
from kino_tui.service.remote.protocol import RemoteError
from kino_tui.service.remote.stream import url_path

if TYPE_CHECKING:
    from kino_tui.core.play.session import PlaybackSession

#: The longest subtitle file fetched for a play (one is a few hundred KiB at most).
MAX_SUBTITLE_BYTES = 16 * 1024 * 1024


@dataclass
class StreamPlay:
    """One play's token (it opens the items of this play only), the forward's local
    port, and a private folder for what the player is given instead of a URL."""

    connection: Connection
    token: str
    port: int
    folder: Path
    player: str

    def end(self) -> None:
        """The play is over: its token opens nothing any more, its forward and files go."""
        shutil.rmtree(self.folder, ignore_errors=True)
        with contextlib.suppress(KinoError):
            self.connection.call("stream_end", token=self.token)
        self.connection.cancel_forward(self.port)


def open_play(connection: Connection, items: Sequence[MediaItem], player: str) -> StreamPlay:
    """A stream for one play of these items: a token of their own and a forward."""
    answer = connection.call("stream", ids=[item.id for item in items])
    port = connection.forward(answer["socket"])
    folder = Path(tempfile.mkdtemp(prefix="play-", dir=connection.directory))
    return StreamPlay(connection, answer["token"], port, folder, player)


def stream_url(play: StreamPlay, item: MediaItem, index: int, kind: str) -> str:
    if kind == "part":
        files = item.parts or [item.path]
    else:
        files = [track.path or "" for track in item.subtitles if track.external]
    # The file name only helps the player guess the format: its bytes, as the box has
    # them (a name that is not UTF-8 too).
    name = os.fsencode(files[index].rpartition("/")[2])
    return f"http://127.0.0.1:{play.port}" + url_path(play.token, kind, item.id, index, name)


def streamed(play: StreamPlay, item: MediaItem) -> MediaItem:
    """The item as this machine's player sees it: its files come from the stream."""
    urls = [stream_url(play, item, index, "part") for index in range(len(item.parts or [1]))]
    hidden = play.player == "mpv"
    subtitles, external = [], 0
    for track in item.subtitles:  # files beside the video: streamed too
        if track.external:
            url = stream_url(play, item, external, "sub")
            track = track._replace(path=_fetched(play, url) if hidden else url)
            external += 1
        subtitles.append(track)
    if hidden:
        urls, parts = [_edl_file(play, urls)], []
    else:
        parts = urls if item.parts else []
    return replace(item, path=urls[0], parts=parts, title=item.display_title, subtitles=subtitles)


def attach(play: StreamPlay, session: PlaybackSession) -> None:
    """Tie the play to its session: what is queued later joins the play's token, a
    second stop stops waiting for the box, and the play ends with the session. mpv
    also gets the first item's external subtitle files."""
    session.cleanups.append(play.end)
    session.on_stop_again = play.connection.interrupt

    def playable(item: MediaItem) -> MediaItem:
        play.connection.call("stream", ids=[item.id], token=play.token)
        return streamed(play, item)

    session.playable_for = playable
    external = [track.path for track in session.queue[0].subtitles if track.external]
    options = session.player.options
    chosen = options.tracks_of(0).subtitle_file is not None  # given with the item already
    if external and play.player == "mpv" and not chosen:
        subtitles = [f"--sub-file={path}" for path in external]
        session.player.options = replace(options, extra_args=(*options.extra_args, *subtitles))


def _edl_file(play: StreamPlay, urls: list[str]) -> str:
    """An mpv EDL file in the play's private folder that plays ``urls`` as one."""
    lines = ["# mpv EDL v0", *(f"%{len(url.encode())}%{url}" for url in urls)]
    handle, path = tempfile.mkstemp(suffix=".edl", dir=play.folder)
    with os.fdopen(handle, "w", encoding="utf-8") as file:
        file.write("\n".join(lines) + "\n")
    return path


def _fetched(play: StreamPlay, url: str) -> str:
    """A subtitle file fetched through the stream into the play's private folder."""
    suffix = os.path.splitext(url.rpartition("/")[2])[1][:10].replace("%", "_")
    handle, path = tempfile.mkstemp(suffix=suffix, dir=play.folder)
    try:
        with urllib.request.urlopen(url, timeout=play.connection.timeout) as answer:
            data = answer.read(MAX_SUBTITLE_BYTES)
    except OSError as error:
        os.close(handle)
        raise RemoteError(f"the subtitle file could not be fetched from the box: {error}") from None
    with os.fdopen(handle, "wb") as file:
        file.write(data)
    return path
