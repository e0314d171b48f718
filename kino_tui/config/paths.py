"""Where kino keeps its files, through platformdirs (which honours ``XDG_*_HOME``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "kino"


@dataclass(frozen=True, slots=True)
class KinoPaths:
    """The config, data and cache locations of one user."""

    config_dir: Path
    data_dir: Path
    cache_dir: Path

    @classmethod
    def default(cls) -> KinoPaths:
        """The platform's directories for kino, read from the environment now."""
        return cls(
            config_dir=Path(platformdirs.user_config_dir(APP_NAME)),
            data_dir=Path(platformdirs.user_data_dir(APP_NAME)),
            cache_dir=Path(platformdirs.user_cache_dir(APP_NAME)),
        )

    @property
    def config_file(self) -> Path:
        return self.config_dir / "config.toml"

    @property
    def catalog_file(self) -> Path:
        return self.data_dir / "catalog.json"

    @property
    def watch_file(self) -> Path:
        return self.data_dir / "watch.json"

    @property
    def tracks_file(self) -> Path:
        """The remembered audio and subtitle choices."""
        return self.data_dir / "tracks.json"

    @property
    def index_file(self) -> Path:
        """The catalog's derived index (``core/catalog/index.py``): a cache, rebuilt
        whenever it is missing, stale or damaged."""
        return self.cache_dir / "catalog-index.sqlite"

    @property
    def thumbnails_dir(self) -> Path:
        return self.cache_dir / "thumbnails"


def default_library_folders() -> list[Path]:
    """The platform's Videos and Music folders, where they exist."""
    found = []
    for folder in (platformdirs.user_videos_dir(), platformdirs.user_music_dir()):
        path = Path(folder)
        if path.is_dir() and path != Path.home():
            found.append(path)
    return found
