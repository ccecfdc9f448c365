"""A scratch database of its own, on the run's engine, for tests that drive the `portal` command or must commit."""

from __future__ import annotations

import asyncio
import os
import secrets
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.support.databases import create_postgres_database, drop_postgres_database

PORTAL = [sys.executable, "-m", "portal.cli"]


@dataclass
class ScratchDatabase:
    url: str
    directory: Path
    pg_server_url: str | None = None
    pg_name: str | None = None

    @property
    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            {
                "PORTAL_DATABASE_URL": self.url,
                "PORTAL_VAR_DIR": str(self.directory / "var"),
                "PORTAL_FILES_DIR": str(self.directory / "files"),
                "PORTAL_OUTBOX_DIR": str(self.directory / "outbox"),
            }
        )
        return env

    def cli(self, *args: str, stdin: str | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*PORTAL, *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=self.env,
            timeout=timeout,
            check=False,
        )

    def drop(self) -> None:
        if self.pg_server_url and self.pg_name:
            asyncio.run(drop_postgres_database(self.pg_server_url, self.pg_name))


def create_scratch_database(directory: Path, *, migrate: bool = True) -> ScratchDatabase:
    engine = os.environ.get("PORTAL_TEST_ENGINE", "sqlite")
    directory.mkdir(parents=True, exist_ok=True)
    if engine == "sqlite":
        scratch = ScratchDatabase(url=f"sqlite:///{directory / 'scratch.sqlite3'}", directory=directory)
    else:
        server = os.environ.get("PORTAL_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
        name = f"portal_scratch_{secrets.token_hex(4)}"
        asyncio.run(create_postgres_database(server, name))
        scratch = ScratchDatabase(
            url=server.rsplit("/", 1)[0] + "/" + name, directory=directory, pg_server_url=server, pg_name=name
        )
    if migrate:
        result = scratch.cli("migrate")
        assert result.returncode == 0, result.stderr
    return scratch


def sql(scratch: ScratchDatabase, statement: str) -> None:
    """Run one SQL statement straight against the scratch database (to tamper with it, as an attacker would)."""
    if scratch.pg_server_url is None:
        import sqlite3

        connection = sqlite3.connect(scratch.url.removeprefix("sqlite:///"))
        with connection:
            connection.execute(statement)
        connection.close()
        return

    import asyncpg

    async def run() -> None:
        connection = await asyncpg.connect(scratch.url)
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

    asyncio.run(run())
