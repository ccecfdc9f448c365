"""Test set-up: one real database per run (SQLite or PostgreSQL), migrated once, each test rolled back.

PORTAL_TEST_ENGINE=sqlite|postgres picks the engine; `make test` runs the suite once with each. The database
is created for this run (a temporary SQLite file, or `portal_test_<random>` on the PostgreSQL server at
PORTAL_TEST_DATABASE_URL or 127.0.0.1:5432) and dropped at the end, so no run depends on an earlier one.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import shutil
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

ENGINE = os.environ.get("PORTAL_TEST_ENGINE", "sqlite")
if ENGINE not in {"sqlite", "postgres"}:
    raise RuntimeError("PORTAL_TEST_ENGINE must be sqlite or postgres")

_RUN_DIR = Path(tempfile.mkdtemp(prefix="portal-tests-"))
_PG_SERVER_URL = os.environ.get("PORTAL_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
_PG_DATABASE = f"portal_test_{secrets.token_hex(4)}"

if ENGINE == "sqlite":
    TEST_DATABASE_URL = f"sqlite:///{_RUN_DIR / 'portal.sqlite3'}"
else:
    TEST_DATABASE_URL = _PG_SERVER_URL.rsplit("/", 1)[0] + "/" + _PG_DATABASE

# Everything the portal reads from the environment is set before it is first imported.
os.environ.update(
    {
        "PORTAL_DATABASE_URL": TEST_DATABASE_URL,
        "PORTAL_SECRET_KEY": "test-secret-key-" + "x" * 32,
        "PORTAL_BASE_URL": "http://testserver",
        "PORTAL_FILES_DIR": str(_RUN_DIR / "files"),
        "PORTAL_OUTBOX_DIR": str(_RUN_DIR / "outbox"),
        "PORTAL_ENV": "development",
        "PORTAL_LOG_LEVEL": "WARNING",
    }
)
os.environ.pop("PORTAL_SMTP_URL", None)
os.environ.pop("PORTAL_STRIPE_SECRET_KEY", None)

from tests.support import people  # noqa: E402
from tests.support.databases import create_postgres_database, drop_postgres_database  # noqa: E402

PASSWORD = people.PASSWORD
PORTAL_LOG = _RUN_DIR / "portal-log.jsonl"


def pytest_configure(config: pytest.Config) -> None:
    from portal.accounts.passwords import use_fast_hashing_for_tests
    from portal.logging_setup import capture_to_file

    use_fast_hashing_for_tests()
    capture_to_file(PORTAL_LOG)  # everything the portal logs, at DEBUG: scanned for client data at the end
    if ENGINE == "postgres":
        try:
            asyncio.run(create_postgres_database(_PG_SERVER_URL, _PG_DATABASE))
        except OSError as exc:
            pytest.exit(f"PostgreSQL is not reachable at {_PG_SERVER_URL}: {exc}", returncode=1)
    asyncio.run(_prepare_database())


async def _prepare_database() -> None:
    from portal.migrate import migrate

    await migrate()
    await people.seed()
    await people.seed_cases()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """The run fails when the portal logged client information (names, diagnosis codes, note text) anywhere."""
    from tests.test_logs_have_no_phi import scan_log_file

    leaks = scan_log_file(PORTAL_LOG)
    if leaks:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(f"CLIENT INFORMATION IN THE PORTAL'S LOGS ({len(leaks)} lines), e.g.:", red=True)
            for leak in leaks[:10]:
                reporter.write_line("  " + leak, red=True)


def pytest_unconfigure(config: pytest.Config) -> None:
    if ENGINE == "postgres":
        with contextlib.suppress(OSError):
            asyncio.run(drop_postgres_database(_PG_SERVER_URL, _PG_DATABASE))
    shutil.rmtree(_RUN_DIR, ignore_errors=True)


def pytest_report_header(config: pytest.Config) -> str:
    return f"portal database engine: {ENGINE} ({TEST_DATABASE_URL.split('@')[-1]})"


@pytest.hookimpl(tryfirst=True)
def pytest_pycollect_makeitem(collector: pytest.Collector, name: str, obj: object) -> None:
    # Every coroutine test runs on anyio's asyncio loop, in the same task as its fixtures (so the
    # rolled-back transaction, held in a ContextVar, is the one the app uses). The mark is put on the
    # function before anyio's own collection hook looks for it, so parametrized tests keep their params.
    if name.startswith("test") and asyncio.iscoroutinefunction(obj):
        pytest.mark.anyio(obj)


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def db() -> AsyncIterator[None]:
    """Wrap the test in a transaction that is rolled back: the database is as seeded for every test."""
    from piccolo.engine.sqlite import SQLiteEngine, TransactionType

    from portal.db import get_engine

    engine = get_engine()
    if isinstance(engine, SQLiteEngine):
        transaction = engine.transaction(transaction_type=TransactionType.immediate)
    else:
        transaction = engine.transaction()
    async with transaction:
        yield
        await transaction.rollback()


@pytest.fixture
def clock() -> Iterator[Any]:
    """A clock the test moves: `clock.advance(minutes=31)`."""
    from portal import clock as portal_clock
    from tests.support.clock import FrozenClock

    frozen = FrozenClock()
    portal_clock.set_clock(frozen.now)
    yield frozen
    portal_clock.set_clock(None)


@pytest.fixture(scope="session")
def app() -> Any:
    from portal.app import create_app

    return create_app()


@pytest.fixture
async def client(app: Any, db: None) -> AsyncIterator[Any]:
    from tests.support.http import PortalClient

    async with PortalClient(app) as portal_client:
        yield portal_client


@pytest.fixture
async def other_client(app: Any, db: None) -> AsyncIterator[Any]:
    """A second browser (another person, or an attacker) against the same app and transaction."""
    from tests.support.http import PortalClient

    async with PortalClient(app, ip="10.0.0.99") as portal_client:
        yield portal_client


@pytest.fixture
def settings_override() -> Iterator[Any]:
    """Replace settings for one test: `settings_override(smtp_url=...)`."""
    import dataclasses

    from portal.settings import get_settings, override_settings

    original = get_settings()

    def apply(**changes: Any) -> Any:
        changed = dataclasses.replace(original, **changes)
        override_settings(changed)
        return changed

    yield apply
    override_settings(original)


@pytest.fixture
def smtp_server() -> Iterator[Any]:
    """A real SMTP server (aiosmtpd) on a free local port, collecting what it receives."""
    from tests.support.smtp import RecordingSmtpServer

    server = RecordingSmtpServer()
    server.start()
    yield server
    server.stop()


# Named people, seeded once per run (committed) so every test starts from the same practice.
@pytest.fixture
async def olivia(db: None) -> dict[str, Any]:
    return await people.get("olivia@example.com")


@pytest.fixture
async def casey(db: None) -> dict[str, Any]:
    return await people.get("casey@example.com")


@pytest.fixture
async def morgan(db: None) -> dict[str, Any]:
    return await people.get("morgan@example.com")


@pytest.fixture
async def bea(db: None) -> dict[str, Any]:
    return await people.get("bea@example.com")


@pytest.fixture
async def pat(db: None) -> dict[str, Any]:
    return await people.get("pat@example.com")


@pytest.fixture
async def sam(db: None) -> dict[str, Any]:
    return await people.get("sam@example.com")


@pytest.fixture
async def jordan(db: None) -> dict[str, Any]:
    """Jordan Rivera, 22, Casey's client; parents Pat (payer) and Sam; therapist Dana Reyes on the care team."""
    return await people.client_named("Jordan Rivera")


@pytest.fixture
async def taylor(db: None) -> dict[str, Any]:
    """Taylor Brooks, Morgan's client (Casey is not assigned)."""
    return await people.client_named("Taylor Brooks")
