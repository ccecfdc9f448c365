"""Offline, the run creates and issues invoices in batches (one transaction each, a savepoint per invoice): an
invoice that another run created after this one planned is counted as existing and rolls back only itself, the
others of its batch are billed, numbers stay gapless, and each invoice is issued with its e-mail and one audit
event. Progress is reported once per batch."""

from __future__ import annotations

from typing import Any

import pytest

from portal.audit.tables import AuditEvent
from portal.billing import run
from portal.billing.invoicing import create_invoice
from portal.billing.money import Period
from portal.billing.tables import Invoice
from portal.cases import clients
from portal.mail.tables import OutboxMessage
from portal.policy import Principal
from tests.billing.conftest import bea_principal, make_agreement


async def test_an_invoice_made_meanwhile_counts_as_existing_and_the_batch_goes_on(
    monkeypatch: pytest.MonkeyPatch, bea: dict[str, Any], casey: dict[str, Any]
) -> None:
    system = Principal.system("tests")
    agreement_ids = []
    for n in range(5):
        client_id = await clients.create_client(
            system, {"legal_name": f"Batch Client {n}"}, primary_case_manager_id=casey["id"]
        )
        agreement_ids.append(await make_agreement(bea_principal(bea), client_id, payer_email=f"batch{n}@example.com"))
    period = Period(2026, 11)
    planned, skipped, existing = await run.plan_period(period)
    assert [p.agreement_id for p in planned] == agreement_ids and not existing

    # Another run bills the third agreement after this one planned it.
    racing = planned[2]
    await create_invoice(
        agreement=racing.agreement,
        period=period,
        lines=racing.lines,
        expense_ids=[],
        payer_name=racing.payer_name,
        payer_email=racing.payer_email,
    )

    async def stale_plan(_: Period) -> tuple[Any, Any, Any]:
        return planned, skipped, set()

    monkeypatch.setattr(run, "plan_period", stale_plan)
    monkeypatch.setattr(run, "BATCH", 2)
    reported: list[tuple[int, int]] = []

    async def progress(index: int, total: int) -> None:
        reported.append((index, total))

    summary = await run.run_monthly_billing(bea_principal(bea), "2026-11", progress=progress)

    assert (summary.created, summary.existing) == (4, 1)
    assert reported == [(2, 5), (4, 5), (5, 5)]
    rows = await Invoice.select().order_by(Invoice.number)
    assert sorted(r["agreement"] for r in rows) == sorted(agreement_ids)  # one each
    assert [r["number"] for r in rows] == list(range(rows[0]["number"], rows[0]["number"] + 5))  # no gaps
    # Every invoice ends issued: the other run's draft too (the run issues drafts it finds at the end).
    assert {r["status"] for r in rows} == {"open"} and all(r["due_on"] for r in rows)
    assert await OutboxMessage.count().where(OutboxMessage.to_address.like("batch%@example.com")) == 5
    events = await AuditEvent.select(AuditEvent.action, AuditEvent.resource_id).where(
        AuditEvent.action.is_in(["invoice.create", "invoice.issue"])
    )
    by_invoice: dict[str, list[str]] = {}
    for event in events:
        by_invoice.setdefault(event["resource_id"], []).append(event["action"])
    for row in rows:
        expected = ["invoice.create", "invoice.issue"] if row["agreement"] == racing.agreement_id else ["invoice.issue"]
        assert sorted(by_invoice[str(row["id"])]) == expected
