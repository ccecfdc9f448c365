"""A scratch portal database of the run's engine, driven through the `portal` command in subprocesses.

Backup and restore replace whole databases, so they cannot run inside the suite's rolled-back transaction:
each `ScratchPortal` is its own SQLite file or `portal_ops_<random>` PostgreSQL database with its own files
folder, removed at the end.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import secrets
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tests.e2e.harness import DEMO_PASSWORD, portal_command
from tests.support.databases import create_postgres_database, drop_postgres_database

ENGINE = os.environ.get("PORTAL_TEST_ENGINE", "sqlite")
PG_SERVER_URL = os.environ.get("PORTAL_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
BACKUP_KEY = "backup key for the tests " + "q" * 12
SECRET_KEY = "operations-secret-key-" + "z" * 32


@dataclass
class ScratchPortal:
    work_dir: Path
    name: str
    database_url: str = ""
    pg_database: str | None = None

    @classmethod
    def create(cls, work_dir: Path, name: str) -> ScratchPortal:
        portal = cls(work_dir=work_dir, name=name)
        (work_dir / name).mkdir(parents=True, exist_ok=True)
        if ENGINE == "sqlite":
            portal.database_url = f"sqlite:///{work_dir / name / 'portal.sqlite3'}"
        else:
            portal.pg_database = f"portal_ops_{secrets.token_hex(4)}"
            asyncio.run(create_postgres_database(PG_SERVER_URL, portal.pg_database))
            portal.database_url = PG_SERVER_URL.rsplit("/", 1)[0] + "/" + portal.pg_database
        return portal

    @property
    def files_dir(self) -> Path:
        return self.work_dir / self.name / "files"

    def env(self, **extra: str) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if not key.startswith("PORTAL_")}
        env.update(
            {
                "PORTAL_DATABASE_URL": self.database_url,
                "PORTAL_SECRET_KEY": SECRET_KEY,
                "PORTAL_VAR_DIR": str(self.work_dir / self.name / "var"),
                "PORTAL_FILES_DIR": str(self.files_dir),
                "PORTAL_OUTBOX_DIR": str(self.work_dir / self.name / "outbox"),
                "PORTAL_DEMO_PASSWORD": DEMO_PASSWORD,
                "PORTAL_LOG_LEVEL": "WARNING",
                "PORTAL_BACKUP_KEY": BACKUP_KEY,
            }
        )
        env.update(extra)
        return {key: value for key, value in env.items() if value != ""}

    def cli(self, *args: str, stdin: str | None = None, **extra_env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*portal_command(), *args],
            env=self.env(**extra_env),
            cwd=self.work_dir,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )

    def ok(self, *args: str, **extra_env: str) -> str:
        completed = self.cli(*args, **extra_env)
        assert completed.returncode == 0, f"portal {' '.join(args)}: {completed.stdout}\n{completed.stderr}"
        return completed.stdout

    def wipe(self) -> None:
        """Lose everything: the database becomes a brand-new empty one, the files folder disappears."""
        shutil.rmtree(self.files_dir, ignore_errors=True)
        if ENGINE == "sqlite":
            (self.work_dir / self.name / "portal.sqlite3").unlink(missing_ok=True)
        else:
            assert self.pg_database is not None
            asyncio.run(create_postgres_database(PG_SERVER_URL, self.pg_database))

    def drop(self) -> None:
        if self.pg_database is not None:
            asyncio.run(drop_postgres_database(PG_SERVER_URL, self.pg_database))

    def row_counts(self) -> dict[str, int]:
        from portal.operations.databases import table_counts
        from portal.settings import parse_database_url

        return asyncio.run(table_counts(parse_database_url(self.database_url)))

    def file_digests(self) -> dict[str, str]:
        return {
            path.relative_to(self.files_dir).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(self.files_dir.rglob("*"))
            if path.is_file()
        }
