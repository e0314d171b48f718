"""The shared PostgreSQL store (``[shared] database``): delivering queued changes,
reading other boxes' changes since a change number, and being told of them.

Imported only when the setting is on (it imports psycopg, the ``kino-tui[shared]``
extra). The connection string is libpq's: the password comes from ``~/.pgpass``,
``PGPASSFILE`` or ``PGPASSWORD`` as for ``psql``, and is never printed (every message
shows the URL without it).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg.rows import dict_row

from kino_tui.core.watch import schema
from kino_tui.core.watch.errors import ChangeRefused, SharedUnavailable
from kino_tui.core.watch.schema import CHANNEL, FIELD_GROUPS, LOCK_KEY, SchemaState
from kino_tui.core.watch.urls import passwords, redact

#: Seconds to wait for the server before the box goes on alone (queueing).
CONNECT_TIMEOUT = 5
#: Changes sent in one transaction.
BATCH = 2000


def _describe(url: str, error: Exception) -> SharedUnavailable:
    """A message a user can act on, for a failed connection."""
    text = str(error).strip()
    for password in passwords(url):
        text = text.replace(password, "***")
    where = redact(url)
    if isinstance(error, psycopg.ProgrammingError) or ("invalid" in text and "connection" in text):
        return SharedUnavailable(
            f"[shared] database is not a PostgreSQL URL kino can use ({where}: {text}); "
            'write it as database = "postgresql://USER@HOST/DATABASE"',
            reachable=True,
        )
    if "password authentication failed" in text or "no password supplied" in text:
        user = re.search(r'user "([^"]*)"', text)
        who = f" for user {user.group(1)}" if user else ""
        return SharedUnavailable(
            f"the shared database refused the password{who} ({where}): put the right one "
            "in ~/.pgpass (HOST:PORT:DATABASE:USER:PASSWORD, mode 0600) or PGPASSWORD",
            reachable=True,
        )
    missing = re.search(r'database "([^"]*)" does not exist', text)
    if missing:
        return SharedUnavailable(
            f"the shared database {missing.group(1)} does not exist on the server "
            f"({where}): create it there (createdb {missing.group(1)}) and start kino again",
            reachable=True,
        )
    if 'role "' in text and "does not exist" in text:
        return SharedUnavailable(
            f"the shared database does not know the user ({where}: {text}): create it "
            "(createuser) or fix the URL",
            reachable=True,
        )
    first = text.splitlines()[0] if text else repr(error)
    return SharedUnavailable(
        f"cannot reach the shared database ({where}: {first}); "
        "changes are kept on this box and sent when it is back"
    )


@dataclass(slots=True)
class Pulled:
    """Changes read from the database since a change number, and the highest read."""

    progress: list[dict[str, Any]] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)
    tracks: list[dict[str, Any]] = field(default_factory=list)
    last_seq: int = 0

    def __bool__(self) -> bool:
        return bool(self.progress or self.history or self.tracks)


def _group_sets() -> str:
    """The ``ON CONFLICT`` assignments: each field group keeps the later change."""
    lines = []
    for group, columns in FIELD_GROUPS.items():
        newer = (
            f"(EXCLUDED.{group}_at IS NOT NULL AND (p.{group}_at IS NULL OR "
            f"(EXCLUDED.{group}_at, EXCLUDED.{group}_box) > (p.{group}_at, p.{group}_box)))"
        )
        for column in (*columns, f"{group}_at", f"{group}_box"):
            lines.append(f"{column} = CASE WHEN {newer} THEN EXCLUDED.{column} ELSE p.{column} END")
    return ",\n".join(lines)


_PROGRESS_COLUMNS = [
    column
    for group, columns in FIELD_GROUPS.items()
    for column in (*columns, f"{group}_at", f"{group}_box")
]
_UPSERT_PROGRESS = f"""
INSERT INTO kino_progress AS p (library, path, fingerprint, ids, {", ".join(_PROGRESS_COLUMNS)},
                                changed_at, box, seq)
VALUES (%(library)s, %(path)s, %(fingerprint)s, %(ids)s,
        {", ".join(f"%({c})s" for c in _PROGRESS_COLUMNS)},
        %(at)s, %(box)s, nextval('kino_change_seq'))
