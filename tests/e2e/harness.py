"""The real portal in a subprocess, for browser journeys.

The in-process suite rolls every test back inside one transaction; a browser talks to another process, so
it cannot share that transaction. Instead the e2e session gets its own database (a SQLite file in a temporary
directory, or `portal_e2e_<random>` on the PostgreSQL server), migrated and loaded with the demo practice by
the `portal` command itself, and `portal serve --with-worker` on a free local port. Everything is removed at
the end, so no run depends on an earlier one.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.support.databases import create_postgres_database, drop_postgres_database

DEMO_PASSWORD = "e2e demo password " + "k7q"  # 21 characters, not on the common-passwords list
DEFAULT_PG_SERVER_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
# Generous: a loaded 2-core CI machine can take a minute to import and bind; a healthy start takes ~2 s.
STARTUP_TIMEOUT_SECONDS = 180.0
CLI_TIMEOUT_SECONDS = 300.0


def portal_command() -> list[str]:
    """The `portal` script of the interpreter running the tests (the venv's), else `python -m portal.cli`."""
    script = Path(sys.executable).parent / "portal"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "portal.cli"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run_async(coroutine_factory: Callable[[], Awaitable[Any]]) -> Any:
    """Run a coroutine to completion on a loop of its own, in a thread: Playwright's sync API keeps an
    event loop running in the test thread, where `asyncio.run()` refuses to start."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = asyncio.run(coroutine_factory())  # type: ignore[arg-type]
        except BaseException as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=target, name="e2e-async")
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


class ServerFailed(RuntimeError):
    """The portal could not be prepared or did not come up; the message carries its output."""


@dataclass
class LiveServer:
    """A running portal: `url`, the demo `password`, the `env` it runs with, `cli()` for its database."""

    engine: str
    work_dir: Path
    port: int
    database_url: str
    password: str = DEMO_PASSWORD
    env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None
    pg_server_url: str | None = None
    pg_database: str | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.work_dir / "server.log"

    @property
    def outbox_dir(self) -> Path:
        return Path(self.env["PORTAL_OUTBOX_DIR"])

    def cli(self, *args: str, input: str | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run `portal ARGS…` against the server's database, e.g. `live_server.cli("user", "list")`."""
        completed = subprocess.run(
            [*portal_command(), *args],
            env=self.env,
            cwd=self.work_dir,
            input=input,
            capture_output=True,
            text=True,
            timeout=CLI_TIMEOUT_SECONDS,
        )
        if check and completed.returncode != 0:
            raise ServerFailed(
                f"`portal {' '.join(args)}` exited with {completed.returncode}\n"
                f"--- stdout ---\n{completed.stdout}\n--- stderr ---\n{completed.stderr}"
            )
        return completed

    def server_output(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else "(no output)"


def _server_env(work_dir: Path, database_url: str, port: int) -> dict[str, str]:
    # The parent's PORTAL_* variables belong to the in-process suite (tests/conftest.py sets them for a
    # different database); none of them may leak into the server.
    env = {key: value for key, value in os.environ.items() if not key.startswith("PORTAL_")}
    env.update(
        {
            "PORTAL_DATABASE_URL": database_url,
            "PORTAL_SECRET_KEY": "e2e-secret-key-" + secrets.token_hex(24),
            "PORTAL_BASE_URL": f"http://127.0.0.1:{port}",
            "PORTAL_VAR_DIR": str(work_dir / "var"),
            "PORTAL_FILES_DIR": str(work_dir / "var" / "files"),
            "PORTAL_OUTBOX_DIR": str(work_dir / "var" / "outbox"),
            "PORTAL_ENV": "development",
            "PORTAL_DEMO_PASSWORD": DEMO_PASSWORD,
            "PORTAL_LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def prepare(engine: str, extra_env: dict[str, str] | None = None) -> LiveServer:
    """Create the database and the server's directories; migrate and load the demo practice. `extra_env`:
    PORTAL_* settings of this server only (PORTAL_CLOCK_START puts its demo and its clock on a chosen day)."""
    work_dir = Path(tempfile.mkdtemp(prefix="portal-e2e-"))
    port = free_port()
    pg_server_url: str | None = None
    pg_database: str | None = None
    if engine == "sqlite":
        database_url = f"sqlite:///{work_dir / 'portal.sqlite3'}"
    elif engine == "postgres":
        server_url = pg_server_url = os.environ.get("PORTAL_TEST_DATABASE_URL", DEFAULT_PG_SERVER_URL)
        name = pg_database = f"portal_e2e_{secrets.token_hex(4)}"
        try:
            run_async(lambda: create_postgres_database(server_url, name))
        except BaseException as exc:
            shutil.rmtree(work_dir, ignore_errors=True)
            if isinstance(exc, OSError):
                raise ServerFailed(f"PostgreSQL is not reachable at {server_url}: {exc}") from exc
            raise
        database_url = server_url.rsplit("/", 1)[0] + "/" + name
    else:
        raise ValueError(f"unknown engine {engine!r}")
    server = LiveServer(
        engine=engine,
        work_dir=work_dir,
        port=port,
        database_url=database_url,
        env={**_server_env(work_dir, database_url, port), **(extra_env or {})},
        pg_server_url=pg_server_url,
        pg_database=pg_database,
    )
    try:
        server.cli("migrate")
        server.cli("demo")
    except BaseException:
        cleanup(server)
        raise
    return server


def start(server: LiveServer) -> None:
    """`portal serve --with-worker` on the server's port; returns once /healthz answers 200."""
    with server.log_path.open("wb") as log:
        server.process = subprocess.Popen(
            [*portal_command(), "serve", "--host", "127.0.0.1", "--port", str(server.port), "--with-worker"],
            env=server.env,
            cwd=server.work_dir,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so stop() ends it and anything it started
        )
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    last_error = "no answer yet"
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise ServerFailed(
                f"`portal serve` exited with {server.process.returncode} before it answered:\n{server.server_output()}"
            )
        try:
            with urllib.request.urlopen(server.url + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
                last_error = f"HTTP {response.status}"
        except urllib.error.HTTPError as exc:
            last_error = f"HTTP {exc.code}"
        except OSError as exc:
            last_error = str(exc)
        time.sleep(0.1)
    stop(server)
    raise ServerFailed(
        f"`portal serve` did not answer {server.url}/healthz within {STARTUP_TIMEOUT_SECONDS:.0f} s "
        f"({last_error}). Its output:\n{server.server_output()}"
    )


def stop(server: LiveServer) -> None:
    process = server.process
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)
    except ProcessLookupError:
        pass


def cleanup(server: LiveServer) -> None:
    """Stop the server, drop its PostgreSQL database and remove its directory."""
    stop(server)
    server_url, name = server.pg_server_url, server.pg_database
    if server_url and name:
        with contextlib.suppress(OSError):  # the server went away: nothing left to drop
            run_async(lambda: drop_postgres_database(server_url, name))
    shutil.rmtree(server.work_dir, ignore_errors=True)
