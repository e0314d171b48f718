"""The shared store against a real PostgreSQL: schema, merge rule, errors a user can act on."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from kino_tui.core.watch import schema
from kino_tui.core.watch.schema import SchemaTooNew
from kino_tui.core.watch.shared import Pulled, SharedDatabase, SharedUnavailable, redact
from tests.helpers.postgres import PostgresServer

# its module fixture is costly: one worker sets it up (--dist loadgroup)
pytestmark = pytest.mark.xdist_group("postgres-shared")


@pytest.fixture
def server(pg_server: PostgresServer) -> PostgresServer:
    return pg_server


@pytest.fixture
def url(pg_url: str) -> str:
    return pg_url


def progress(path: str, at: str, **fields: dict[str, object]) -> dict[str, object]:
    return {"kind": "progress", "n": 1, "library": "Media", "path": path,
            "fingerprint": None, "ids": {}, "at": at, "fields": fields}  # fmt: skip


def test_schema_is_created_once_even_by_two_kinos_at_once(url: str) -> None:
    errors: list[BaseException] = []

    def open_one() -> None:
        try:
            SharedDatabase(url, "box").connection()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=open_one) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    database = SharedDatabase(url, "box")
    conn = database.connection()
    assert conn.execute("SELECT version, readable_by FROM kino_meta").fetchall() == [(1, 1)]
    assert database.state is not None and database.state.version == schema.VERSION


def test_a_newer_schema_older_kinos_can_use_is_used_one_they_cannot_is_refused(
    url: str, server: PostgresServer
) -> None:
    SharedDatabase(url, "box").connection()
    dbname = url.split("/")[3].split("?")[0]
    server.sql("UPDATE kino_meta SET version = 2", database=dbname)  # additive: still readable
    database = SharedDatabase(url, "box")
    database.deliver([progress("a.mkv", "2026-01-01T00:00:00+00:00", watched={"watched": True})])
    assert len(database.changes_since(0).progress) == 1
    server.sql("UPDATE kino_meta SET version = 3, readable_by = 3", database=dbname)
    with pytest.raises(SchemaTooNew, match="upgrade kino"):
        SharedDatabase(url, "box").connection()


def test_a_failed_migration_changes_nothing(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = schema.Migration(1, 1, schema.MIGRATIONS[0].sql + "\nSELECT * FROM no_such_table;")
    with monkeypatch.context() as patch:
        patch.setattr(schema, "MIGRATIONS", (broken,))
        with pytest.raises(SharedUnavailable, match="could not create or migrate"):
            SharedDatabase(url, "box").connection()
    conn = SharedDatabase(url, "box").connection()  # the real migration, from nothing
    assert conn.execute("SELECT version FROM kino_meta").fetchall() == [(1,)]


def test_the_later_change_wins_field_by_field(url: str) -> None:
    living, bedroom = SharedDatabase(url, "living"), SharedDatabase(url, "bedroom")
    # the bedroom marks it watched at 10:00; the living room, offline, played it at 09:00
    # (its position) and delivers later: the watched mark stays, the position arrives
    bedroom.deliver([progress("Dark/e1.mkv", "2026-01-01T10:00:00+00:00",
                              watched={"watched": True})])  # fmt: skip
    living.deliver([progress("Dark/e1.mkv", "2026-01-01T09:00:00+00:00",
                             watched={"watched": False},
                             position={"position": 42.0, "duration": 100.0})])  # fmt: skip
    row = living.changes_since(0).progress[0]
    assert (row["watched"], row["watched_box"]) == (True, "bedroom")
    assert (row["position"], row["position_box"]) == (42.0, "living")
    # "not watched" is a change like any other: later, it wins
    living.deliver([progress("Dark/e1.mkv", "2026-01-01T11:00:00+00:00",
                             watched={"watched": False})])  # fmt: skip
    row = bedroom.changes_since(0).progress[0]
    assert row["watched"] is False and row["watched_box"] == "living"


def test_a_joined_change_keeps_each_groups_own_time(url: str) -> None:
    living, bedroom = SharedDatabase(url, "living"), SharedDatabase(url, "bedroom")
    joined = progress("Dark/e2.mkv", "2026-01-01T12:00:00+00:00", watched={"watched": True},
                      position={"position": 30.0, "duration": 100.0})  # fmt: skip
    joined["fields_at"] = {"watched": "2026-01-01T09:00:00+00:00",
                           "position": "2026-01-01T12:00:00+00:00"}  # fmt: skip
    bedroom.deliver([progress("Dark/e2.mkv", "2026-01-01T10:00:00+00:00",
                              watched={"watched": False})])  # fmt: skip
    living.deliver([joined])
    row = bedroom.changes_since(0).progress[0]
    assert (row["watched"], row["watched_box"]) == (False, "bedroom")  # 10:00 beats 09:00
    assert (row["position"], row["position_box"]) == (30.0, "living")


def test_reading_since_a_number_gives_only_newer_changes_in_order(url: str) -> None:
    database = SharedDatabase(url, "box")
    database.deliver([progress("a.mkv", "2026-01-01T00:00:00+00:00", watched={"watched": True})])
    first = database.changes_since(0)
    database.deliver([progress("b.mkv", "2026-01-01T00:00:01+00:00", watched={"watched": True})])
    later = database.changes_since(first.last_seq)
    assert [row["path"] for row in later.progress] == ["b.mkv"]
    assert not database.changes_since(later.last_seq)


class _HeldBeforeHistory:
    """The reader's own connection, held (by the test) just before it reads the history
    table: where another box's change can commit between two of its reads."""

    def __init__(self, conn, reached: threading.Event, go: threading.Event) -> None:  # type: ignore[no-untyped-def]
        self._conn, self._reached, self._go = conn, reached, go

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self._conn, name)

    def cursor(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return _HeldCursor(self._conn.cursor(*args, **kwargs), self._reached, self._go)


class _HeldCursor:
    def __init__(self, cursor, reached: threading.Event, go: threading.Event) -> None:  # type: ignore[no-untyped-def]
        self._cursor, self._reached, self._go = cursor, reached, go

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self._cursor, name)

    def __enter__(self):  # type: ignore[no-untyped-def]
        self._cursor.__enter__()
        return self

    def __exit__(self, *exc) -> None:  # type: ignore[no-untyped-def]
        self._cursor.__exit__(*exc)

    def execute(self, query, params=None):  # type: ignore[no-untyped-def]
        if "kino_history" in str(query) and not self._go.is_set():
            self._reached.set()
            self._go.wait(30)
        return self._cursor.execute(query, params)


