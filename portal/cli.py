"""The `portal` command: serve, migrate, demo, worker, user and audit administration."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from portal.errors import DomainError
from portal.settings import SettingsError

T = TypeVar("T")


def run(coroutine_factory: Callable[[], Awaitable[T]]) -> T:
    """Run one async unit of work; turn domain and configuration errors into a message and exit code 1."""
    try:
        return asyncio.run(coroutine_factory())  # type: ignore[arg-type]
    except (DomainError, SettingsError) as exc:
        message = exc.message if isinstance(exc, DomainError) else str(exc)
        click.echo(f"Error: {message}", err=True)
        sys.exit(1)


def _check_settings() -> None:
    from portal.settings import apply_clock, get_settings

    try:
        apply_clock(get_settings())
    except SettingsError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)


@click.group()
def main() -> None:
    """Harbor Portal: case management, family portal and billing for independent practices."""
    _check_settings()


@main.command()
def migrate() -> None:
    """Apply database migrations (SQLite or PostgreSQL, from PORTAL_DATABASE_URL)."""
    from portal.migrate import MigrationError
    from portal.migrate import migrate as do_migrate

    try:
        run(lambda: do_migrate(quiet=True))
    except MigrationError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    click.echo("Migrations applied.")


@main.command()
@click.option("--if-empty", is_flag=True, help="Only load into an empty database; otherwise print the sign-ins.")
def demo(if_empty: bool) -> None:
    """Load the demo practice into an empty database and print the demo sign-ins."""
    from portal.demo import DEMO_PEOPLE, DemoNotEmpty, database_is_empty, load_demo, remembered_demo_password
    from portal.settings import get_settings

    async def go() -> Any:
        if if_empty and not await database_is_empty():
            return None
        return await load_demo(get_settings().demo_password)

    try:
        result = run(go)
    except DemoNotEmpty as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    if result is None:
        password = get_settings().demo_password or remembered_demo_password()
        click.echo("The database already has data; the demo was not loaded again.")
        if password:
            people = [(name, email, role.value) for email, name, role in DEMO_PEOPLE]
            _print_demo_sign_ins(people, password, generated=False)
        return
    click.echo("Demo practice loaded: Harbor Case Management")
    _print_demo_sign_ins(result.people, result.password, result.generated_password)


def _print_demo_sign_ins(people: list[tuple[str, str, str]], password: str, generated: bool) -> None:
    click.echo("")
    click.echo("Demo sign-ins (password for everyone: " + password + ")")
    if generated:
        click.echo("  The password was generated (and kept in var/demo-password.txt for the next `make run`);")
        click.echo("  set PORTAL_DEMO_PASSWORD to choose it.")
    width = max((len(email) for _, email, _ in people), default=0)
    for name, email, role in people:
        click.echo(f"  {email:<{width}} {role:<13} {name}")
    click.echo("")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--with-worker", is_flag=True, help="Also run the background worker inside this process.")
@click.option("--workers", default=1, show_default=True, type=int, help="Web processes (uvicorn workers).")
@click.option("--proxy-headers", is_flag=True, help="Trust X-Forwarded-For/Proto from FORWARDED_ALLOW_IPS.")
def serve(host: str, port: int, with_worker: bool, workers: int, proxy_headers: bool) -> None:
    """Serve the portal over HTTP."""
    import uvicorn

    if with_worker:
        os.environ["PORTAL_EMBEDDED_WORKER"] = "1"
        # The settings were loaded (and kept) when the command started: load them again so the app sees this.
        from portal.settings import override_settings

        override_settings(None)
    click.echo(f"Serving on http://{host}:{port}" + (" with the background worker" if with_worker else ""))
    uvicorn.run(
        "portal.asgi:app",
        host=host,
        port=port,
        workers=workers,
        access_log=False,  # our access log never records query strings (they can carry names)
        proxy_headers=proxy_headers,
        log_level="warning",
    )


@main.command()
@click.option("--once", is_flag=True, help="Run one round (deliver due e-mail) and exit.")
@click.option("--poll-seconds", default=2.0, show_default=True, type=float)
def worker(once: bool, poll_seconds: float) -> None:
    """Run the background worker (e-mail outbox, housekeeping)."""
    from portal.logging_setup import configure_logging
    from portal.settings import get_settings
    from portal.worker import run_forever, run_once

    configure_logging(get_settings().log_level)
    if once:
        report = run(run_once)
        click.echo(
            f"E-mail: {report.mail.sent} sent, {report.mail.retried} to retry, {report.mail.failed} failed, "
            f"{report.mail.uncertain} uncertain."
        )
        return

    async def forever() -> None:
        import signal

        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await run_forever(stop, poll_seconds=poll_seconds)

    click.echo("Worker running; Ctrl-C to stop.")
    run(forever)


@main.group()
def user() -> None:
    """Manage user accounts."""


ROLE_NAMES = ["owner", "case_manager", "billing", "family"]


@user.command("create")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice(ROLE_NAMES))
@click.option("--name", default=None, help="Full name (defaults to the part of the address before @).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def user_create(email: str, role: str, name: str | None, password_stdin: bool) -> None:
    """Create an account. The password comes from a prompt or, with --password-stdin, standard input."""
    from portal.accounts import services
    from portal.policy import Principal, Role

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    display_name = name or email.split("@", 1)[0]
    created = run(
        lambda: services.create_user(
            Principal.system("cli"), email=email, name=display_name, role=Role(role), password=password
        )
    )
    click.echo(f"Created {created['email']} ({created['role']}).")


@user.command("list")
def user_list() -> None:
    """List accounts."""
    from portal.accounts import services

    rows = run(services.list_users)
    click.echo(f"{'EMAIL':<32} {'ROLE':<13} {'STATUS':<12} {'MFA':<4} NAME")
    for row in rows:
        status = "active" if row["active"] else "deactivated"
        if row["active"] and not row["has_password"]:
            status = "invited"
        click.echo(
            f"{row['email']:<32} {row['role']:<13} {status:<12} {'on' if row['mfa_enabled'] else 'off':<4} "
            f"{row['name']}"
        )


@user.command("deactivate")
@click.argument("email")
def user_deactivate(email: str) -> None:
    """Deactivate an account and end its sessions at once."""
    from portal.accounts import services
    from portal.policy import Principal

    row = run(lambda: services.deactivate_user_by_email(Principal.system("cli"), email))
    click.echo(f"Deactivated {row['email']}; their sessions have ended.")


@main.group()
def billing() -> None:
    """Retainer billing."""


@billing.command("run")
@click.option("--period", required=True, help="The month to bill, like 2026-11.")
@click.option("--dry-run", is_flag=True, help="Print what would be billed; change nothing.")
def billing_run(period: str, dry_run: bool) -> None:
    """Bill every active agreement for a month: exactly one invoice per agreement and month."""
    from portal.billing.run import run_monthly_billing
    from portal.logging_setup import configure_logging
    from portal.policy import Principal
    from portal.settings import get_settings

    configure_logging(get_settings().log_level)
    summary = run(lambda: run_monthly_billing(Principal.system("cli"), period, dry_run=dry_run))
    if dry_run:
        click.echo(
            f"Dry run for {summary.period}: would create {len(summary.planned)} invoice(s), "
            f"{summary.existing} already exist."
        )
        for plan in summary.planned:
            lines = "; ".join(f"{line.description} ${line.amount_cents / 100:,.2f}" for line in plan.lines)
            click.echo(
                f"  agreement {plan.agreement_id} (client {plan.client_id}): ${plan.total_cents / 100:,.2f} — {lines}"
            )
        click.echo(f"Total: ${summary.total_cents / 100:,.2f}")
    else:
        click.echo(
            f"Billing for {summary.period}: {summary.created} created, {summary.existing} already existed, "
            f"{len(summary.skipped)} skipped. Total billed: ${summary.total_cents / 100:,.2f}."
        )
    for skip in summary.skipped:
        click.echo(f"  skipped agreement {skip['agreement']} (client {skip['client']}): {skip['reason']}")


@billing.command("superbill")
@click.option("--client", "client_id", required=True, type=int, help="The client's id.")
@click.option("--period", required=True, help="The month, like 2026-11.")
@click.option("--output", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The PDF to write.")
def billing_superbill(client_id: int, period: str, output: Path) -> None:
    """Issue a client's superbill for a month (unless already issued) and write its PDF; exit 1 with every problem."""
    from portal.billing.superbills import SuperbillRefused, issue_or_existing
    from portal.policy import Principal

    async def go() -> tuple[int, int, bool, bytes] | list[str]:
        try:
            return await issue_or_existing(Principal.system("cli"), client_id, period)
        except SuperbillRefused as refused:
            return refused.problems

    result = run(go)
    if isinstance(result, list):
        click.echo(f"Error: the superbill for {period} cannot be issued:", err=True)
        for problem in result:
            click.echo(f"  - {problem}", err=True)
        sys.exit(1)
    _, number, new, data = result
    output.write_bytes(data)
    click.echo(f"Superbill No. {number} {'issued' if new else 'already issued'}; PDF written to {output}.")


