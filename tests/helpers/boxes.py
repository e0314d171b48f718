"""Two boxes on one machine: each its own XDG folders and its own copy of one library,
mounted at a different path (``/mnt/nas/Media`` on one, ``/srv/Media`` on the other, under
a temporary folder), both sharing one PostgreSQL database."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from kino_tui.config.paths import KinoPaths
from kino_tui.service.library import Library

#: The library both boxes have: episodes of a show and a movie, real media.
LAYOUT = {
    "Shows/Dark/Season 1/Dark S01E01.mkv": "h264.mkv",
    "Shows/Dark/Season 1/Dark S01E02.mkv": "h264.mkv",
    "Shows/Dark/Season 1/Dark S01E03.mkv": "h264.mkv",
    "Shows/Dark/Season 1/Dark S01E04.mkv": "h264.mkv",
    "Movies/Film (2010)/Film (2010).mkv": "h264.mkv",
}


@dataclass
class Box:
    name: str
    home: Path
    root: Path
    url: str
    passfile: Path

    @property
    def paths(self) -> KinoPaths:
        return KinoPaths(
            config_dir=self.home / "config" / "kino",
            data_dir=self.home / "data" / "kino",
            cache_dir=self.home / "cache" / "kino",
        )

    def env(self) -> dict[str, str]:
        env = os.environ.copy()
        env.update(
            XDG_CONFIG_HOME=str(self.home / "config"),
            XDG_DATA_HOME=str(self.home / "data"),
            XDG_CACHE_HOME=str(self.home / "cache"),
            PGPASSFILE=str(self.passfile),
        )
        return env

    def write_config(self, shared: bool = True, extra: str = "") -> None:
        self.paths.config_dir.mkdir(parents=True, exist_ok=True)
        lines = [extra, f'[[roots]]\npath = "{self.root}"\ntype = "mixed"\n']
        if shared:
            lines.append(f'[shared]\ndatabase = "{self.url}"\nbox = "{self.name}"\n')
        self.paths.config_file.write_text("\n".join(lines))

    def library(self) -> Library:
        return Library(self.paths)

    def item_ids(self) -> dict[str, str]:
        """This box's item ids by path inside the library."""
        data, _ = self.library().load()
        prefix = str(self.root) + "/"
        return {item.path.removeprefix(prefix): item.id for item in data.items.values()}

    def watched(self) -> dict[str, tuple[bool, float, int]]:
        """(watched, position, play count) by path inside the library, from its files."""
        ids = {item_id: path for path, item_id in self.item_ids().items()}
        return {
            ids[item_id]: (p.watched, p.position, p.play_count)
            for item_id, p in self.library().watch.all().items()
            if item_id in ids
        }

    def kino(self, *args: str, check: bool = True, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [sys.executable, "-m", "kino_tui", *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=self.env(),
            stdin=subprocess.DEVNULL,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"kino {args} failed: {result.stdout}\n{result.stderr}")
        return result


def make_boxes(
    tmp_path: Path,
    media: dict[str, Path],
    url: str,
    passfile: Path,
    count: int = 2,
    extra_files: dict[str, Path] | None = None,
    extra_config: str = "",
) -> list[Box]:
    """``count`` boxes (``living``, ``bedroom``, …) with the library copied to a different
    mount path on each, configured and scanned."""
    mounts = ["mnt/nas/Media", "srv/Media", "media/share/Media", "home/me/Media"]
    names = ["living", "bedroom", "desk", "attic"]
    boxes = []
    for index in range(count):
        home = tmp_path / names[index]
        root = home / mounts[index]
        for relative, source in LAYOUT.items():
            target = root / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(media[source], target)
        for relative, file in (extra_files or {}).items():
            (root / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(file, root / relative)
        box = Box(names[index], home, root, url, passfile)
        box.write_config(extra=extra_config)
        box.kino("scan")
        boxes.append(box)
    return boxes
