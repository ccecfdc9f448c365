"""Scripts the crash and concurrency tests run in subprocesses against a scratch database (real commits).

python -m tests.billing.scripts seed N          N clients, each with an active $8,500 agreement
python -m tests.billing.scripts concurrent N   N invoices created at once; prints their numbers
python -m tests.billing.scripts pause N        pauses agreement N
"""

from __future__ import annotations

import asyncio
import sys
from datetime import date

from portal.accounts import services as accounts
from portal.billing import agreements
from portal.billing.invoicing import LineDraft, create_invoice
from portal.billing.money import Period
from portal.billing.tables import RetainerAgreement
from portal.cases import clients
from portal.policy import Principal, Role


async def seed(count: int) -> None:
    system = Principal.system("tests")
    manager = await accounts.create_user(
        system, email="cm@example.com", name="Case Manager", role=Role.CASE_MANAGER, password="a long enough password"
    )
    for number in range(count):
        client_id = await clients.create_client(
            system, {"legal_name": f"Client {number:05d}"}, primary_case_manager_id=manager["id"]
        )
        agreement_id = await agreements.create_agreement(
            system,
            {
                "client": client_id,
                "payer_name": f"Payer {number}",
                "payer_email": f"payer{number}@example.com",
                "monthly_fee": "8500",
                "start_date": "2026-01-01",
                "included_hours": 20,
                "overage_rate": "250",
            },
        )
        await agreements.set_status(system, agreement_id, "active")


async def concurrent(count: int) -> None:
    rows = await RetainerAgreement.select().order_by(RetainerAgreement.id).limit(count)
    period = Period(2026, 11)

    async def one(agreement: dict) -> int:
        return await create_invoice(
            agreement=agreement,
            period=period,
            expense_ids=[],
            payer_name="P",
            payer_email="p@example.com",
            lines=[LineDraft(kind="retainer", description="x", amount_cents=100, service_from=date(2026, 11, 1))],
        )

    await asyncio.gather(*(one(row) for row in rows))
    from portal.billing.tables import Invoice

    numbers = sorted(r["number"] for r in await Invoice.select(Invoice.number))
    print(" ".join(str(n) for n in numbers))


async def pause(agreement_id: int) -> None:
    await agreements.set_status(Principal.system("tests"), agreement_id, "paused")


if __name__ == "__main__":
    command, count = sys.argv[1], int(sys.argv[2])
    asyncio.run({"seed": seed, "concurrent": concurrent, "pause": pause}[command](count))
