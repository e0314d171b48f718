"""Progress that could not reach the box (the link dropped), kept on the laptop.

``remote-pending.json`` in kino's data dir: per host, the last progress of each item and
the history lines not delivered. Written atomically; delivered, then cleared, by the
next connection to that host.
"""

from __future__ import annotations

import json
import threading
from dataclasses import asdict
from pathlib import Path
from typing import Any

from kino_tui.core.fsutil import atomic_write_bytes
from kino_tui.core.models import Progress

FILE_NAME = "remote-pending.json"


class PendingStore:
    """What waits for one host."""

    def __init__(self, data_dir: Path, host: str) -> None:
        self.path = data_dir / FILE_NAME
        self.host = host
        self._lock = threading.Lock()

    def _read(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_bytes())
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _write(self, data: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(self.path, json.dumps(data, ensure_ascii=True, indent=1).encode())

    def waiting(self) -> dict[str, Any]:
        """``{"progress": {id: progress}, "history": [{"id", "record"}]}`` for this host."""
        entry = self._read().get(self.host)
        if not isinstance(entry, dict):
            return {"progress": {}, "history": []}
        progress = entry.get("progress") if isinstance(entry.get("progress"), dict) else {}
        history = entry.get("history") if isinstance(entry.get("history"), list) else []
        return {"progress": progress, "history": history}

    def keep_progress(self, item_id: str, progress: Progress) -> None:
        with self._lock:
            data = self._read()
            entry = data.setdefault(self.host, {"progress": {}, "history": []})
            entry.setdefault("progress", {})[item_id] = asdict(progress)
            self._write(data)

    def keep_history(self, item_id: str, record: dict[str, Any]) -> None:
        with self._lock:
            data = self._read()
            entry = data.setdefault(self.host, {"progress": {}, "history": []})
            entry.setdefault("history", []).append({"id": item_id, "record": record})
            self._write(data)

    def clear(self) -> None:
        with self._lock:
            data = self._read()
            if data.pop(self.host, None) is None:
                return
            if data:
                self._write(data)
            else:
                self.path.unlink(missing_ok=True)
