"""Benchmark of the program network (issue 7): importing 15,000 FindTreatment.gov CSV rows, and filtered + radius +
ranked searches over them, on SQLite and (when reachable) PostgreSQL. Not a test: nothing here runs under pytest.

    .venv/bin/python bench/network_bench.py                       # 15,000 programs, 200 queries, both engines
    .venv/bin/python bench/network_bench.py --engines sqlite --programs 5000 --queries 100
    .venv/bin/python bench/network_bench.py --engines sqlite --profile   (needs pyinstrument, not a dependency)

Each engine runs in a fresh process on a fresh scratch database (a SQLite file in a temporary directory, or
`portal_bench_<random>` on PORTAL_BENCH_PG_URL / 127.0.0.1:5432, dropped afterwards), migrated by the portal's
migrations. The data is generated with realistic distributions: states weighted by their population, each
program at a real ZIP code's centroid of its state (from the `zipcodes` package, GeoNames CC BY 4.0) with up to a
mile of jitter, services drawn from SAMHSA's own values (type of care, settings, approaches, payment, ages,
genders, licensing, special groups, languages, medications) in proportions like the locator's, written as the
CSV `portal network import` reads (one column per service code). The import is timed from the file's bytes to
the last row written (parsing, matching, bulk inserts, the facet index), then again for the same file (every row
unchanged). Then the practice's own data is added: about 25 % of the programs vetted (approved or provisional),
some in review or declined, private-pay rates, out-of-network acceptance, ASAM levels, conditions and approaches
from the vocabularies (through the facet index, as set_facets writes it). 200 varied searches follow, each with a
ZIP code (weighted like the programs) and radius (10–300 miles), one to three facets with one or two values each,
and often an age, a price ceiling, a vetting status or a word of text; each is timed as the page calls it
(`parse_filters` + `search_programs`, on a warmed-up process).

Targets (issue 7): search p95 ≤ 50 ms on both engines; importing 15,000 CSV rows ≤ 30 s, on a 2-core machine.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
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
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_PG_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"

# 2020 census, thousands of residents.
STATE_POPULATION = {
    "AL": 5024, "AK": 733, "AZ": 7152, "AR": 3012, "CA": 39538, "CO": 5774, "CT": 3606, "DE": 990, "DC": 690,
    "FL": 21538, "GA": 10712, "HI": 1455, "ID": 1839, "IL": 12813, "IN": 6786, "IA": 3190, "KS": 2938,
    "KY": 4506, "LA": 4658, "ME": 1362, "MD": 6177, "MA": 7030, "MI": 10077, "MN": 5706, "MS": 2961,
    "MO": 6155, "MT": 1084, "NE": 1962, "NV": 3105, "NH": 1378, "NJ": 9289, "NM": 2118, "NY": 20201,
    "NC": 10439, "ND": 779, "OH": 11799, "OK": 3959, "OR": 4237, "PA": 13003, "RI": 1097, "SC": 5118,
    "SD": 887, "TN": 6911, "TX": 29146, "UT": 3272, "VT": 643, "VA": 8631, "WA": 7705, "WV": 1794,
    "WI": 5894, "WY": 577, "PR": 3286,
}  # fmt: skip

# SAMHSA service code → [(value, probability a facility lists it)], after the 30-row sample and the locator.
SERVICES: dict[str, list[tuple[str, float]]] = {
    "TC": [("Substance use treatment", 0.55), ("Mental health treatment", 0.55)],
    "SET": [
        ("Outpatient", 0.8),
        ("Regular outpatient treatment", 0.45),
        ("Intensive outpatient treatment", 0.3),
        ("Telemedicine/telehealth", 0.35),
        ("Outpatient day treatment or partial hospitalization", 0.1),
        ("Partial hospitalization/day treatment", 0.06),
        ("Residential", 0.12),
        ("Short-term residential", 0.08),
        ("Long-term residential", 0.07),
        ("Hospital inpatient", 0.05),
        ("Outpatient methadone/buprenorphine or naltrexone treatment", 0.15),
        ("Residential detoxification", 0.04),
        ("Outpatient detoxification", 0.05),
    ],
    "TAP": [
        ("Cognitive behavioral therapy", 0.9),
        ("Dialectical behavior therapy", 0.5),
        ("Motivational interviewing", 0.45),
        ("Trauma-related counseling", 0.45),
        ("Integrated dual disorders treatment", 0.35),
        ("12-step facilitation", 0.35),
        ("Couples/family therapy", 0.25),
        ("Contingency management/motivational incentives", 0.2),
        ("Activity therapy", 0.15),
        ("Individual psychotherapy", 0.5),
        ("Group therapy", 0.5),
        ("Relapse prevention", 0.4),
    ],
    "PAY": [
        ("Cash or self-payment", 0.95),
        ("Medicaid", 0.85),
        ("Private health insurance", 0.85),
        ("Medicare", 0.6),
        ("Military insurance (e.g., TRICARE)", 0.6),
        ("State-financed health insurance plan other than Medicaid", 0.5),
        ("Federal, or any government funding for substance abuse programs", 0.25),
        ("County or local government funds", 0.35),
    ],
    "PYAS": [("Sliding fee scale (fee is based on income and other factors)", 0.6)],
    "AGE": [("Adults", 0.9), ("Young adults", 0.9), ("Seniors (65 or older)", 0.5), ("Children/adolescents", 0.4)],
    "GN": [("Male", 0.5), ("Female", 0.5)],
    "LCA": [
        ("State mental health department", 0.6),
        ("State substance abuse agency", 0.45),
        ("State department of health", 0.2),
        ("The Joint Commission", 0.2),
        ("Commission on Accreditation of Rehabilitation Facilities", 0.12),
    ],
    "SG": [
        ("Persons with co-occurring mental and substance use disorders", 0.35),
        ("Persons with serious mental illness (SMI)", 0.3),
        ("Persons who have experienced trauma", 0.2),
        ("Veterans", 0.1),
        ("Lesbian, gay, bisexual, or transgender (LGBT) clients", 0.1),
        ("Pregnant/postpartum women", 0.1),
        ("Transitional age young adults", 0.1),
        ("Clients referred from the court/judicial system", 0.15),
        ("Persons with eating disorders", 0.03),
    ],
    "OL": [("Spanish", 0.3)],
    "SL": [("Services for the deaf and hard of hearing", 0.3)],
    "OT": [("Accepts clients on opioid medication", 0.25), ("Prescribes/administers buprenorphine", 0.12)],
    "PHR": [("Buprenorphine with naloxone  (Suboxone®)", 0.15), ("Naltrexone (oral)", 0.08), ("Methadone", 0.05)],
}
WORDS = ["Harbor", "Ridge", "Valley", "Pine", "Cedar", "River", "Summit", "Horizon", "Lakeside", "Meadow", "Oak"]
KINDS = ["Recovery Center", "Behavioral Health", "Counseling Services", "Treatment Center", "Wellness", "Clinic"]
CSV_COLUMNS = ["frid", "name1", "name2", "street1", "street2", "city", "state", "zip", "zip4", "county", "latitude",
               "longitude", "phone", "intake1", "hotline1", "website", "typeFacility"]  # fmt: skip


# --------------------------------------------------------------------------- the data


def zip_table() -> dict[str, list[dict[str, Any]]]:
    import zipcodes

    by_state: dict[str, list[dict[str, Any]]] = {}
    for entry in zipcodes.list_all():
        if entry["zip_code_type"] == "STANDARD" and entry["active"] and entry["lat"]:
            by_state.setdefault(entry["state"], []).append(entry)
    return by_state


def generate_csv(count: int, rng: random.Random) -> bytes:
    """`count` facilities as a FindTreatment.gov CSV, one column per service code."""
    zips = zip_table()
    states = list(STATE_POPULATION)
    weights = [STATE_POPULATION[s] for s in states]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*CSV_COLUMNS, *SERVICES])
    for n in range(count):
        state = rng.choices(states, weights)[0]
        place = rng.choice(zips[state])
        services = {
            code: "; ".join(value for value, p in values if rng.random() < p) for code, values in SERVICES.items()
        }
        if not services["TC"]:
            services["TC"] = "Substance use treatment"
        row = [
            secrets.token_hex(32),
            f"{rng.choice(WORDS)} {rng.choice(WORDS)} {rng.choice(KINDS)}",
            rng.choice(["", "", "Adult Services", "Young Adult Program", "Outpatient Office"]),
            f"{rng.randint(1, 9999)} {rng.choice(WORDS)} {rng.choice(['Street', 'Avenue', 'Road', 'Drive'])}",
            rng.choice(["", "", "", "Suite 200"]),
            place["city"],
            state,
            place["zip_code"],
            f"{rng.randint(0, 9999):04d}" if rng.random() < 0.5 else "",
            place["county"],
            f"{float(place['lat']) + rng.uniform(-0.015, 0.015):.7f}",
            f"{float(place['long']) + rng.uniform(-0.015, 0.015):.7f}",
            f"{rng.randint(201, 989)}-555-{rng.randint(0, 9999):04d}",
            f"{rng.randint(201, 989)}-555-{rng.randint(0, 9999):04d}" if rng.random() < 0.6 else "",
            "",
            f"https://example-{n}.org",
            "SA" if "Substance" in services["TC"] else "MH",
        ]
        writer.writerow([*row, *services.values()])
    return out.getvalue().encode()


async def add_practice_data(rng: random.Random) -> None:
    """What the practice records itself: vetting (about 25 % vetted), prices, out-of-network, ASAM levels,
    conditions and approaches from the vocabularies (into the facet index, which is what search reads)."""
    from portal.network.importer import insert_facet_rows
    from portal.network.tables import Program

    rows = await Program.select(Program.id)
    updates = []
    facet_rows: list[tuple[int, str, str]] = []
    levels = ["asam3:3.5", "asam3:3.7", "asam3:3.1", "asam3:2.5", "asam3:2.1", "mh:residential_treatment_center"]
    conditions = ["co_occurring", "trauma", "eating_disorders", "depression", "anxiety", "opioids", "alcohol"]
    approaches = ["dbt", "emdr", "family_program", "experiential", "mat_accepted"]
    for row in rows:
        roll = rng.random()
        status = (
            "approved" if roll < 0.18 else "provisional" if roll < 0.25 else "in_review" if roll < 0.30 else "declined"
        )
        if roll >= 0.32:
            status = "unvetted"
        price = rng.choice([None, None, 900_000, 1_800_000, 3_200_000, 4_500_000, 150_000]) if roll < 0.4 else None
        updates.append((status, price, "day" if price == 150_000 else "month", roll < 0.15, row["id"]))
        if status != "unvetted":
            for facet, values in (("level", levels), ("condition", conditions), ("approach", approaches)):
                for value in rng.sample(values, rng.randint(1, 2)):
                    facet_rows.append((row["id"], facet, value))
    async with _transaction():
        for start in range(0, len(updates), 500):
            for status, price, unit, oon, program_id in updates[start : start + 500]:
                await Program.update(
                    {
                        Program.vetting_status: status,
                        Program.private_pay_cents: price,
                        Program.private_pay_unit: unit,
                        Program.accepts_out_of_network: oon,
                    }
                ).where(Program.id == program_id)
        from portal.network.tables import ProgramFacet

        existing = {
            (r["program"], r["facet"], r["value"])
            for r in await ProgramFacet.select(ProgramFacet.program, ProgramFacet.facet, ProgramFacet.value).where(
                ProgramFacet.facet.is_in(["level", "condition", "approach"])
            )
        }
        await insert_facet_rows([r for r in dict.fromkeys(facet_rows) if r not in existing])


def _transaction() -> Any:
    from portal.db import write_transaction

    return write_transaction()


def make_queries(count: int, rng: random.Random, zips: list[str]) -> list[dict[str, Any]]:
    choices = {
        "level": ["asam3:3.5", "asam3:3.7", "asam3:1", "asam3:2.1", "asam3:2.5", "mh:residential_treatment_center"],
        "type": ["residential", "outpatient", "iop", "php", "substance_use", "mental_health", "co_occurring"],
        "population": ["young_adults", "adolescents", "adults", "veterans", "lgbtq"],
        "payment": ["private_pay", "private_insurance", "out_of_network", "medicaid"],
        "condition": ["co_occurring", "trauma", "eating_disorders", "opioids"],
        "approach": ["dbt", "cbt", "family_program", "mat_on_site", "emdr"],
        "gender": ["male", "female"],
        "accreditation": ["joint_commission", "carf", "state_license"],
    }
    queries = []
    for _ in range(count):
        query: dict[str, Any] = {
            "zip": rng.choice(zips),
            "radius_miles": str(rng.choice([10, 25, 25, 50, 50, 100, 200, 300])),
        }
        for facet in rng.sample(list(choices), rng.randint(1, 3)):
            query[facet] = rng.sample(choices[facet], rng.randint(1, 2))
        if rng.random() < 0.4:
            query["age"] = str(rng.randint(14, 70))
        if rng.random() < 0.2:
            query["price_max"] = str(rng.choice([20_000, 40_000, 60_000]))
        if rng.random() < 0.3:
            query["vetting"] = ["approved", "provisional"]
        if rng.random() < 0.15:
            query["q"] = rng.choice(["ridge", "harbor", "recovery", "valley"])
        queries.append(query)
    return queries


# --------------------------------------------------------------------------- one engine, in its own process


async def run_case(programs: int, query_count: int, profile: bool) -> dict[str, Any]:
    from portal import db
    from portal.migrate import migrate
    from portal.network import geo
    from portal.network.importer import import_programs
    from portal.network.search import search_programs
    from portal.network.search_filters import parse_filters
    from portal.network.tables import Program, ProgramFacet
    from portal.policy import Principal

    rng = random.Random(15_000)
    await migrate()
    await db.start_pool()
    try:
        data = generate_csv(programs, rng)
        system = Principal.system("bench")
        profiler = None
        if profile:
            from pyinstrument import Profiler

            profiler = Profiler(async_mode="enabled")
            profiler.start()
        started = time.perf_counter()
        report = await import_programs(system, data, "bench.csv")
        import_seconds = time.perf_counter() - started
        if profiler is not None:
            profiler.stop()
            print(profiler.output_text(unicode=True, color=False, show_all=False), file=sys.stderr)
        started = time.perf_counter()
        again = await import_programs(system, data, "bench.csv")
        reimport_seconds = time.perf_counter() - started
        if (report.created, again.unchanged) != (programs, programs):
            raise RuntimeError(f"import: {report.summary}; again: {again.summary}")
        await add_practice_data(rng)
        if not db.is_sqlite():
            await Program.raw("ANALYZE")
        zips = [row["zip_code"][:5] for row in await Program.select(Program.zip_code)]
        queries = make_queries(query_count, rng, zips)
        geo.warm_up()
        for query in queries[:10]:  # warm the caches and the connection pool
            await search_programs(system, parse_filters(query))
        timings, sizes = [], []
        for query in queries:
            started = time.perf_counter()
            results = await search_programs(system, parse_filters(query))
            timings.append((time.perf_counter() - started) * 1000)
            sizes.append(results.total)
        plain = []
        for query in queries:  # the same filters without the radius: ordered by vetting status and name
            started = time.perf_counter()
            await search_programs(
                system, parse_filters({k: v for k, v in query.items() if k not in {"zip", "radius_miles"}})
            )
            plain.append((time.perf_counter() - started) * 1000)
        return {
            "programs": await Program.count(),
            "facet_rows": await ProgramFacet.count(),
            "import_seconds": import_seconds,
            "reimport_seconds": reimport_seconds,
            "p50": statistics.median(timings),
            "p95": statistics.quantiles(timings, n=20)[18],
            "max": max(timings),
            "mean_results": statistics.mean(sizes),
            "plain_p95": statistics.quantiles(plain, n=20)[18],
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


def one_case(engine: str, programs: int, queries: int, profile: bool) -> dict[str, Any]:
    """Run one engine in a fresh process on a fresh database; returns its measurements."""
    work = Path(tempfile.mkdtemp(prefix="portal-bench-"))
    pg_name = None
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
        args = [sys.executable, str(Path(__file__).resolve()), "--case", str(programs), str(queries)]
        if profile:
            args.append("--profile")
        result = subprocess.run(args, cwd=REPO, env=env, capture_output=True, text=True, check=False)
        if profile:
            print(result.stderr, file=sys.stderr)
        if result.returncode != 0:
            raise RuntimeError(f"the {engine} case failed:\n{result.stderr[-3000:]}")
        return dict(json.loads(result.stdout.strip().splitlines()[-1]))
    finally:
        if pg_name:
            from tests.support.databases import drop_postgres_database

            asyncio.run(drop_postgres_database(pg_server_url(), pg_name))
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--programs", type=int, default=15_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--engines", default="sqlite,postgres", help="sqlite and/or postgres (skipped if unreachable)")
    parser.add_argument("--profile", action="store_true", help="print a pyinstrument profile of the import")
    parser.add_argument("--case", nargs=2, metavar=("PROGRAMS", "QUERIES"), help=argparse.SUPPRESS)
    options = parser.parse_args()

    sys.path.insert(0, str(REPO))
    if options.case:
        measured = asyncio.run(run_case(int(options.case[0]), int(options.case[1]), options.profile))
        print(json.dumps(measured))
        return

    engines = [engine for engine in options.engines.split(",") if engine]
    if "postgres" in engines and not postgres_reachable():
        print(f"PostgreSQL is not reachable at {pg_server_url()}: measuring SQLite only.\n", file=sys.stderr)
        engines.remove("postgres")
    print(
        f"{'engine':<9} {'programs':>8} {'facet rows':>10} {'import s':>9} {'re-import s':>11} "
        f"{'search p50 ms':>13} {'p95 ms':>7} {'max ms':>7} {'avg hits':>8} {'no-radius p95':>13}"
    )
    failed = []
    for engine in engines:
        m = one_case(engine, options.programs, options.queries, options.profile)
        print(
            f"{engine:<9} {m['programs']:>8,} {m['facet_rows']:>10,} {m['import_seconds']:>9.2f} "
            f"{m['reimport_seconds']:>11.2f} {m['p50']:>13.1f} {m['p95']:>7.1f} {m['max']:>7.1f} "
            f"{m['mean_results']:>8.1f} {m['plain_p95']:>13.1f}",
            flush=True,
        )
        if m["p95"] > 50 or (options.programs >= 15_000 and m["import_seconds"] > 30):
            failed.append(engine)
    verdict = "missed on " + ", ".join(failed) if failed else "met"
    print(f"\nTargets: search p95 ≤ 50 ms, import of 15,000 rows ≤ 30 s — {verdict}.")


if __name__ == "__main__":
    main()
