"""Benchmark of the monthly billing run (issue 5): 100, 1,000 and 5,000 agreements, offline and through a fake
Stripe, on SQLite and (when reachable) PostgreSQL. Not a test: nothing here runs under pytest.

    .venv/bin/python bench/billing_run.py                      # every size, gateway and reachable engine
    .venv/bin/python bench/billing_run.py --sizes 1000 --engines sqlite --gateways offline
    .venv/bin/python bench/billing_run.py --sizes 1000 --engines sqlite --gateways offline --profile
        (with pyinstrument installed: `.venv/bin/pip install pyinstrument`; not a dependency of the portal)

Each case runs in a fresh process on a fresh scratch database (a SQLite file in a temporary directory, or
`portal_bench_<random>` on PORTAL_BENCH_PG_URL / 127.0.0.1:5432, dropped afterwards): `portal migrate`'s
migrations, then N clients with a paying relative and an active retainer ($6,000–$9,500 a month; most with 20
included hours and overage at $250/h, some rolling hours over, some covering all time; a few starting or ending
inside November so they are prorated), four months of time entries (August to November, 6–24 entries a month
of 15–120 minutes, so some clients go over their included hours) and a few pass-through expenses. Only the run
itself is timed: `run_monthly_billing(…, "2026-11")` as `portal billing run` calls it, every invoice created and
issued (with Stripe: a customer, the invoice, its items and the finalization for each). The fake Stripe server
runs in a process of its own, as Stripe would.

The target (issue 5): 1,000 agreements in at most 10 s offline on a 2-core machine, growing linearly. Besides the
wall-clock seconds the table prints the run's CPU seconds (this process, the SQLite driver's thread included; not
the PostgreSQL server's nor the fake Stripe's) and the 1-minute load average when the case ended: on a shared
machine the wall clock measures the neighbours as much as the run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_PG_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
PERIOD = "2026-11"
MONTHS = [(2026, 8), (2026, 9), (2026, 10), (2026, 11)]
CHUNK = 2000
MAX_PARAMETERS = 32_767


# --------------------------------------------------------------------------- one case, in its own process


async def seed(count: int, rng: random.Random) -> None:
    """N clients, each with a paying relative, an active agreement, time entries and sometimes expenses."""
    from portal.accounts import services as accounts
    from portal.billing.tables import Expense, RetainerAgreement
    from portal.cases.tables import Client, Relative, TimeEntry
    from portal.clock import utcnow
    from portal.policy import Principal, Role

    system = Principal.system("bench")
    manager = await accounts.create_user(
        system, email="cm@example.com", name="Case Manager", role=Role.CASE_MANAGER, password="a long enough password"
    )
    now = utcnow()

    async def insert(rows: list[Any]) -> list[int]:
        ids: list[int] = []
        if not rows:
            return ids
        table = type(rows[0])
        # PostgreSQL takes at most 32,767 parameters a statement: one per column of each row.
        chunk = min(CHUNK, MAX_PARAMETERS // len(table._meta.columns))
        for start in range(0, len(rows), chunk):
            result = await table.insert(*rows[start : start + chunk]).returning(table.id)
            ids.extend(int(row["id"]) for row in result)
        return ids

    client_ids = await insert(
        [Client(legal_name=f"Client {n:05d}", status="active", created_at=now, updated_at=now) for n in range(count)]
    )
    relative_ids = await insert(
        [
            Relative(client=c, name=f"Payer {n}", email=f"payer{n}@example.com", is_payer=True, created_at=now)
            for n, c in enumerate(client_ids)
        ]
    )
    agreements = []
    for n, (client_id, relative_id) in enumerate(zip(client_ids, relative_ids, strict=True)):
        start, end = date(2026, 8, 1), None
        if n % 20 == 7:
            start = date(2026, 11, 15)  # starts inside November: prorated
        elif n % 20 == 13:
            end = date(2026, 11, 10)  # ends inside November: prorated
        included = None if n % 10 == 3 else 20 * 60
        agreements.append(
            RetainerAgreement(
                client=client_id,
                payer_relative=relative_id,
                monthly_fee_cents=rng.choice([600_000, 750_000, 850_000, 950_000]),
                start_date=start,
                end_date=end,
                billing_day=1,
                included_minutes=included,
                overage_rate_cents=25_000,
                rollover_max_minutes=rng.choice([0, 0, 300, 600]),
                status="active",
                created_at=now,
                updated_at=now,
            )
        )
    agreement_ids = await insert(agreements)
    entries = []
    for client_id in client_ids:
        for year, month in MONTHS:
            for _ in range(rng.randint(6, 24)):
                entries.append(
                    TimeEntry(
                        client=client_id,
                        case_manager=manager["id"],
                        service_date=date(year, month, rng.randint(1, 28)),
                        minutes=rng.choice([15, 30, 45, 60, 90, 120]),
                        activity="care_coordination",
                        billable=rng.random() > 0.05,
                        created_at=now,
                        updated_at=now,
                    )
                )
    await insert(entries)
    expenses = [
        Expense(
            agreement=agreement_id,
            incurred_on=date(2026, 11, rng.randint(1, 28)),
            description="Travel for a program visit",
            amount_cents=rng.randint(2_000, 40_000),
            created_at=now,
        )
        for agreement_id in agreement_ids
        if rng.random() < 0.1
    ]
    if expenses:
        await insert(expenses)


async def run_case(count: int, gateway_name: str, stripe_url: str | None, profile: bool) -> dict[str, Any]:
    from portal import db
    from portal.billing import gateway
    from portal.billing.run import run_monthly_billing
    from portal.billing.tables import Invoice
    from portal.migrate import migrate
    from portal.policy import Principal

    await migrate()
    await db.start_pool()
    try:
        started = time.perf_counter()
        await seed(count, random.Random(count))
        seeded = time.perf_counter() - started
        if gateway_name == "stripe":
            from portal.billing.stripe_gateway import StripeGateway

            assert stripe_url
            gateway.use(StripeGateway("sk_test_bench", stripe_url))
        else:
            gateway.use(gateway.OfflineGateway())
        profiler = None
        if profile:
            from pyinstrument import Profiler

            profiler = Profiler(async_mode="enabled")
            profiler.start()
        started, cpu_started = time.perf_counter(), time.process_time()
        summary = await run_monthly_billing(Principal.system("bench"), PERIOD)
        seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
        if profiler is not None:
            profiler.stop()
            print(profiler.output_text(unicode=True, color=False, show_all=False), file=sys.stderr)
        issued = await Invoice.count().where((Invoice.period == PERIOD) & (Invoice.status == "open"))
        return {
            "created": summary.created,
            "issued": issued,
            "skipped": len(summary.skipped),
            "seconds": seconds,
            "cpu_seconds": cpu_seconds,
            "seed_seconds": seeded,
        }
    finally:
        await db.close_pool()


# --------------------------------------------------------------------------- the driver


def pg_server_url() -> str:
    return os.environ.get("PORTAL_BENCH_PG_URL", DEFAULT_PG_SERVER)


def postgres_reachable() -> bool:
    import asyncpg

    async def probe() -> None:
        connection = await asyncpg.connect(pg_server_url(), timeout=3)
        await connection.close()

    try:
        asyncio.run(probe())
    except (OSError, asyncpg.PostgresError, TimeoutError):
        return False
    return True


def start_fake_stripe() -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), "--fake-stripe"],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    url = process.stdout.readline().strip()
    if not url.startswith("http://"):
        process.kill()
        raise RuntimeError("the fake Stripe server did not start")
    return process, url


def serve_fake_stripe() -> None:
    """A child process: the tests' fake Stripe API until stdin closes."""
    sys.path.insert(0, str(REPO))
    from tests.support.fake_stripe import FakeStripe

    fake = FakeStripe().start()
    print(fake.url, flush=True)
    sys.stdin.read()
    fake.stop()