@main.group()
def network() -> None:
    """The program network."""


@network.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def network_import(file: Path) -> None:
    """Import SAMHSA FindTreatment.gov records: an API response's JSON (a `rows` list) or CSV with its columns."""
    from portal.network.importer import import_programs, report_lines
    from portal.policy import Principal

    report = run(lambda: import_programs(Principal.system("cli"), file.read_bytes(), file.name))
    for line in report_lines(report):
        click.echo(line)


@main.group()
def audit() -> None:
    """The audit log."""


@audit.command("verify")
def audit_verify() -> None:
    """Check the hash chain; exit 1 at the first broken link."""
    from portal.audit.services import verify_chain

    report = run(verify_chain)
    if report.intact:
        click.echo(f"Audit chain intact: {report.count} event{'' if report.count == 1 else 's'} verified.")
        return
    click.echo(f"Audit chain BROKEN at event {report.broken_seq}: {report.reason}", err=True)
    click.echo(f"{report.count} events verified before the break.", err=True)
    sys.exit(1)


@main.group()
def client() -> None:
    """Client records."""


@client.command("export")
@click.argument("client_id", type=click.IntRange(min=1))
@click.option("--output", required=True, type=click.Path(dir_okay=False, path_type=Path), help="The zip to write.")
def client_export(client_id: int, output: Path) -> None:
    """Write every record about one client (right of access) to a zip: JSON, documents, PDFs and an index."""
    from portal.operations.client_export import export_client
    from portal.policy import Principal

    result = run(lambda: export_client(Principal.system("cli"), client_id, output))
    click.echo(f"Exported client {client_id} to {output}: {len(result.files)} files.")


from portal.operations.commands import backup, restore, retention  # noqa: E402

main.add_command(backup)
main.add_command(restore)
main.add_command(retention)


if __name__ == "__main__":
    main()