ON CONFLICT (library, path) DO UPDATE SET
{_group_sets()},
fingerprint = COALESCE(EXCLUDED.fingerprint, p.fingerprint),
ids = p.ids || EXCLUDED.ids,
box = CASE WHEN EXCLUDED.changed_at >= p.changed_at THEN EXCLUDED.box ELSE p.box END,
changed_at = GREATEST(p.changed_at, EXCLUDED.changed_at),
seq = EXCLUDED.seq
"""
_INSERT_HISTORY = """
INSERT INTO kino_history (uid, library, path, entry, changed_at, box, seq)
VALUES (%(uid)s, %(library)s, %(path)s, %(entry)s, %(at)s, %(box)s, nextval('kino_change_seq'))
ON CONFLICT (uid) DO NOTHING
"""
_UPSERT_TRACKS = """
INSERT INTO kino_tracks AS t (key, choice, changed_at, box, seq)
VALUES (%(key)s, %(choice)s, %(at)s, %(box)s, nextval('kino_change_seq'))
ON CONFLICT (key) DO UPDATE SET
choice = EXCLUDED.choice, changed_at = EXCLUDED.changed_at, box = EXCLUDED.box, seq = EXCLUDED.seq
WHERE (EXCLUDED.changed_at, EXCLUDED.box) > (t.changed_at, t.box)
"""


def _progress_parameters(change: dict[str, Any], box: str) -> dict[str, Any]:
    values: dict[str, Any] = {
        "library": change["library"],
        "path": change["path"],
        "fingerprint": change.get("fingerprint"),
        "ids": json.dumps(change.get("ids") or {}),
        "at": change["at"],
        "box": box,
    }
    fields = change.get("fields", {})
    stamps = change.get("fields_at") or {}  # a joined change: each group its own time
    for group, columns in FIELD_GROUPS.items():
        given = fields.get(group)
        for column in columns:
            values[column] = given.get(column) if given else None
        values[f"{group}_at"] = stamps.get(group, change["at"]) if given is not None else None
        values[f"{group}_box"] = box if given is not None else None
    return values


class SharedDatabase:
    """One box's connection to the shared database (opened on first use)."""

    def __init__(self, url: str, box: str, connect_timeout: float = CONNECT_TIMEOUT) -> None:
        self.url = url
        self.box = box
        self.connect_timeout = connect_timeout
        self._conn: psycopg.Connection[Any] | None = None
        self.state: SchemaState | None = None

    @property
    def where(self) -> str:
        return redact(self.url)

    def _open(self) -> psycopg.Connection[Any]:
        try:
            conn = psycopg.connect(
                self.url, autocommit=True, connect_timeout=max(1, int(self.connect_timeout))
            )
        except psycopg.Error as error:
            raise _describe(self.url, error) from None
        return conn

    def connection(self) -> psycopg.Connection[Any]:
        """The open connection, the schema created or migrated; raises SharedUnavailable
        or :class:`~kino_tui.core.watch.schema.SchemaTooNew`."""
        if self._conn is not None and not self._conn.closed and not self._conn.broken:
            return self._conn
        self.close()
        conn = self._open()
        try:
            self.state = schema.ensure(conn)
        except psycopg.OperationalError as error:
            conn.close()
            raise _describe(self.url, error) from None
        except psycopg.Error as error:
            conn.close()
            raise SharedUnavailable(
                f"kino could not create or migrate its tables in the shared database "
                f"({self.where}: {str(error).strip()}); nothing was changed there (each step "
                "is one transaction). Check the user may create tables in that database.",
                reachable=True,
            ) from None
        except BaseException:
            conn.close()
            raise
        self._conn = conn
        return conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
        self._conn = None

    def _run(self, work: Any) -> Any:
        """Run ``work(conn)``; a dropped connection is SharedUnavailable (queued changes
        stay queued)."""
        conn = self.connection()
        try:
            return work(conn)
        except psycopg.OperationalError as error:
            self.close()
            raise _describe(self.url, error) from None
        except (psycopg.DataError, psycopg.IntegrityError) as error:
            raise ChangeRefused(str(error).strip().splitlines()[0]) from None

    def deliver(self, changes: list[dict[str, Any]]) -> None:
        """Write ``changes`` (queue entries) in one transaction, each field group kept
        only where it is later than what the database has; other kinos are notified."""

        def write(conn: psycopg.Connection[Any]) -> None:
            progress = [_progress_parameters(c, c.get("box") or self.box)
                        for c in changes if c["kind"] == "progress"]  # fmt: skip
            history = [
                {
                    "uid": c["uid"],
                    "library": c["library"],
                    "path": c["path"],
                    "entry": json.dumps(c["entry"], ensure_ascii=True),
                    "at": c["at"],
                    "box": c.get("box") or self.box,
                }
                for c in changes
                if c["kind"] == "history"
            ]
            tracks = [
                {"key": c["key"], "choice": json.dumps(c["choice"]), "at": c["at"],
                 "box": c.get("box") or self.box}
                for c in changes
                if c["kind"] == "tracks"
            ]  # fmt: skip
            with conn.transaction(), conn.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))
                if progress:
                    cursor.executemany(_UPSERT_PROGRESS, progress)
                if history:
                    cursor.executemany(_INSERT_HISTORY, history)
                if tracks:
                    cursor.executemany(_UPSERT_TRACKS, tracks)
                cursor.execute("SELECT pg_notify(%s, %s)", (CHANNEL, self.box))

        self._run(write)

    def changes_since(self, seq: int, limit: int = 50_000) -> Pulled:
        """Rows changed after change number ``seq`` (by any box), oldest first."""

        def read(conn: psycopg.Connection[Any]) -> Pulled:
            pulled = Pulled(last_seq=seq)
            # The three tables from one snapshot: read one by one (autocommit), a change
            # committed between two reads showed its later row (a history line) and not
            # its earlier one (the progress), and ``last_seq`` then passed that one for
            # good. Writers take numbers in commit order (deliver's advisory lock), so
            # one snapshot sees every number up to the highest it sees.
            with conn.transaction(), conn.cursor(row_factory=dict_row) as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                for table, into in (
                    ("kino_progress", pulled.progress),
                    ("kino_history", pulled.history),
                    ("kino_tracks", pulled.tracks),
                ):
                    cursor.execute(
                        f"SELECT * FROM {table} WHERE seq > %s ORDER BY seq LIMIT %s",
                        (seq, limit),
                    )
                    into.extend(cursor.fetchall())
            seqs = [row["seq"] for rows in (pulled.progress, pulled.history, pulled.tracks)
                    for row in rows]  # fmt: skip
            if seqs:
                # a table cut off at the limit: keep only what is below its last row, so
                # nothing in between is skipped (the rest comes with the next read)
                cut = [rows[-1]["seq"] for rows in (pulled.progress, pulled.history,
                       pulled.tracks) if len(rows) >= limit]  # fmt: skip
                top = min(cut) if cut else max(seqs)
                pulled.progress = [r for r in pulled.progress if r["seq"] <= top]
                pulled.history = [r for r in pulled.history if r["seq"] <= top]
                pulled.tracks = [r for r in pulled.tracks if r["seq"] <= top]
                pulled.last_seq = top
            return pulled

        result: Pulled = self._run(read)
        return result

    def records_for(
        self, keys: list[tuple[str, str]], fingerprints: list[str]
    ) -> Pulled:
        """Every progress record of these items (by library and path, or by content) and
        every track choice, whatever their change number: for items new in this box's
        catalog, whose records went by before it had them."""

        def read(conn: psycopg.Connection[Any]) -> Pulled:
            pulled = Pulled()
            with conn.cursor(row_factory=dict_row) as cursor:
                cursor.execute(
                    "SELECT p.* FROM kino_progress p JOIN unnest(%s::text[], %s::text[]) "
                    "AS k(library, path) ON p.library = k.library AND p.path = k.path "
                    "UNION SELECT * FROM kino_progress WHERE fingerprint = ANY(%s::text[])",
                    ([k[0] for k in keys], [k[1] for k in keys], fingerprints),
                )
                pulled.progress = cursor.fetchall()
                cursor.execute("SELECT * FROM kino_tracks")
                pulled.tracks = cursor.fetchall()
            return pulled

        result: Pulled = self._run(read)
        return result

    def counts(self) -> dict[str, int]:
        """How many records of each kind the database holds."""

        def count(conn: psycopg.Connection[Any]) -> dict[str, int]:
            result = {}
            for name in ("progress", "history", "tracks"):
                row = conn.execute(f"SELECT count(*) FROM kino_{name}").fetchone()
                result[name] = int(row[0]) if row else 0
            return result

        counted: dict[str, int] = self._run(count)
        return counted


class Listener:
    """A connection of its own that LISTENs for other kinos' changes."""

    def __init__(self, url: str, connect_timeout: float = CONNECT_TIMEOUT) -> None:
        self.url = url
        try:
            self._conn = psycopg.connect(
                url, autocommit=True, connect_timeout=max(1, int(connect_timeout))
            )
            self._conn.execute(f"LISTEN {CHANNEL}")
        except psycopg.Error as error:
            raise _describe(url, error) from None

    def wait(self, timeout: float) -> list[str]:
        """The boxes that wrote within ``timeout`` seconds (empty: none did). Raises
        SharedUnavailable when the connection is lost."""
        try:
            return [n.payload for n in self._notifies(timeout)]
        except psycopg.Error as error:
            raise _describe(self.url, error) from None

    def _notifies(self, timeout: float) -> Iterator[psycopg.Notify]:
        yield from self._conn.notifies(timeout=timeout, stop_after=1)
        # more may have arrived together: take them without waiting
        yield from self._conn.notifies(timeout=0.01)

    def close(self) -> None:
        self._conn.close()