def test_a_change_committed_while_another_box_reads_is_never_skipped(url: str) -> None:
    """A position and a play delivered together, committed after the reader read the
    progress table and before it read the history: the position must still arrive
    (the four-writer test once ended with one box's mark missing)."""
    reader, writer = SharedDatabase(url, "bedroom"), SharedDatabase(url, "living")
    reached, go = threading.Event(), threading.Event()
    reader._conn = _HeldBeforeHistory(reader.connection(), reached, go)  # type: ignore[assignment]
    first: list[Pulled] = []
    reading = threading.Thread(target=lambda: first.append(reader.changes_since(0)))
    reading.start()
    assert reached.wait(30)
    play = {"kind": "history", "uid": "living-1", "library": "Media", "path": "a.mkv",
            "entry": {"position": 8.0}, "at": "2026-01-01T00:00:00+00:00"}  # fmt: skip
    writer.deliver([progress("a.mkv", "2026-01-01T00:00:00+00:00",
                             position={"position": 8.0, "duration": 400.0}), play])  # fmt: skip
    go.set()
    reading.join(30)
    after = reader.changes_since(first[0].last_seq)
    seen = [row["path"] for pulled in (first[0], after) for row in pulled.progress]
    assert seen == ["a.mkv"]


def test_a_wrong_password_is_said_and_never_printed(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "none"))
    monkeypatch.setenv("PGPASSWORD", "hunter2-wrong")
    with pytest.raises(SharedUnavailable) as failure:
        SharedDatabase(url, "box").connection()
    assert "refused the password for user kino" in str(failure.value)
    assert "~/.pgpass" in str(failure.value) and failure.value.reachable
    monkeypatch.delenv("PGPASSWORD")
    with_password = url.replace("kino@", "kino:hunter2-wrong@")
    with pytest.raises(SharedUnavailable) as failure:
        SharedDatabase(with_password, "box").connection()
    assert "hunter2" not in str(failure.value) and "kino:***@" in str(failure.value)


def test_a_missing_database_says_how_to_create_it(server: PostgresServer, url: str) -> None:
    with pytest.raises(SharedUnavailable, match=r"kino_nothere does not exist.*createdb kino_nothere"):
        SharedDatabase(server.url("kino_nothere"), "box").connection()


def test_a_wrong_url_is_said(url: str) -> None:
    with pytest.raises(SharedUnavailable, match="not a PostgreSQL URL kino can use"):
        SharedDatabase(url + "&nonsense=1", "box").connection()


def test_a_stopped_server_is_unreachable_not_an_error_to_stop_for(
    server: PostgresServer, url: str
) -> None:
    database = SharedDatabase(url, "box")
    database.connection()
    server.stop()
    try:
        with pytest.raises(SharedUnavailable, match="cannot reach the shared database") as failure:
            database.changes_since(0)
        assert not failure.value.reachable
    finally:
        server.start()
    assert not database.changes_since(0)  # back: the next call connects again


def test_redact_hides_only_the_password() -> None:
    assert redact("postgresql://kino:pw@nas:5433/kino") == "postgresql://kino:***@nas:5433/kino"
    assert redact("postgresql://kino@nas/kino") == "postgresql://kino@nas/kino"
    assert redact("postgresql://kino@nas/kino?password=pw&sslmode=require") == (
        "postgresql://kino@nas/kino?password=***&sslmode=require"
    )
