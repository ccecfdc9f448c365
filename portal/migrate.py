"""Apply Piccolo migrations of every portal app, on SQLite or PostgreSQL."""

from __future__ import annotations

import contextlib
import io
from typing import Any, cast

from piccolo.apps.migrations.commands.forwards import run_forwards

from portal.db import get_engine, is_sqlite


class MigrationError(RuntimeError):
    pass


async def migrate(*, quiet: bool = True) -> None:
    if is_sqlite():
        # WAL lets readers proceed while one writer works; the setting persists in the file.
        await cast(Any, get_engine())._run_in_new_connection("PRAGMA journal_mode=WAL")
    output = io.StringIO()
    try:
        with contextlib.redirect_stdout(output) if quiet else contextlib.nullcontext():
            result = await run_forwards(app_name="all", migration_id="all", fake=False)
    except Exception as exc:
        raise MigrationError(f"Migrations failed: {type(exc).__name__}: {exc}") from exc
    if not result.success:
        raise MigrationError(f"Migrations failed: {result.message}\n{output.getvalue()[-2000:]}")
