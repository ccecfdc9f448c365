"""Load and fault test (issue 8): the portal under uvicorn with two worker processes and the background worker,
on a scratch PostgreSQL database and on a scratch SQLite file, both loaded with the demo; simulated people sign in
through the real login and work for a while; then the counts. Run by hand (not a test; nothing here runs under
pytest):

    .venv/bin/python bench/load_test.py                                  # 50 people, 60 s, both engines
    .venv/bin/python bench/load_test.py --engines sqlite --people 10 --seconds 15
    .venv/bin/python bench/load_test.py --engines postgres-restart --pg-cluster /tmp/loadpg

Each run (`--engines`, comma-separated): `sqlite`, `postgres`, and `postgres-restart` — the same on PostgreSQL with
the database restarted once in the middle. The scratch database is made fresh for each run (`portal migrate`,
`portal demo` with a fixed password), then `portal serve --workers 2` and `portal worker` start on it.

The people (`--people`, spread over the demo's accounts): relatives (Pat, Robin; Sam, whose access is suspended,
only reads) read their update feed and threads and send messages; case managers (Casey, Morgan) read My day and
their clients' notes and write notes and time entries; the biller (Bea) runs a month's billing and follows the run;
the owner (Olivia) searches the program network. Every person signs in with POST /api/v1/auth/login (and keeps the
CSRF cookie it is given, as a browser does), then acts with a short think time in between.

Afterwards: the responses with status 5xx (there must be none outside a restart), every acknowledged write (the
ids the app returned, with the text that was sent) looked up in the database, `portal audit verify`, and p50, p95
and p99 latency per endpoint. With the restart: how requests fared while the database was down (refused quickly,
none left hanging: every request has a client timeout, `--timeout`) and how long the app took to serve again,
without being restarted itself.

The restart: with `--pg-cluster DIR` the script runs a private PostgreSQL cluster in DIR (initdb on first use, as
the `postgres` user when run as root; port `--pg-port`) and restarts that server with `pg_ctl restart -m fast`.
Without it the database server at PORTAL_BENCH_PG_URL (default 127.0.0.1:5432) is shared with others and is not
restarted: every backend of the scratch database is terminated with pg_terminate_backend instead, and the table
says so.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
PORTAL = [sys.executable, "-m", "portal.cli"]
DEFAULT_PG_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
PASSWORD = "load test password " + "7" * 8
REQUEST_TIMEOUT = 30.0  # seconds (--timeout): a request taking longer counts as hanging
SIGN_IN_TIMEOUT = 120.0  # seconds: signing in hashes the password (argon2id), and everyone arrives at once
ARRIVAL_SECONDS = 20.0  # people arrive (and sign in) over these first seconds, before the timed work starts
THINK = (0.2, 1.0)  # seconds between one person's requests
PG_BIN = Path("/usr/lib/postgresql/15/bin")

# Who the simulated people are: (share of the people, account, kind).
PEOPLE_MIX = [
    (0.20, "pat@example.com", "relative"),
    (0.12, "robin.brooks@example.com", "relative"),
    (0.06, "sam@example.com", "suspended_relative"),
    (0.22, "casey@example.com", "case_manager"),
    (0.20, "morgan@example.com", "case_manager"),
    (0.10, "bea@example.com", "billing"),
    (0.10, "olivia@example.com", "owner"),
]


# --------------------------------------------------------------------------- what happened


@dataclass
class Sample:
    endpoint: str
    status: int | str  # an HTTP status, or "timeout" / "refused" (no response)
    ms: float
    at: float  # seconds since the start of the run


@dataclass
class Written:
    """Acknowledged writes: table -> {id: the text that identifies what was sent}."""

    rows: dict[str, dict[int, str]] = field(default_factory=lambda: defaultdict(dict))

    def add(self, table: str, row_id: int, text: str) -> None:
        self.rows[table][row_id] = text


@dataclass
class Run:
    started: float = field(default_factory=time.monotonic)
    samples: list[Sample] = field(default_factory=list)
    written: Written = field(default_factory=Written)
    sign_in_failures: int = 0
    restart: tuple[float, float] | None = None  # (began, server accepting again), seconds since the start
    work_started: float = 0.0  # when everyone had signed in and the timed work began
    restart_how: str = ""

    def now(self) -> float:
        return time.monotonic() - self.started


# --------------------------------------------------------------------------- one simulated person


class Person:
    def __init__(self, run: Run, base_url: str, email: str, kind: str, seed: int) -> None:
        self.run, self.email, self.kind = run, email, kind
        self.rng = random.Random(seed)
        self.http = httpx.AsyncClient(base_url=base_url, timeout=REQUEST_TIMEOUT, follow_redirects=False)
        self.clients: list[int] = []
        self.threads: list[int] = []
        self.family_clients: list[int] = []
        self.billing_runs: list[int] = []
        self.last_run_queued = -1e9

    async def call(self, endpoint: str, method: str, url: str, **kwargs: Any) -> httpx.Response | None:
        headers = kwargs.pop("headers", {})
        if method != "GET":
            token = self.http.cookies.get("csrftoken")
            if token:
                headers["x-csrftoken"] = token
        began = time.perf_counter()
        at = self.run.now()
        response: httpx.Response | None = None
        try:
            response = await self.http.request(method, url, headers=headers, **kwargs)
            status: int | str = response.status_code
        except httpx.TimeoutException:
            status = "timeout"
        except httpx.TransportError:
            status = "refused"
        self.run.samples.append(Sample(endpoint, status, (time.perf_counter() - began) * 1000, at))
        return response

    async def sign_in(self) -> bool:
        """Arrive, open the sign-in page (the CSRF cookie, as a browser gets it) and sign in; three tries."""
        await asyncio.sleep(self.rng.uniform(0, ARRIVAL_SECONDS))
        for _ in range(3):
            await self.call("GET /login", "GET", "/login")
            response = await self.call(
                "POST /api/v1/auth/login",
                "POST",
                "/api/v1/auth/login",
                json={"email": self.email, "password": PASSWORD},
                timeout=SIGN_IN_TIMEOUT,
            )
            if response is not None and response.status_code == 200:
                await self.discover()
                return True
            self.run.sign_in_failures += 1
            await asyncio.sleep(2)
        return False

    async def work(self, deadline: float) -> None:
        while self.run.now() < deadline:
            await getattr(self, self.kind)()
            await asyncio.sleep(self.rng.uniform(*THINK))

    async def discover(self) -> None:
        if self.kind in ("case_manager", "owner"):
            response = await self.call("GET /api/v1/clients", "GET", "/api/v1/clients")
            if response is not None and response.status_code == 200:
                self.clients = [item["id"] for item in response.json()["items"]]
        elif self.kind.endswith("relative"):
            response = await self.call("GET /api/v1/family/clients", "GET", "/api/v1/family/clients")
            if response is not None and response.status_code == 200:
                self.family_clients = [item["id"] for item in response.json()]

    # ------------------------------------------------------------------ what each kind of person does

    async def relative(self) -> None:
        roll = self.rng.random()
        if roll < 0.3:
            await self.call("GET /api/v1/family/updates", "GET", "/api/v1/family/updates")
        elif roll < 0.45:
            await self.call("GET /family/updates (page)", "GET", "/family/updates")
        elif roll < 0.65:
            response = await self.call("GET /api/v1/family/threads", "GET", "/api/v1/family/threads")
            if response is not None and response.status_code == 200:
                self.threads = [item["id"] for item in response.json()["items"]]
        elif roll < 0.8 and self.threads:
            thread = self.rng.choice(self.threads)
            await self.call(
                "GET /api/v1/family/threads/{id}/messages", "GET", f"/api/v1/family/threads/{thread}/messages"
            )
        elif not self.threads and self.family_clients:
            subject = f"Load test question {uuid.uuid4().hex[:12]}"
            response = await self.call(
                "POST /api/v1/family/threads",
                "POST",
                "/api/v1/family/threads",
                json={"client_id": self.family_clients[0], "subject": subject, "body": "A question from home."},
            )
            if response is not None and response.status_code == 201:
                self.run.written.add("family_threads", response.json()["id"], subject)
                self.threads.append(response.json()["id"])
        elif self.threads:
            body = f"Thanks for the update — load test message {uuid.uuid4().hex}"
            thread = self.rng.choice(self.threads)
            response = await self.call(
                "POST /api/v1/family/threads/{id}/messages",
                "POST",
                f"/api/v1/family/threads/{thread}/messages",
                json={"body": body},
            )
            if response is not None and response.status_code == 201:
                self.run.written.add("family_messages", response.json()["id"], body)

    async def suspended_relative(self) -> None:
        if self.rng.random() < 0.6:
            await self.call("GET /api/v1/family/updates", "GET", "/api/v1/family/updates")
        else:
            await self.call("GET /family (page)", "GET", "/family")

    async def case_manager(self) -> None:
        if not self.clients:
            await self.call("GET /my-day (page)", "GET", "/my-day")
            return
        client = self.rng.choice(self.clients)
        roll = self.rng.random()
        if roll < 0.2:
            await self.call("GET /my-day (page)", "GET", "/my-day")
        elif roll < 0.4:
            await self.call("GET /api/v1/clients/{id}/notes", "GET", f"/api/v1/clients/{client}/notes")
        elif roll < 0.5:
            await self.call("GET /clients/{id}/notes (page)", "GET", f"/clients/{client}/notes")
        elif roll < 0.75:
            subject = f"Load test call {uuid.uuid4().hex}"
            occurred = (datetime.now() - timedelta(hours=self.rng.randint(2, 30))).strftime("%Y-%m-%dT%H:%M")
            note = {
                "kind": "call",
                "occurred_at": occurred,
                "subject": subject,
                "body": "Spoke with the program's clinical director about the week.",
                "minutes": self.rng.choice([10, 15, 20, 30]),
                "billable": True,
                "activity": "care_coordination",
            }
            response = await self.call("POST /api/v1/clients/{id}/notes", "POST", f"/api/v1/clients/{client}/notes",
                                       json=note)  # fmt: skip
            if response is not None and response.status_code == 201:
                self.run.written.add("coordination_notes", response.json()["id"], subject)
        else:
            description = f"Load test research {uuid.uuid4().hex}"
            entry = {
                "service_date": (date.today() - timedelta(days=self.rng.randint(1, 5))).isoformat(),
                "minutes": self.rng.choice([15, 30, 45]),
                "activity": "research",
                "description": description,
                "billable": True,
            }
            response = await self.call(
                "POST /api/v1/clients/{id}/time-entries", "POST", f"/api/v1/clients/{client}/time-entries", json=entry
            )
            if response is not None and response.status_code == 201:
                self.run.written.add("time_entries", response.json()["id"], description)

    async def billing(self) -> None:
        roll = self.rng.random()
        if self.run.now() - self.last_run_queued > 20 and roll < 0.5:
            self.last_run_queued = self.run.now()
            first = date.today().replace(day=1)
            period = (first - timedelta(days=1)).strftime("%Y-%m")  # last month
            response = await self.call("POST /api/v1/billing/runs", "POST", "/api/v1/billing/runs",
                                       json={"period": period})  # fmt: skip
            if response is not None and response.status_code == 201:
                self.run.written.add("billing_runs", response.json()["id"], period)
                self.billing_runs.append(response.json()["id"])
        elif roll < 0.6 and self.billing_runs:
            run_id = self.billing_runs[-1]
            await self.call("GET /api/v1/billing/runs/{id}", "GET", f"/api/v1/billing/runs/{run_id}")
        elif roll < 0.8:
            await self.call("GET /api/v1/invoices", "GET", "/api/v1/invoices")
        else:
            await self.call("GET /billing (page)", "GET", "/billing")

    async def owner(self) -> None:
        query = self.rng.choice(
            [
                {"type": "residential", "condition": "co_occurring", "zip": "10001", "radius_miles": "300"},
                {"level": "asam3:2.1", "zip": "07042", "radius_miles": "50"},
                {"population": "young_adults", "payment": "private_pay"},
                {"q": "recovery"},
            ]
        )
        if self.rng.random() < 0.7:
            await self.call("GET /api/v1/programs", "GET", "/api/v1/programs", params=query)
        else:
            await self.call("GET /network/search (page)", "GET", "/network/search", params=query)


# --------------------------------------------------------------------------- the scratch databases and processes


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def as_postgres_user(args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


class PrivateCluster:
    """A PostgreSQL server of the script's own (so restarting it disturbs nobody)."""

    def __init__(self, directory: Path, port: int) -> None:
        self.directory, self.port = directory, port
        self.data = directory / "data"
        self.started_here = False

    @property
    def server_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def pg_ctl(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = [str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.directory / "server.log"), *args]
        return subprocess.run(as_postgres_user(command), capture_output=True, text=True, check=False)

    def start(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres")
        if not (self.data / "PG_VERSION").exists():
            init = [str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres"]
            done = subprocess.run(as_postgres_user(init), capture_output=True, text=True, check=False)
            if done.returncode != 0:
                raise RuntimeError(f"initdb failed: {done.stderr[-2000:]}")
        if self.pg_ctl("status").returncode != 0:
            options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=on"
            started = self.pg_ctl("start", "-w", "-o", options)
            if started.returncode != 0:
                raise RuntimeError(f"pg_ctl start failed: {started.stderr[-2000:]}")
            self.started_here = True

    def restart(self) -> None:
        done = self.pg_ctl("restart", "-m", "fast", "-w")
        if done.returncode != 0:
            raise RuntimeError(f"pg_ctl restart failed: {done.stderr[-2000:]}")

    def stop(self) -> None:
        if self.started_here:
            self.pg_ctl("stop", "-m", "fast", "-w")


@dataclass
class Scratch:
    engine: str
    url: str
    directory: Path
    env: dict[str, str]
    pg_server_url: str | None = None
    pg_name: str | None = None

    def cli(self, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*PORTAL, *args], cwd=REPO, env=self.env, capture_output=True, text=True, timeout=timeout, check=False
        )


def make_scratch(engine: str, pg_server_url: str, log_level: str) -> Scratch:
    directory = Path(tempfile.mkdtemp(prefix=f"portal-load-{engine}-"))
    pg_name = None
    if engine == "sqlite":
        url = f"sqlite:///{directory / 'load.sqlite3'}"
    else:
        from tests.support.databases import create_postgres_database

        pg_name = f"portal_load_{secrets.token_hex(4)}"
        asyncio.run(create_postgres_database(pg_server_url, pg_name))
        url = pg_server_url.rsplit("/", 1)[0] + "/" + pg_name
    env = {key: value for key, value in os.environ.items() if not key.startswith("PORTAL_")}
    env.update(
        {
            "PORTAL_DATABASE_URL": url,
            "PORTAL_SECRET_KEY": "load-test-secret-" + secrets.token_hex(24),
            "PORTAL_VAR_DIR": str(directory / "var"),
            "PORTAL_FILES_DIR": str(directory / "files"),
            "PORTAL_OUTBOX_DIR": str(directory / "outbox"),
            "PORTAL_LOG_LEVEL": log_level,
            "PORTAL_DEMO_PASSWORD": PASSWORD,
        }
    )
    scratch = Scratch(engine, url, directory, env, pg_server_url if pg_name else None, pg_name)
    for step in (("migrate",), ("demo",)):
        done = scratch.cli(*step)
        if done.returncode != 0:
            raise RuntimeError(f"portal {step[0]} failed:\n{done.stderr[-3000:]}")
    return scratch


def drop_scratch(scratch: Scratch) -> None:
    if scratch.pg_server_url and scratch.pg_name:
        from tests.support.databases import drop_postgres_database

        with contextlib.suppress(Exception):
            asyncio.run(drop_postgres_database(scratch.pg_server_url, scratch.pg_name))
    shutil.rmtree(scratch.directory, ignore_errors=True)


def start_processes(scratch: Scratch, port: int) -> list[subprocess.Popen[bytes]]:
    log = (scratch.directory / "app.log").open("ab")
    serve = subprocess.Popen(
        [*PORTAL, "serve", "--workers", "2", "--port", str(port)],
        cwd=REPO,
        env=scratch.env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    worker = subprocess.Popen(
        [*PORTAL, "worker", "--poll-seconds", "1"],
        cwd=REPO,
        env=scratch.env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"http://127.0.0.1:{port}/login", timeout=5).status_code == 200:
                return [serve, worker]
        if serve.poll() is not None:
            break
        time.sleep(1)
    stop_processes([serve, worker])
    raise RuntimeError(f"the app did not start; see {scratch.directory / 'app.log'}")


def stop_processes(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


# --------------------------------------------------------------------------- the database's view


async def rows_present(url: str, table: str, column: str, expected: dict[int, str]) -> tuple[int, list[int]]:
    """(how many of the acknowledged rows are there with the text that was sent, ids missing or different)."""
    if not expected:
        return 0, []
    ids = sorted(expected)
    if url.startswith("sqlite:///"):
        import sqlite3

        connection = sqlite3.connect(url.removeprefix("sqlite:///"))
        try:
            found: dict[int, str] = {}
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                marks = ",".join("?" * len(chunk))
                for row_id, text in connection.execute(
                    f"SELECT id, {column} FROM {table} WHERE id IN ({marks})",
                    chunk,
                ):
                    found[int(row_id)] = str(text)
        finally:
            connection.close()
    else:
        import asyncpg

        connection = await asyncpg.connect(url)
        try:
            records = await connection.fetch(
                f"SELECT id, {column}::text AS text FROM {table} WHERE id = ANY($1::bigint[])",
                ids,
            )
            found = {int(r["id"]): str(r["text"]) for r in records}
        finally:
            await connection.close()
    bad = [i for i in ids if expected[i] not in found.get(i, "")]
    return len(ids) - len(bad), bad


TEXT_COLUMNS = {
    "coordination_notes": "subject",
    "time_entries": "description",
    "family_messages": "body",
    "family_threads": "subject",
    "billing_runs": "period",
}


async def unfinished_billing_runs(url: str) -> int:
    query = "SELECT count(*) FROM billing_runs WHERE status IN ('queued', 'running')"
    if url.startswith("sqlite:///"):
        import sqlite3

        connection = sqlite3.connect(url.removeprefix("sqlite:///"))
        try:
            return int(connection.execute(query).fetchone()[0])
        finally:
            connection.close()
    import asyncpg

    connection = await asyncpg.connect(url)
    try:
        return int(await connection.fetchval(query))
    finally:
        await connection.close()


async def terminate_backends(server_url: str, database: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(server_url)
    try:
        await connection.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
            database,
        )
    finally:
        await connection.close()


# --------------------------------------------------------------------------- one run


def people_for(count: int) -> list[tuple[str, str]]:
    """`count` people over PEOPLE_MIX, by largest remainder (every account gets someone once count allows)."""
    exact = [share * count for share, _, _ in PEOPLE_MIX]
    numbers = [int(x) for x in exact]
    for i in sorted(range(len(exact)), key=lambda i: exact[i] - numbers[i], reverse=True)[: count - sum(numbers)]:
        numbers[i] += 1
    return [(email, kind) for (_, email, kind), n in zip(PEOPLE_MIX, numbers, strict=True) for _ in range(n)]


async def drive(run: Run, base_url: str, people: list[tuple[str, str]], seconds: float, restart: Any | None) -> int:
    """Everyone signs in (the sign-in phase), then works for `seconds`; returns how many could not sign in."""
    persons = [Person(run, base_url, email, kind, seed) for seed, (email, kind) in enumerate(people)]
    try:
        signed = await asyncio.gather(*(person.sign_in() for person in persons))
        run.work_started = run.now()
        deadline = run.work_started + seconds
        tasks = [asyncio.create_task(p.work(deadline)) for p, ok in zip(persons, signed, strict=True) if ok]
        if restart is not None:
            await asyncio.sleep(seconds / 2)
            began = run.now()
            await asyncio.to_thread(restart)
            run.restart = (began, run.now())
        await asyncio.gather(*tasks)
    finally:
        for person in persons:
            await person.http.aclose()
    return signed.count(False)


@dataclass
class Result:
    name: str
    run: Run
    seconds: float
    people: int
    present: dict[str, tuple[int, list[int]]]
    audit: str
    unfinished_runs: int
    app_errors: int
    not_signed_in: int


def one_run(name: str, options: argparse.Namespace, cluster: PrivateCluster | None) -> Result:
    engine = "sqlite" if name == "sqlite" else "postgres"
    server_url = cluster.server_url if cluster else options.pg_url
    print(f"[{name}] loading the demo into a scratch database …", file=sys.stderr, flush=True)
    scratch = make_scratch(engine, server_url, options.log_level)
    try:
        port = free_port()
        processes = start_processes(scratch, port)
        restart = None
        run = Run()
        if name == "postgres-restart":
            if cluster is not None:
                restart = cluster.restart
                run.restart_how = "PostgreSQL server restarted (pg_ctl restart -m fast)"
            else:
                assert scratch.pg_name is not None

                def restart() -> None:
                    asyncio.run(terminate_backends(server_url, str(scratch.pg_name)))

                run.restart_how = "shared server: every backend of the scratch database terminated"
        print(f"[{name}] {options.people} people for {options.seconds:g} s …", file=sys.stderr, flush=True)
        try:
            run.started = time.monotonic()
            not_signed_in = asyncio.run(
                drive(run, f"http://127.0.0.1:{port}", people_for(options.people), options.seconds, restart)
            )
            # The worker finishes the billing runs that were queued before the counts are taken.
            deadline = time.monotonic() + 120
            while asyncio.run(unfinished_billing_runs(scratch.url)) and time.monotonic() < deadline:
                time.sleep(1)
            unfinished = asyncio.run(unfinished_billing_runs(scratch.url))
        finally:
            stop_processes(processes)
        present = {
            table: asyncio.run(rows_present(scratch.url, table, TEXT_COLUMNS[table], expected))
            for table, expected in sorted(run.written.rows.items())
        }
        verified = scratch.cli("audit", "verify")
        audit = (
            (verified.stdout or verified.stderr).strip().splitlines()[0]
            if verified.returncode == 0
            else ("BROKEN: " + (verified.stderr or verified.stdout).strip().replace("\n", " "))
        )
        log_text = (scratch.directory / "app.log").read_text(errors="replace")
        app_errors = log_text.count('"unhandled error"')
        if options.keep:
            print(f"[{name}] kept {scratch.directory} ({scratch.url})", file=sys.stderr)
        return Result(name, run, options.seconds, options.people, present, audit, unfinished, app_errors, not_signed_in)
    finally:
        if not options.keep:
            drop_scratch(scratch)


# --------------------------------------------------------------------------- the table


def percentile(values: list[float], q: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def is_5xx(status: int | str) -> bool:
    return isinstance(status, int) and status >= 500


def is_ok(sample: Sample) -> bool:
    return isinstance(sample.status, int) and sample.status < 500


def overlaps(sample: Sample, window: tuple[float, float]) -> bool:
    """The request was in flight at some moment of the window (sent before it and answered during it counts)."""
    return sample.at <= window[1] and sample.at + sample.ms / 1000 >= window[0]


def report(result: Result) -> bool:
    run = result.run
    samples = run.samples
    ok = result.not_signed_in == 0
    working = sum(1 for s in samples if s.at >= run.work_started)
    print(f"\n== {result.name}: {result.people} people signed in over {run.work_started:.0f} s "
          f"({result.not_signed_in} could not), then {result.seconds:g} s of work: {working:,} requests "
          f"({working / result.seconds:.0f}/s) ==")  # fmt: skip
    print(f"{'endpoint':<46} {'n':>6} {'2xx/3xx':>7} {'4xx':>5} {'5xx':>5} {'no resp':>7} "
          f"{'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")  # fmt: skip
    by_endpoint: dict[str, list[Sample]] = defaultdict(list)
    for sample in samples:
        by_endpoint[sample.endpoint].append(sample)
    for endpoint in sorted(by_endpoint):
        group = by_endpoint[endpoint]
        answered = [s.ms for s in group if isinstance(s.status, int)]
        good = sum(1 for s in group if isinstance(s.status, int) and s.status < 400)
        client = sum(1 for s in group if isinstance(s.status, int) and 400 <= s.status < 500)
        server = sum(1 for s in group if is_5xx(s.status))
        none = sum(1 for s in group if not isinstance(s.status, int))
        p50, p95, p99 = (percentile(answered, q) for q in (50, 95, 99)) if answered else (0.0, 0.0, 0.0)
        print(f"{endpoint:<46} {len(group):>6} {good:>7} {client:>5} {server:>5} {none:>7} "
              f"{p50:>8.0f} {p95:>8.0f} {p99:>8.0f}")  # fmt: skip
    window = None
    if run.restart is not None:
        began, back = run.restart
        window = (began, back + 5.0)  # the restart, and five seconds for the pool to reconnect
    outside = [s for s in samples if window is None or not overlaps(s, window)]
    errors_5xx = sum(1 for s in outside if is_5xx(s.status))
    no_response = sum(1 for s in outside if not isinstance(s.status, int))
    print(f"5xx responses{' outside the restart window' if window else ''}: {errors_5xx}; "
          f"requests without a response: {no_response}; sign-in retries: {run.sign_in_failures}; "
          f"unhandled errors in the app's log: {result.app_errors}")  # fmt: skip
    ok &= errors_5xx == 0 and no_response == 0
    for table, (present, missing) in result.present.items():
        acknowledged = len(run.written.rows[table])
        print(f"acknowledged writes in {table}: {acknowledged}, present with what was sent: {present}"
              + (f", MISSING {missing[:10]}" if missing else ""))  # fmt: skip
        ok &= not missing
    print(f"billing runs still unfinished after the run: {result.unfinished_runs}")
    print(f"audit: {result.audit}")
    ok &= result.audit.startswith("Audit chain intact")
    if window is not None and run.restart is not None:
        began, back = run.restart
        during = [s for s in samples if overlaps(s, window)]
        statuses = Counter(str(s.status) for s in during)
        slowest = max((s.ms for s in during), default=0.0)
        after = sorted((s for s in samples if s.at > back and isinstance(s.status, int) and s.status < 400),
                       key=lambda s: s.at)  # fmt: skip
        recovered = after[0].at - back if after else None
        failed_after = [s for s in samples if s.at > window[1] and not is_ok(s)]
        print(f"restart: {run.restart_how}; down for {back - began:.1f} s (from t={began:.1f} s)")
        print(f"  requests in flight in the window [t={window[0]:.1f}, {window[1]:.1f}] s: {len(during)} — "
              + ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items()))
              + f"; slowest {slowest:.0f} ms (client timeout {REQUEST_TIMEOUT:g} s)")  # fmt: skip
        print(
            f"  first successful request {recovered:.2f} s after the database was back; "
            if recovered is not None
            else "  NO successful request after the restart; ",
            end="",
        )
        print(f"failures after the window: {len(failed_after)} (the app itself was not restarted)")
        ok &= recovered is not None and not failed_after and slowest < REQUEST_TIMEOUT * 1000
    return ok


def main() -> None:
    global REQUEST_TIMEOUT
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engines", default="sqlite,postgres,postgres-restart")
    parser.add_argument("--people", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--pg-url", default=os.environ.get("PORTAL_BENCH_PG_URL", DEFAULT_PG_SERVER))
    parser.add_argument("--pg-cluster", type=Path, help="run (and restart) a private PostgreSQL cluster here")
    parser.add_argument("--pg-port", type=int, default=55432)
    parser.add_argument("--keep", action="store_true", help="keep the scratch databases and logs")
    parser.add_argument("--log-level", default="WARNING", help="the app's (DEBUG: tracebacks of unhandled errors)")
    parser.add_argument(
        "--timeout", type=float, default=REQUEST_TIMEOUT, help="seconds before a request counts as hanging"
    )
    options = parser.parse_args()
    REQUEST_TIMEOUT = options.timeout
    sys.path.insert(0, str(REPO))

    names = [name for name in options.engines.split(",") if name]
    cluster = None
    if options.pg_cluster and any(name != "sqlite" for name in names):
        cluster = PrivateCluster(options.pg_cluster, options.pg_port)
        cluster.start()
    results = []
    try:
        for name in names:
            results.append(one_run(name, options, cluster))
    finally:
        if cluster is not None:
            cluster.stop()
    verdicts = [(result.name, report(result)) for result in results]
    print("\n" + "; ".join(f"{name}: {'PASS' if ok else 'FAIL'}" for name, ok in verdicts))
    if not all(ok for _, ok in verdicts):
        sys.exit(1)


if __name__ == "__main__":
    main()
