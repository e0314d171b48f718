"""Frames over a link (issue 21): the laptop asks the box to take its missing frames (in
the background, while it serves) and shows them through the poster cache; a film with a
poster, or a frame not taken yet, gives none."""

from __future__ import annotations

import io
import time

from PIL import Image

from kino_tui.service.remote.library import FRAME_PREFIX, RemoteLibrary
from tests.helpers.remote import by_title


def test_the_box_takes_frames_and_the_laptop_shows_them(remote: RemoteLibrary) -> None:
    film = by_title(remote, "Long Film")  # no poster on the box
    short = by_title(remote, "Short Film")  # a poster.png beside it
    assert remote.frame_for(short) is None
    name = remote.frame_for(film)
    assert name == f"{FRAME_PREFIX}{film.id}"  # a name, never a path of either machine
    items = list(remote.load()[0].items.values())
    remote.make_frames(items)  # returns at once: the box works in the background
    remote.make_frames(items)  # a second ask while it runs starts nothing more
    deadline = time.monotonic() + 60
    data = remote.read_artwork(name)
    while data is None and time.monotonic() < deadline:
        time.sleep(0.5)
        data = remote.read_artwork(name)
    assert data is not None, "the box never sent the frame"
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG"
    # the frame is the box's own, in its cache: nothing was written beside its media
    assert remote.read_artwork(f"{FRAME_PREFIX}no-such-id") is None
