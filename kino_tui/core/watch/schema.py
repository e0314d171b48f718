"""The shared database's schema: versioned, created and migrated by kino itself.

Migrations are forward-only, each applied in its own transaction under an advisory lock
(two kinos starting at once never migrate twice). ``kino_meta`` holds the version and
``readable_by``: the oldest schema version whose kinos can still read and write this
one. Every migration so far only adds (tables, columns with defaults), so an older kino
keeps working on a newer schema; a migration that could not stay compatible raises
``readable_by``, and older kinos then say "schema newer than this kino" instead of
writing something wrong.

Each progress field group carries when (``*_at``) and on which box (``*_box``) it was
last changed; the later change wins field by field (the box name breaks a tie), and
"not watched" is a change like any other (``watched = false`` with its time).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from kino_tui.core.errors import KinoError

if TYPE_CHECKING:
    import psycopg

#: The schema version this kino writes, and the oldest it can read and write.
VERSION = 1
#: Taken (transaction-scoped) by every migration and every write: writes commit in the
#: order of their change numbers, so a reader that has seen number N has seen all below.
LOCK_KEY = 0x6B696E6F  # "kino"
#: The channel other kinos LISTEN on; the payload is the writing box's name.
CHANNEL = "kino_changes"

#: A progress field group: the columns that change together and share a stamp.
FIELD_GROUPS: dict[str, tuple[str, ...]] = {
    "position": ("position", "duration"),
    "watched": ("watched",),
    "play_count": ("play_count",),
    "last_played": ("last_played",),
}

_V1 = """
CREATE TABLE kino_meta (
    id integer PRIMARY KEY CHECK (id = 1),
    version integer NOT NULL,
    readable_by integer NOT NULL,
    database_id text NOT NULL DEFAULT md5(random()::text || clock_timestamp()::text)
);
INSERT INTO kino_meta (id, version, readable_by) VALUES (1, 0, 1);
CREATE SEQUENCE kino_change_seq;
CREATE TABLE kino_progress (
    library text NOT NULL,
    path text NOT NULL,
    fingerprint text,
    ids jsonb NOT NULL DEFAULT '{}',
    position double precision, duration double precision,
    position_at timestamptz, position_box text,
    watched boolean, watched_at timestamptz, watched_box text,
    play_count integer, play_count_at timestamptz, play_count_box text,
    last_played text, last_played_at timestamptz, last_played_box text,
    changed_at timestamptz NOT NULL,
    box text NOT NULL,
    seq bigint NOT NULL,
    PRIMARY KEY (library, path)
);
CREATE INDEX kino_progress_seq ON kino_progress (seq);
CREATE INDEX kino_progress_fingerprint ON kino_progress (fingerprint);
CREATE TABLE kino_history (
    uid text PRIMARY KEY,
    library text NOT NULL,
    path text NOT NULL,
    entry jsonb NOT NULL,
    changed_at timestamptz NOT NULL,
    box text NOT NULL,
    seq bigint NOT NULL
);
CREATE INDEX kino_history_seq ON kino_history (seq);
CREATE TABLE kino_tracks (
    key text PRIMARY KEY,
    choice jsonb NOT NULL,
    changed_at timestamptz NOT NULL,
    box text NOT NULL,
    seq bigint NOT NULL
);
CREATE INDEX kino_tracks_seq ON kino_tracks (seq);
"""


@dataclass(frozen=True, slots=True)
class Migration:
    """One step: the version it brings the schema to, the oldest version still able to
    read and write the result, and its SQL (run in one transaction)."""

    version: int
    readable_by: int
    sql: str


#: Every migration, in order. Append only; never edit one that has shipped.
MIGRATIONS: tuple[Migration, ...] = (Migration(1, 1, _V1),)


class SchemaTooNew(KinoError):
    """The database was migrated by a newer kino that older ones can no longer use."""


@dataclass(frozen=True, slots=True)
class SchemaState:
    version: int
    readable_by: int
    database_id: str


def read_state(conn: psycopg.Connection) -> SchemaState | None:
    """The schema's version, or None when kino has not created it in this database."""
    row = conn.execute("SELECT to_regclass('kino_meta') IS NOT NULL").fetchone()
    if not row or not row[0]:
        return None
    meta = conn.execute("SELECT version, readable_by, database_id FROM kino_meta").fetchone()
    if meta is None:
        return None
    return SchemaState(int(meta[0]), int(meta[1]), str(meta[2]))


def check_readable(state: SchemaState) -> None:
    """Raise :class:`SchemaTooNew` when this kino cannot use a schema in ``state``."""
    if state.readable_by > VERSION:
        raise SchemaTooNew(
            f"the shared database's schema is version {state.version}, written by a newer "
            f"kino (it needs a kino that knows version {state.readable_by} or later; this "
            f"one knows {VERSION}): upgrade kino on this box. Nothing was changed; this "
            "box keeps its watch state locally and queues its changes."
        )


def ensure(conn: psycopg.Connection) -> SchemaState:
    """Create or migrate the schema to :data:`VERSION` (each step in a transaction);
    the resulting state. Raises :class:`SchemaTooNew`."""
    while True:
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))
            state = read_state(conn)
            if state is not None:
                check_readable(state)
                if state.version >= VERSION:
                    return state
            current = 0 if state is None else state.version
            step = next(m for m in MIGRATIONS if m.version > current)
            conn.execute(step.sql.encode())  # the first step creates kino_meta itself
            conn.execute(
                "UPDATE kino_meta SET version = %s, readable_by = GREATEST(readable_by, %s)",
                (step.version, step.readable_by),
            )
