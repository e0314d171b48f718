"""The box's library as the remote tests look at it."""

from __future__ import annotations

import json

from kino_tui.core.models import MediaItem
from kino_tui.service.remote.library import RemoteLibrary
from tests.remote.sshbox import Link


def by_title(library: RemoteLibrary, title: str) -> MediaItem:
    data, _ = library.load()
    return next(item for item in data.items.values() if item.title == title)


def item_id(link: Link, title: str) -> str:
    items = json.loads(link.box.run("ls", "--json").stdout)
    return next(i["id"] for i in items if i["title"] == title)


def box_progress(link: Link, identifier: str) -> dict:
    items = json.loads(link.box.run("ls", "--json").stdout)
    return next(i["progress"] for i in items if i["id"] == identifier)
