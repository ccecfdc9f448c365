"""`portal backup`, `portal restore` and `portal backup verify`.

A backup is one encrypted file (see backup_crypto.py) holding a gzipped tar of:
  manifest.json      engine, time, row count of every table, sha256 of every stored file
  database.sqlite3   SQLite: a consistent copy taken with the online backup API (the app may keep running)
  database.sql       PostgreSQL: `pg_dump` of the snapshot the row counts were taken in
  files/…            the uploaded and generated files (PORTAL_FILES_DIR)

Restoring replaces the whole database (refused when it has users, unless forced) and writes the files back;
verifying restores into a scratch database and checks the row counts and the audit chain there.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg

from portal.clock import utcnow
from portal.db import PortalSQLiteEngine, get_engine
from portal.operations import databases
from portal.operations.backup_crypto import BackupCryptoError, check_key, decrypt_stream, encrypt_stream
from portal.operations.databases import OperationFailed
from portal.settings import DatabaseTarget, Settings, get_settings, parse_database_url

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
POSTGRES_MEMBER = "database.sql"
FILES_PREFIX = "files/"


@dataclass
class Manifest:
    engine: str
    created_at: str
    tables: dict[str, int]
    files: dict[str, str] = field(default_factory=dict)  # path under files/ -> sha256
    format: int = FORMAT_VERSION

    def to_json(self) -> bytes:
        return json.dumps(self.__dict__, indent=2, sort_keys=True).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        try:
            data = json.loads(raw)
            manifest = cls(
                engine=str(data["engine"]),
                created_at=str(data["created_at"]),
                tables={str(k): int(v) for k, v in data["tables"].items()},
                files={str(k): str(v) for k, v in data.get("files", {}).items()},
                format=int(data["format"]),
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise OperationFailed("The backup's manifest is unreadable.") from exc
        if manifest.format != FORMAT_VERSION:
            raise OperationFailed(f"This backup has format {manifest.format}; this portal reads {FORMAT_VERSION}.")
        return manifest

    @property
    def total_rows(self) -> int:
        return sum(self.tables.values())


@dataclass(frozen=True)
class VerifyReport:
    manifest: Manifest
    audit_events: int


def _key(settings: Settings) -> str:
    try:
        return check_key(settings.backup_key)
    except BackupCryptoError as exc:
        raise OperationFailed(str(exc)) from exc


@contextmanager
def _private_directory() -> Iterator[Path]:
    """A 0700 temporary directory for the unencrypted parts, removed whatever happens."""
    path = Path(tempfile.mkdtemp(prefix="portal-backup-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def _stored_files(files_dir: Path) -> Iterator[tuple[str, Path]]:
    if not files_dir.is_dir():
        return
    for path in sorted(files_dir.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path.relative_to(files_dir).as_posix(), path


# --------------------------------------------------------------------------- backup


def _copy_sqlite(source: Path, destination: Path) -> dict[str, int]:
    if not source.exists():
        raise OperationFailed(f"There is no SQLite database at {source}.")
    with closing(sqlite3.connect(source, timeout=30)) as src, closing(sqlite3.connect(destination)) as dst:
        src.backup(dst)
    return databases.sqlite_counts(destination)


async def _check_postgres_tools(dsn: str, tool: str) -> str:
    path = databases.postgres_tool(tool)
    server = await databases.server_major_version(dsn)
    client = databases.tool_major_version(path)
    if client < server:
        raise OperationFailed(
            f"{tool} is version {client} but the server is PostgreSQL {server}: install the client tools of "
            f"version {server} or newer (Debian: apt-get install postgresql-client-{server})."
        )
    return path


async def _dump_postgres(dsn: str, destination: Path) -> dict[str, int]:
    """pg_dump the snapshot in which the rows are counted, so the manifest describes exactly the dump."""
    pg_dump = await _check_postgres_tools(dsn, "pg_dump")
    connection = await asyncpg.connect(dsn, timeout=10)
    try:
        async with connection.transaction(isolation="repeatable_read", readonly=True):
            snapshot = await connection.fetchval("SELECT pg_export_snapshot()")
            counts = await databases.postgres_counts(connection)
            process = await asyncio.create_subprocess_exec(
                pg_dump,
                "--format=plain",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                f"--file={destination}",
                env=databases.libpq_environment(dsn),
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
            _, stderr = await process.communicate()
            if process.returncode != 0:
                raise OperationFailed("pg_dump failed: " + stderr.decode(errors="replace").strip()[-500:])
    finally:
        await connection.close()
    return counts


async def create_backup(output: Path, *, settings: Settings | None = None) -> Manifest:
    """Write an encrypted backup of the database and the stored files to `output`."""
    settings = settings or get_settings()
    key = _key(settings)
    target = parse_database_url(settings.database_url)
    if not output.parent.is_dir():
        raise OperationFailed(f"The folder {output.parent} does not exist.")
    with _private_directory() as work:
        if target.engine == "sqlite":
            assert target.path is not None
            database_member = SQLITE_MEMBER
            counts = _copy_sqlite(Path(target.path), work / SQLITE_MEMBER)
        else:
            assert target.dsn is not None
            database_member = POSTGRES_MEMBER
            counts = await _dump_postgres(target.dsn, work / POSTGRES_MEMBER)
        files = list(_stored_files(settings.files_dir))
        manifest = Manifest(
            engine=target.engine,
            created_at=utcnow().isoformat(),
            tables=counts,
            files={name: _sha256(path) for name, path in files},
        )
        (work / MANIFEST).write_bytes(manifest.to_json())
        archive = work / "backup.tar.gz"
        with tarfile.open(archive, "w:gz", compresslevel=6) as tar:
            tar.add(work / MANIFEST, arcname=MANIFEST)
            tar.add(work / database_member, arcname=database_member)
            for name, path in files:
                tar.add(path, arcname=FILES_PREFIX + name)
        partial = output.with_name(output.name + ".partial")
        with archive.open("rb") as source, partial.open("wb") as sealed:
            os.chmod(partial, 0o600)
            encrypt_stream(source, sealed, key)
        os.replace(partial, output)
    return manifest


# --------------------------------------------------------------------------- restore


def _open_backup(source: Path, work: Path, key: str) -> tuple[Manifest, Path]:
    """Decrypt and unpack the backup into `work`; the manifest and the unpacked folder."""
    if not source.is_file():
        raise OperationFailed(f"There is no backup file at {source}.")
    archive = work / "backup.tar.gz"
    try:
        with source.open("rb") as sealed, archive.open("wb") as plain:
            decrypt_stream(sealed, plain, key)
    except BackupCryptoError as exc:
        raise OperationFailed(str(exc)) from exc
    unpacked = work / "unpacked"
    unpacked.mkdir()
    try:
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(unpacked, filter="data")
    except (tarfile.TarError, OSError) as exc:
        raise OperationFailed(f"The backup's archive is unreadable: {exc}") from exc
    manifest_path = unpacked / MANIFEST
    if not manifest_path.is_file():
        raise OperationFailed("The backup has no manifest.")
    manifest = Manifest.from_json(manifest_path.read_bytes())
    for name, digest in manifest.files.items():
        if name.startswith("/") or ".." in Path(name).parts:
            raise OperationFailed(f"The backup names a file outside the files folder: {name!r}")
        path = unpacked / FILES_PREFIX / name
        if not path.is_file() or _sha256(path) != digest:
            raise OperationFailed(f"A stored file in the backup is missing or damaged: {name}")
    return manifest, unpacked


def _restore_sqlite(source: Path, destination: Path) -> None:
    destination.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(destination, timeout=30)) as dst:
        src.backup(dst)


async def _restore_postgres(source: Path, dsn: str) -> None:
    """Replace the public schema with the dump's, in one transaction: a failure leaves the database as it was."""
    psql = await _check_postgres_tools(dsn, "psql")
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as prelude:
        prelude.write("DROP SCHEMA IF EXISTS public CASCADE;\nCREATE SCHEMA public;\n")
    try:
        process = await asyncio.create_subprocess_exec(
            psql,
            "--no-psqlrc",
            "--quiet",
            "--single-transaction",
            "--set=ON_ERROR_STOP=1",
            f"--file={prelude.name}",
            f"--file={source}",
            env=databases.libpq_environment(dsn),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        _, stderr = await process.communicate()
    finally:
        os.unlink(prelude.name)
    if process.returncode != 0:
        raise OperationFailed("Restoring the database failed: " + stderr.decode(errors="replace").strip()[-500:])
    await databases.reset_sequences(dsn)


def _restore_files(unpacked: Path, manifest: Manifest, files_dir: Path) -> None:
    for name in manifest.files:
        destination = files_dir / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(unpacked / FILES_PREFIX / name, destination)


def _compare_counts(expected: dict[str, int], actual: dict[str, int]) -> None:
    problems = [
        f"{table}: {expected.get(table, 'missing')} in the backup, {actual.get(table, 'missing')} restored"
        for table in sorted(set(expected) | set(actual))
        if expected.get(table) != actual.get(table)
    ]
    if problems:
        raise OperationFailed("The restored row counts differ from the backup's manifest: " + "; ".join(problems))


async def restore_into(
    source: Path, target: DatabaseTarget, files_dir: Path, key: str, *, force: bool = False
) -> Manifest:
    with _private_directory() as work:
        manifest, unpacked = _open_backup(source, work, key)
        if manifest.engine != target.engine:
            raise OperationFailed(
                f"This is a {manifest.engine} backup; PORTAL_DATABASE_URL points at {target.engine}. "
                "Restore it into a database of the same engine."
            )
        if not force and await databases.has_users(target):
            raise OperationFailed(
                "The target database is not empty (it has users). Restore into an empty database, "
                "or pass --force to replace everything in it."
            )
        if target.engine == "sqlite":
            assert target.path is not None
            _restore_sqlite(unpacked / SQLITE_MEMBER, Path(target.path))
            # Connections kept open by this process point at the file that was replaced: let them go.
            engine = get_engine()
            if isinstance(engine, PortalSQLiteEngine):
                await engine.close_idle()
        else:
            assert target.dsn is not None
            await _restore_postgres(unpacked / POSTGRES_MEMBER, target.dsn)
        _restore_files(unpacked, manifest, files_dir)
        _compare_counts(manifest.tables, await databases.table_counts(target))
    return manifest


async def restore_backup(source: Path, *, force: bool = False, settings: Settings | None = None) -> Manifest:
    settings = settings or get_settings()
    key = _key(settings)
    target = parse_database_url(settings.database_url)
    return await restore_into(source, target, settings.files_dir, key, force=force)


# --------------------------------------------------------------------------- verify


def _verify_audit_chain(database_url: str, files_dir: Path) -> int:
    """Run `portal audit verify` against the scratch database (the same code the operator runs)."""
    env = dict(os.environ)
    env.update({"PORTAL_DATABASE_URL": database_url, "PORTAL_FILES_DIR": str(files_dir), "PORTAL_LOG_LEVEL": "ERROR"})
    completed = subprocess.run(
        [sys.executable, "-m", "portal.cli", "audit", "verify"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if completed.returncode != 0:
        raise OperationFailed(
            "The restored audit chain does not verify: " + (completed.stderr or completed.stdout).strip()
        )
    words = completed.stdout.split()
    count = next((int(word) for word in words if word.isdigit()), 0)
    return count


async def verify_backup(source: Path, *, settings: Settings | None = None) -> VerifyReport:
    """Restore into a scratch database and folder, compare the row counts, verify the audit chain; clean up."""
    settings = settings or get_settings()
    key = _key(settings)
    live = parse_database_url(settings.database_url)
    with _private_directory() as scratch:
        files_dir = scratch / "files"
        if live.engine == "sqlite":
            database_url = f"sqlite:///{scratch / 'verify.sqlite3'}"
            manifest = await restore_into(source, parse_database_url(database_url), files_dir, key)
            events = await asyncio.to_thread(_verify_audit_chain, database_url, files_dir)
            return VerifyReport(manifest, events)
        assert live.dsn is not None
        name = f"portal_verify_{secrets.token_hex(6)}"
        await databases.create_database(live.dsn, name)
        try:
            scratch_dsn = databases.dsn_for_database(live.dsn, name)
            manifest = await restore_into(source, parse_database_url(scratch_dsn), files_dir, key)
            events = await asyncio.to_thread(_verify_audit_chain, scratch_dsn, files_dir)
        finally:
            await databases.drop_database(live.dsn, name)
        return VerifyReport(manifest, events)


def describe(manifest: Manifest) -> str:
    return (
        f"{manifest.engine} backup of {manifest.created_at}: {len(manifest.tables)} tables, "
        f"{manifest.total_rows} rows, {len(manifest.files)} files"
    )