def one_case(engine: str, gateway_name: str, count: int, profile: bool) -> dict[str, Any]:
    """Run a case in a fresh process on a fresh database; returns its measurements."""
    work = Path(tempfile.mkdtemp(prefix="portal-bench-"))
    pg_name = None
    fake = None
    try:
        if engine == "sqlite":
            url = f"sqlite:///{work / 'bench.sqlite3'}"
        else:
            from tests.support.databases import create_postgres_database

            pg_name = f"portal_bench_{secrets.token_hex(4)}"
            asyncio.run(create_postgres_database(pg_server_url(), pg_name))
            url = pg_server_url().rsplit("/", 1)[0] + "/" + pg_name
        env = {key: value for key, value in os.environ.items() if not key.startswith("PORTAL_")}
        env.update(
            {
                "PORTAL_DATABASE_URL": url,
                "PORTAL_SECRET_KEY": "bench-secret-key-" + secrets.token_hex(24),
                "PORTAL_VAR_DIR": str(work / "var"),
                "PORTAL_FILES_DIR": str(work / "files"),
                "PORTAL_OUTBOX_DIR": str(work / "outbox"),
                "PORTAL_LOG_LEVEL": "WARNING",
            }
        )
        args = [sys.executable, str(Path(__file__).resolve()), "--case", gateway_name, str(count)]
        if gateway_name == "stripe":
            fake, stripe_url = start_fake_stripe()
            args += ["--stripe-url", stripe_url]
        if profile:
            args.append("--profile")
        result = subprocess.run(args, cwd=REPO, env=env, capture_output=True, text=True, check=False)
        if profile:
            print(result.stderr, file=sys.stderr)
        if result.returncode != 0:
            raise RuntimeError(f"the {engine}/{gateway_name}/{count} case failed:\n{result.stderr[-3000:]}")
        return dict(json.loads(result.stdout.strip().splitlines()[-1]))
    finally:
        if fake is not None:
            assert fake.stdin is not None
            fake.stdin.close()
            fake.wait(timeout=10)
        if pg_name:
            from tests.support.databases import drop_postgres_database

            asyncio.run(drop_postgres_database(pg_server_url(), pg_name))
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,1000,5000", help="agreement counts, comma-separated")
    parser.add_argument("--engines", default="sqlite,postgres", help="sqlite and/or postgres (skipped if unreachable)")
    parser.add_argument("--gateways", default="offline,stripe", help="offline and/or stripe")
    parser.add_argument("--profile", action="store_true", help="print a pyinstrument profile of each run")
    parser.add_argument("--case", nargs=2, metavar=("GATEWAY", "N"), help=argparse.SUPPRESS)
    parser.add_argument("--stripe-url", help=argparse.SUPPRESS)
    parser.add_argument("--fake-stripe", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()

    if options.fake_stripe:
        serve_fake_stripe()
        return
    if options.case:
        sys.path.insert(0, str(REPO))
        gateway_name, count = options.case[0], int(options.case[1])
        measured = asyncio.run(run_case(count, gateway_name, options.stripe_url, options.profile))
        print(json.dumps(measured))
        return

    sys.path.insert(0, str(REPO))
    sizes = [int(size) for size in options.sizes.split(",")]
    engines = [engine for engine in options.engines.split(",") if engine]
    if "postgres" in engines and not postgres_reachable():
        print(f"PostgreSQL is not reachable at {pg_server_url()}: measuring SQLite only.\n", file=sys.stderr)
        engines.remove("postgres")
    gateways = [name for name in options.gateways.split(",") if name]
    print(
        f"{'engine':<9} {'gateway':<8} {'agreements':>10} {'seconds':>9} {'invoices/s':>11} {'ms/invoice':>11} "
        f"{'cpu s':>8} {'load':>5}"
    )
    for engine in engines:
        for gateway_name in gateways:
            for count in sizes:
                measured = one_case(engine, gateway_name, count, options.profile)
                seconds = measured["seconds"]
                if measured["issued"] != count:
                    raise SystemExit(f"expected {count} issued invoices, found {measured['issued']}: {measured}")
                print(
                    f"{engine:<9} {gateway_name:<8} {count:>10,} {seconds:>9.2f} {count / seconds:>11.1f} "
                    f"{seconds * 1000 / count:>11.2f} {measured['cpu_seconds']:>8.2f} {os.getloadavg()[0]:>5.1f}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
