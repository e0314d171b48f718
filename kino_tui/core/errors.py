"""Errors a user can act on: each carries a one-line message that says what to do."""

from __future__ import annotations


class KinoError(Exception):
    """Base of kino's own errors; ``str(error)`` is the message shown to the user."""


class ConfigError(KinoError):
    """The config file cannot be read or holds a wrong value."""


class RootOverlap(ConfigError):
    """A library folder would be inside, above, or the same as another one."""


class CatalogError(KinoError):
    """The catalog cannot be used as it is."""


class CatalogDamaged(CatalogError):
    """The catalog file is not valid JSON (cut short, overwritten, edited by hand)."""


class DataFileDamaged(CatalogDamaged):
    """One of kino's JSON files (catalog, watch state, history) cannot be read as JSON;
    ``path`` is the file and ``reason`` what is wrong with it."""

    def __init__(self, path: object, reason: str) -> None:
        super().__init__(f"{path} is damaged ({reason})")
        self.path = path
        self.reason = reason


class WatchStateDamaged(KinoError):
    """watch.json or history.json is damaged and could not be moved aside."""


class CatalogTooNew(CatalogError):
    """The catalog was written by a newer kino than this one."""


class LockTimeout(KinoError):
    """Another kino process held a lock for too long."""


class PlayerError(KinoError):
    """A player is missing, refuses to run, or cannot play the item."""


class ItemNotFound(KinoError):
    """No catalog item matches the id or path the user gave."""


class DataFileUnwritable(KinoError):
    """kino cannot write one of its files (a read-only folder or mount, another user's
    folder, a full disk); ``path`` is the file and ``reason`` why, with a hint."""

    def __init__(self, path: object, reason: str) -> None:
        super().__init__(f"cannot write {path}: {reason}")
        self.path = path
        self.reason = reason


class DataFileUnreadable(KinoError):
    """kino cannot read one of its files (another user's, a failing disk); ``path`` is
    the file and ``reason`` why."""

    def __init__(self, path: object, reason: str) -> None:
        super().__init__(f"cannot read {path}: {reason}")
        self.path = path
        self.reason = reason


class ImportFailed(KinoError):
    """A watch-history import or export could not be done (a damaged source file, a
    server that cannot be reached or refuses the key): nothing was changed."""
