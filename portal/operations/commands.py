"""The operations part of the `portal` command: backup, restore, backup verify and retention purge.

portal/cli.py adds these to its `main` group.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click

from portal.errors import DomainError
from portal.settings import SettingsError

if TYPE_CHECKING:
    from portal.operations.backup import Manifest

T = TypeVar("T")


def _run(coroutine_factory: Callable[[], Awaitable[T]]) -> T:
    try:
        return asyncio.run(coroutine_factory())  # type: ignore[arg-type]
    except (DomainError, SettingsError) as exc:
        message = exc.message if isinstance(exc, DomainError) else str(exc)
        click.echo(f"Error: {message}", err=True)
        sys.exit(1)


@click.command("backup")
@click.argument("args", nargs=-1, required=True, metavar="FILE | verify FILE")
def backup(args: tuple[str, ...]) -> None:
    """`portal backup FILE` writes an encrypted backup (database and files; key from PORTAL_BACKUP_KEY).

    `portal backup verify FILE` restores it into a scratch database and checks row counts and the audit chain.
    """
    from portal.operations.backup import create_backup, describe, verify_backup

    if len(args) == 2 and args[0] == "verify":
        report = _run(lambda: verify_backup(Path(args[1])))
        click.echo(f"Backup verified: {describe(report.manifest)}; row counts match.")
        click.echo(f"Audit chain intact: {report.audit_events} events verified in the restored copy.")
        return
    if len(args) != 1:
        raise click.UsageError("Use `portal backup FILE` or `portal backup verify FILE`.")

    async def go() -> Manifest:
        from portal.audit import services as audit
        from portal.db import close_pool, start_pool
        from portal.operations.backup import _key
        from portal.policy import Principal
        from portal.settings import get_settings

        _key(get_settings())  # refuse before writing anything when there is no key
        await start_pool()
        try:
            # Recorded before the snapshot, so the backup holds the record of its own making.
            await audit.record(Principal.system("backup"), "operations.backup", resource_type="backup")
        finally:
            await close_pool()
        return await create_backup(Path(args[0]))

    manifest = _run(go)
    click.echo(f"Backup written to {args[0]}: {describe(manifest)}.")


@click.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that already has data (everything in it is lost).")
def restore(file: Path, force: bool) -> None:
    """Restore a backup into the (empty) database of PORTAL_DATABASE_URL and the files folder."""
    from portal.operations.backup import describe, restore_backup

    manifest = _run(lambda: restore_backup(file, force=force))
    click.echo(f"Restored {describe(manifest)}; row counts match the backup.")


@click.group("retention")
def retention() -> None:
    """Records retention: purge archived clients past the retention period."""


@retention.command("purge")
@click.option("--dry-run", is_flag=True, help="List the archived clients that are due; delete nothing.")
def retention_purge(dry_run: bool) -> None:
    """Delete every record of archived clients whose retention period has passed (never those on legal hold).

    Clients are named by id only: the output may end up in a log.
    """
    from portal.operations.retention import purge_due
    from portal.policy import Principal

    overview, results = _run(lambda: purge_due(Principal.system("retention"), dry_run=dry_run))
    held = [row for row in overview.archived if row.held]
    click.echo(
        f"Retention {overview.years} years after the last service; {len(overview.archived)} archived client(s), "
        f"{len(overview.due)} due, {len(held)} on legal hold."
    )
    if dry_run:
        for row in overview.due:
            click.echo(f"  would purge client {row.id} (last service {row.last_service}, due {row.purge_on})")
        return
    for result in results:
        click.echo(f"  purged client {result.client_id}: {result.total_rows} rows, {result.files} files")
