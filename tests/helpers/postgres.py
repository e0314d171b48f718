"""A real PostgreSQL server for the shared watch state tests, in a temporary folder.

Debian's PostgreSQL 15 (``/usr/lib/postgresql/15/bin``; CI installs the ``postgresql``
package from scripts/test.sh). The server refuses to run as root, so as root it runs as
the ``postgres`` system user (the package creates it) through ``runuser`` (otherwise as
the user running the tests); it listens only
on a Unix socket in its own folder (``listen_addresses = ''``), and asks every client
for a password (scram-sha-256), so a wrong password is a real refusal. The database
``kino`` belongs to the role ``kino``; kino finds the password in the ``PGPASSFILE``
the fixture writes, as libpq does.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

#: The newest Debian PostgreSQL installed (15 on Debian 12), whatever its version.
BIN = max(
    Path("/usr/lib/postgresql").glob("*/bin"),
    key=lambda path: int(path.parent.name) if path.parent.name.isdigit() else 0,
    default=Path("/usr/lib/postgresql/15/bin"),
)
USER = "postgres"
SUPERUSER_PASSWORD = "super-secret-pw"
PASSWORD = "kino-secret-pw"


def available() -> str | None:
    """Why the server cannot run here (None: it can)."""
    if not (BIN / "initdb").exists():
        return "PostgreSQL 15 is required: apt-get install postgresql (scripts/test.sh does)"
    if os.geteuid() != 0:
        return None  # the server runs as this user
    try:
        pwd.getpwnam(USER)
    except KeyError:
        return "the postgres system user is missing (the postgresql package creates it)"
    return None


@dataclass
class PostgresServer:
    """One server: ``start()``/``stop()`` as often as a test needs (the data stays)."""

    folder: Path
    port: int = 5432

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def sockets(self) -> Path:
        return self.folder / "sockets"

    @property
    def passfile(self) -> Path:
        return self.folder / "pgpass"

    def url(self, database: str = "kino", user: str = "kino") -> str:
        return f"postgresql://{user}@/{database}?host={self.sockets}&port={self.port}"

    def _as_postgres(self, *command: str, timeout: float = 120) -> None:
        """Run a server command as the postgres user (as root), or as ourselves (a
        developer's own account: the server only refuses root)."""
        prefix = ["runuser", "-u", USER, "--"] if os.geteuid() == 0 else []
        subprocess.run(
            [*prefix, *command],
            check=True,
            capture_output=True,
            timeout=timeout,
            cwd=self.folder,
        )

    def init(self) -> None:
        self.sockets.mkdir()
        superuser_pw = self.folder / "superuser-pw"
        superuser_pw.write_text(SUPERUSER_PASSWORD + "\n")
        if os.geteuid() == 0:
            postgres = pwd.getpwnam(USER)
            for path in (self.folder, self.sockets, superuser_pw):
                os.chown(path, postgres.pw_uid, postgres.pw_gid)
        self.folder.chmod(0o755)
        self._as_postgres(
            str(BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "scram-sha-256",
            f"--pwfile={superuser_pw}", "--no-sync", "-E", "UTF8", "--locale=C.UTF-8",
        )  # fmt: skip
        superuser_pw.unlink()
        self.passfile.write_text(
            f"*:*:*:postgres:{SUPERUSER_PASSWORD}\n*:*:*:kino:{PASSWORD}\n"
        )
        self.passfile.chmod(0o600)
        self.start()
        self.sql(f"CREATE ROLE kino LOGIN PASSWORD '{PASSWORD}'")
        self.sql("CREATE DATABASE kino OWNER kino")

    def start(self) -> None:
        options = f"-k {self.sockets} -c listen_addresses='' -p {self.port} -c fsync=off"
        self._as_postgres(
            str(BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "log"),
            "-o", options, "-w", "-t", "60", "start",
        )  # fmt: skip

    def stop(self) -> None:
        self._as_postgres(str(BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def sql(self, statement: str, database: str = "postgres") -> list[tuple[object, ...]]:
        """Run one statement as the superuser (for setting up and looking)."""
        import psycopg

        with psycopg.connect(
            self.url(database, "postgres"), autocommit=True, passfile=str(self.passfile)
        ) as conn:
            cursor = conn.execute(statement.encode())
            return list(cursor.fetchall()) if cursor.description else []

    def env(self) -> dict[str, str]:
        """What a kino process needs to find the password."""
        return {"PGPASSFILE": str(self.passfile)}


@contextlib.contextmanager
def postgres_server() -> Iterator[PostgresServer]:
    reason = available()
    if reason:
        pytest.fail(reason)
    folder = Path(tempfile.mkdtemp(prefix="kino-pg-"))
    server = PostgresServer(folder)
    try:
        server.init()
        yield server
    finally:
        if server.running():
            with contextlib.suppress(subprocess.SubprocessError):
                server.stop()
        deadline = time.monotonic() + 10
        while server.running() and time.monotonic() < deadline:
            time.sleep(0.1)
        shutil.rmtree(folder, ignore_errors=True)


_databases = itertools.count()


@pytest.fixture(scope="module")
def pg_server() -> Iterator[PostgresServer]:
    """One server for a test module (started in about two seconds)."""
    with postgres_server() as running:
        yield running


@pytest.fixture
def pg_url(pg_server: PostgresServer, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh database of the kino role for each test, its password in the PGPASSFILE."""
    name = f"kino_{next(_databases)}"
    pg_server.sql(f"CREATE DATABASE {name} OWNER kino")
    monkeypatch.setenv("PGPASSFILE", str(pg_server.passfile))
    return pg_server.url(name)
