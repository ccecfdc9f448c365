"""Benchmark of superbills (issue 6). Not a test: nothing here runs under pytest.

    .venv/bin/python bench/superbills.py                    # SQLite, 500 superbills on two processes
    .venv/bin/python bench/superbills.py --engine postgres  # on PORTAL_BENCH_PG_URL / 127.0.0.1:5432
    .venv/bin/python bench/superbills.py --count 100 --processes 1

A fresh scratch database (a SQLite file in a temporary directory, or `portal_bench_<random>` on PostgreSQL,
dropped afterwards) gets `portal migrate`'s migrations, then N + 10 clients ready for November 2026's superbill:
the practice's billing profile (EIN, organisation NPI), one rendering clinician with a valid NPI, per client a PPO
plan with the name on the card, three ICD-10-CM diagnoses, 8–16 billable time entries of several activities and
November's invoice paid in full. Then:

1. warm, one process: the first 10 clients' superbills issued one after the other (`issue_superbill`: preview,
   validation, statement number, rows, audit, PDF render and storage). The first is cold (fonts, templates, the
   ICD-10 code set); the median and worst of the other nine are the "warm" figures. Also the PDF render alone
   (snapshot → bytes) ten times: the issued two-page document (cover + superbill), and the superbill page alone
   (`render_superbill(..., cover=False)`), which is what the "one-page superbill" target measures.
2. N superbills for one month on P processes (one per core): each process issues its share of the remaining
   clients; the wall time runs from starting the processes to the last one finishing (imports included).

Targets (issue 6): a one-page superbill at most 150 ms warm; 500 superbills for one month using both cores in at
most 60 s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import secrets
import shutil
import statistics
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
WARM = 10
CHUNK = 2000
DIAGNOSES = [("F10.20", "Alcohol dependence, uncomplicated"), ("F41.1", "Generalized anxiety disorder"),
             ("F33.1", "Major depressive disorder, recurrent, moderate")]  # fmt: skip
ACTIVITIES = ["care_coordination", "case_management", "care_coordination", "team_conference", "family_meeting",
              "research", "site_visit"]  # fmt: skip


# --------------------------------------------------------------------------- inside a child process


async def seed(count: int) -> None:
    from portal.accounts import services as accounts
    from portal.billing.catalogue import ensure_default_catalogue
    from portal.billing.tables import BillingProfile, ClientInsurance, ClinicianProfile, Invoice, Payment
    from portal.cases.tables import Client, Diagnosis, TimeEntry
    from portal.clock import utcnow
    from portal.policy import Principal, Role

    rng = random.Random(count)
    system = Principal.system("bench")
    manager = await accounts.create_user(
        system, email="cm@example.com", name="Casey Morales", role=Role.CASE_MANAGER, password="a long enough password"
    )
    now = utcnow()
    await BillingProfile.insert(
        BillingProfile(
            street="12 Harbor Street", city="Montclair", state="NJ", zip_code="07042", phone="973-555-0100",
            tax_id="12-3456789", npi="1987654328", legal_name="Harbor Case Management LLC", tax_id_type="ein",
            taxonomy_code="251B00000X", updated_at=now,
        )
    )  # fmt: skip
    await ClinicianProfile.insert(
        ClinicianProfile(
            user=manager["id"], display_name="Casey Morales, LCSW", credentials="LCSW", npi="1234567893",
            license_number="44SC01234", license_state="NJ", updated_at=now,
        )
    )  # fmt: skip
    await ensure_default_catalogue()

    async def insert(rows: list[Any]) -> list[int]:
        ids: list[int] = []
        for start in range(0, len(rows), CHUNK):
            table = type(rows[start])
            result = await table.insert(*rows[start : start + CHUNK]).returning(table.id)
            ids.extend(int(row["id"]) for row in result)
        return ids

    names = [f"Client {n:05d}" for n in range(count)]
    client_ids = await insert(
        [
            Client(legal_name=name, date_of_birth=date(2004, 3, 14), sex="male", status="active", city="Montclair",
                   state="NJ", zip_code="07042", created_at=now, updated_at=now)
            for name in names
        ]
    )  # fmt: skip
    await insert(
        [
            ClientInsurance(client=c, plan_name="Horizon PPO Gold", plan_type="ppo", member_id=f"HZN{c:09d}",
                            group_number="GRP-7781", patient_name_on_card=name, subscriber_name="Pat Rivera",
                            subscriber_relationship="child", claims_address="PO Box 1609, Newark, NJ 07101")
            for c, name in zip(client_ids, names, strict=True)
        ]
    )  # fmt: skip
    await insert(
        [
            Diagnosis(client=c, code=code, description=text, is_primary=index == 0, diagnosed_on=date(2026, 8, 1),
                      created_at=now)
            for c in client_ids
            for index, (code, text) in enumerate(DIAGNOSES)
        ]
    )  # fmt: skip
    entries = [
        TimeEntry(client=c, case_manager=manager["id"], service_date=date(2026, 11, rng.randint(1, 28)),
                  minutes=rng.choice([15, 23, 30, 38, 45, 60]), activity=rng.choice(ACTIVITIES),
                  description="A description that never reaches a superbill", billable=True,
                  created_at=now, updated_at=now)
        for c in client_ids
        for _ in range(rng.randint(8, 16))
    ]  # fmt: skip
    await insert(entries)
    await Invoice.raw(f"UPDATE invoice_counter SET last_number = {int(count)} WHERE id = 1")
    invoice_ids = await insert(
        [
            Invoice(number=n + 1, client=c, period=PERIOD, status="paid", payer_name="Pat Rivera",
                    payer_email="pat@example.com", issued_on=date(2026, 12, 1), due_on=date(2026, 12, 15),
                    total_cents=850_000, paid_cents=850_000, created_at=now, paid_at=now)
            for n, c in enumerate(client_ids)
        ]
    )  # fmt: skip
    await insert(
        [
            Payment(invoice=i, amount_cents=850_000, method="check", reference="1042", received_on=date(2026, 12, 2),
                    created_at=now)
            for i in invoice_ids
        ]
    )  # fmt: skip


async def warm(first: int) -> dict[str, Any]:
    """Issue clients first..first+WARM-1 one by one; then render one snapshot WARM times."""
    import io

    from pypdf import PdfReader

    from portal.billing.superbill_pdf import render_superbill
    from portal.billing.superbills import issue_superbill, superbill_json
    from portal.policy import Principal

    principal = Principal.system("bench")
    times, cpu = [], []
    last = 0
    for client_id in range(first, first + WARM):
        started, started_cpu = time.perf_counter(), time.process_time()
        last = await issue_superbill(principal, client_id, PERIOD)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    snapshot = await superbill_json(principal, last)
    renders, render_cpu, page_renders, page_cpu = [], [], [], []
    for _ in range(WARM):
        started, started_cpu = time.perf_counter(), time.process_time()
        data = await render_superbill(snapshot)
        renders.append(time.perf_counter() - started)
        render_cpu.append(time.process_time() - started_cpu)
        started, started_cpu = time.perf_counter(), time.process_time()
        page = await render_superbill(snapshot, cover=False)
        page_renders.append(time.perf_counter() - started)
        page_cpu.append(time.process_time() - started_cpu)
    pages = len(PdfReader(io.BytesIO(data)).pages)
    assert len(PdfReader(io.BytesIO(page)).pages) == 1, "the superbill page alone is one page"
    return {
        "cold": times[0],
        "warm": times[1:],
        "warm_cpu": cpu[1:],
        "render": renders,
        "render_cpu": render_cpu,
        "page_render": page_renders,
        "page_render_cpu": page_cpu,
        "pages": pages,
        "lines": len(snapshot["lines"]),
    }


async def issue_share(client_ids: list[int]) -> dict[str, Any]:
    from portal.billing.superbills import issue_superbill
    from portal.policy import Principal

    principal = Principal.system("bench")
    started, started_cpu = time.perf_counter(), time.process_time()
    for client_id in client_ids:
        await issue_superbill(principal, client_id, PERIOD)
    return {
        "issued": len(client_ids),
        "seconds": time.perf_counter() - started,
        "cpu_seconds": time.process_time() - started_cpu,
    }


def child(mode: str, args: list[str]) -> None:
    from portal import db
    from portal.migrate import migrate

    async def main() -> Any:
        if mode == "seed":
            await migrate()
        await db.start_pool()
        try:
            if mode == "seed":
                await seed(int(args[0]))
                return {}
            if mode == "warm":
                return await warm(int(args[0]))
            return await issue_share([int(part) for part in args[0].split(",") if part])
        finally:
            await db.close_pool()

    print(json.dumps(asyncio.run(main())), flush=True)


# --------------------------------------------------------------------------- the driver


def pg_server_url() -> str:
    return os.environ.get("PORTAL_BENCH_PG_URL", DEFAULT_PG_SERVER)


def spawn(env: dict[str, str], mode: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), "--child", mode, *args],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen[str]) -> dict[str, Any]:
    out, err = process.communicate(timeout=1800)
    if process.returncode != 0:
        raise RuntimeError(f"a bench process failed:\n{err[-4000:]}")
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        sys.path.insert(0, str(REPO))
        child(options.child[0], options.child[1:])
        return

    work = Path(tempfile.mkdtemp(prefix="portal-bench-superbills-"))
    pg_name = None
    try:
        if options.engine == "sqlite":
            url = f"sqlite:///{work / 'bench.sqlite3'}"
        else:
            sys.path.insert(0, str(REPO))
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
        total = options.count + WARM
        started = time.perf_counter()
        finish(spawn(env, "seed", str(total)))
        seed_seconds = time.perf_counter() - started

        warm_result = finish(spawn(env, "warm", "1"))

        rest = list(range(WARM + 1, total + 1))
        shares = [rest[index :: options.processes] for index in range(options.processes)]
        started = time.perf_counter()
        processes = [spawn(env, "issue", ",".join(str(c) for c in share)) for share in shares]
        results = [finish(process) for process in processes]
        wall = time.perf_counter() - started
        load = os.getloadavg()[0]
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if pg_name:
            from tests.support.databases import drop_postgres_database

            asyncio.run(drop_postgres_database(pg_server_url(), pg_name))

    warm_times = warm_result["warm"]
    cpu_total = sum(r["cpu_seconds"] for r in results)
    rows = [
        ("engine", options.engine, f"load average {load:.1f} on {os.cpu_count()} cores at the end"),
        ("seeded clients", f"{total}", f"{seed_seconds:.1f} s"),
        ("superbill pages / lines", f"{warm_result['pages']} / {warm_result['lines']}", "cover + one superbill page"),
        ("issue, cold (first)", f"{warm_result['cold'] * 1000:.0f} ms", ""),
        (
            "one-page superbill, warm median",
            f"{statistics.median(warm_result['page_render'][1:]) * 1000:.0f} ms",
            "the superbill page alone (PDF render); target ≤ 150 ms",
        ),
        (
            "one-page superbill, CPU median",
            f"{statistics.median(warm_result['page_render_cpu'][1:]) * 1000:.0f} ms",
            "CPU, load-free",
        ),
        ("issue, warm median", f"{statistics.median(warm_times) * 1000:.0f} ms", "whole issue, cover + superbill"),
        ("issue, warm worst", f"{max(warm_times) * 1000:.0f} ms", ""),
        ("issue, warm CPU median", f"{statistics.median(warm_result['warm_cpu']) * 1000:.0f} ms", "CPU, load-free"),
        ("PDF render (2 pages), warm median", f"{statistics.median(warm_result['render'][1:]) * 1000:.0f} ms", ""),
        ("PDF render (2 pages), CPU median", f"{statistics.median(warm_result['render_cpu'][1:]) * 1000:.0f} ms", ""),
        (
            f"{options.count} superbills, {options.processes} processes",
            f"{wall:.1f} s wall",
            "target ≤ 60 s; per process " + ", ".join(f"{r['seconds']:.1f} s" for r in results),
        ),
        ("throughput", f"{options.count / wall:.1f} superbills/s", ""),
        (
            f"{options.count} superbills, CPU time",
            f"{cpu_total:.1f} s",
            f"{cpu_total / options.count * 1000:.0f} ms each; on {options.processes} idle cores ≈ "
            f"{cpu_total / options.processes:.1f} s",
        ),
    ]
    width = max(len(row[0]) for row in rows)
    value_width = max(len(row[1]) for row in rows)
    print(f"{'measure'.ljust(width)}  {'value'.ljust(value_width)}  note")
    print(f"{'-' * width}  {'-' * value_width}  ----")
    for name, value, note in rows:
        print(f"{name.ljust(width)}  {value.ljust(value_width)}  {note}")


if __name__ == "__main__":
    main()
