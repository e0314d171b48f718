"""Reading a path the way the scanner does: folders from the root down, then the file."""

from __future__ import annotations

from kino_tui.core.models import RootType
from kino_tui.core.naming import NameInfo, PathContext, parse_video


def parse(path: str, root_type: RootType = "mixed", show_nfo: bool = False) -> NameInfo:
    *folders, name = path.split("/")
    return parse_video(name, PathContext("/lib", root_type, tuple(folders), show_nfo))
