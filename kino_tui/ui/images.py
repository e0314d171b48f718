"""Pictures in the terminal: choose the mode before the app starts, render posters in workers.

Modes: ``kitty`` and ``sixel`` use textual-image (its terminal queries run at import,
so they are imported only when chosen); ``halfcell`` draws with coloured half blocks,
which work everywhere (tmux, plain SSH); ``off`` shows placeholders only. Automatic
choice never queries the terminal over SSH or inside tmux, so a slow link cannot
leave unanswered escape replies on screen.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
from collections.abc import Callable, Mapping
from pathlib import Path

from rich.color import Color
from rich.segment import Segment
from rich.style import Style

from kino_tui.core.models import MediaItem


def choose_image_mode(
    requested: str, environ: Mapping[str, str] = os.environ, tty: bool = True
) -> str:
    """The picture mode to use, from the user's choice and the environment (no queries)."""
    if requested != "auto":
        return requested
    if not tty:
        return "off"
    term = environ.get("TERM", "")
    program = environ.get("TERM_PROGRAM", "").lower()
    if environ.get("TMUX") or term.startswith(("screen", "tmux")):
        return "halfcell"
    if term == "xterm-kitty" or environ.get("KITTY_WINDOW_ID") or program == "ghostty":
        return "kitty"
    if program == "wezterm" or term.startswith(("foot", "mlterm")) or environ.get("WEZTERM_PANE"):
        return "sixel"
    return "halfcell"


def embedded_cover(path: str) -> bytes | None:
    """The first picture embedded in an audio file (ID3 APIC, FLAC, MP4 covr, Vorbis)."""
    import mutagen  # only when a cover is shown (kino starts without it)

    try:
        audio = mutagen.File(path)
    except Exception:  # any unreadable file simply has no cover
        return None
    if audio is None:
        return None
    pictures = getattr(audio, "pictures", None)
    if pictures:
        return bytes(pictures[0].data)
    tags = audio.tags
    if tags is None:
        return None
    for key in list(tags.keys()):
        if str(key).startswith("APIC"):
            return bytes(tags[key].data)
    if tags.get("covr"):
        return bytes(tags["covr"][0])
    if "metadata_block_picture" in tags:
        from mutagen.flac import Picture  # as mutagen above

        try:
            return bytes(Picture(base64.b64decode(tags["metadata_block_picture"][0])).data)
        except Exception:
            return None
    return None


def poster_source(item: MediaItem | None, poster: str | None) -> tuple[str, str] | None:
    """(kind, path) of the picture to show: an artwork file or an embedded cover."""
    if poster:
        return ("file", poster)
    if item is not None and item.embedded_cover:
        return ("embedded", item.path)
    return None


class PosterCache:
    """Decoded, scaled posters on disk, keyed by source, its mtime and the size shown.

    ``read`` gives an artwork file's bytes when the files are not on this machine
    (``kino --remote``: the box sends them over the connection); ``namespace`` (the
    host) keeps its posters apart from this machine's in the cache."""

    def __init__(
        self,
        folder: Path,
        read: Callable[[str], bytes | None] | None = None,
        namespace: str = "",
    ) -> None:
        self.folder = folder
        self.read = read
        self.namespace = namespace

    def _key(self, source: tuple[str, str], width: int, height: int) -> Path:
        kind, path = source
        try:
            stamp = os.stat(path).st_mtime_ns
        except OSError:
            stamp = 0
        digest = hashlib.blake2b(
            f"{self.namespace}\0{kind}\0{path}\0{stamp}\0{width}x{height}".encode(
                "utf-8", "surrogateescape"
            ),
            digest_size=16,
        ).hexdigest()
        return self.folder / f"{digest}.png"

    def load(self, source: tuple[str, str], width: int, height: int):  # type: ignore[no-untyped-def]
        """A Pillow image of at most width x height pixels, or None when unreadable."""
        from PIL import Image, UnidentifiedImageError  # when the first poster is drawn

        cached = self._key(source, width, height)
        if cached.exists():
            try:
                with Image.open(cached) as stored:
                    return stored.convert("RGB")
            except (OSError, UnidentifiedImageError):
                cached.unlink(missing_ok=True)
        kind, path = source
        try:
            if self.read is not None:  # the files are on another machine
                data = self.read(path) if kind == "file" else None
                if data is None:
                    return None
                source_image = Image.open(io.BytesIO(data))
            elif kind == "embedded":
                data = embedded_cover(path)
                if data is None:
                    return None
                source_image = Image.open(io.BytesIO(data))
            else:
                source_image = Image.open(path)
            image = source_image.convert("RGB")
            image.thumbnail((width, height))
        except (OSError, UnidentifiedImageError, ValueError, Image.DecompressionBombError):
            return None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            temporary = cached.with_suffix(".tmp")
            image.save(temporary, "PNG")
            os.replace(temporary, cached)
        except OSError:
            pass  # a read-only cache only costs speed
        return image


def halfcell_lines(image, background: Style | None = None) -> list[list[Segment]]:  # type: ignore[no-untyped-def]
    """Rows of ``▀`` cells: the top pixel is the foreground, the bottom one the background."""
    width, height = image.size
    pixels = image.load()
    lines = []
    for y in range(0, height, 2):
        row = []
        for x in range(width):
            top = pixels[x, y]
            bottom = pixels[x, y + 1] if y + 1 < height else None
            style = Style(
                color=Color.from_rgb(*top[:3]),
                bgcolor=Color.from_rgb(*bottom[:3]) if bottom else None,
            )
            row.append(Segment("▀", style))
        lines.append(row)
    return lines
