"""Issuing: statement numbers are sequential and never reused (a refused or failed issue gives its number back),
one issued superbill per client and month (a second attempt is refused with the number), everything audited,
and only billing staff and the owner may issue or read."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.exceptions import PermissionDeniedException

from portal.audit.tables import AuditEvent
from portal.billing.superbills import (
    SuperbillAlreadyIssued,
    issue_superbill,
    list_superbills,
    preview_superbill,
    superbill_json,
    superbill_pdf_bytes,
)
from portal.billing.tables import StatementCounter, Superbill, SuperbillLine
from portal.errors import Invalid, NotFound
from portal.policy import Principal, Role
from tests.billing.conftest import bea_principal
from tests.billing.pages_support import DEC_1
from tests.billing.superbill_support import ready_november


@pytest.fixture(autouse=True)
def december(clock: Any) -> Any:
    clock.set(DEC_1)
    return clock


def person(user: dict[str, Any]) -> Principal:
    return Principal(user_id=user["id"], role=Role(user["role"]), email=user["email"], name=user["name"])


async def test_issue_once_with_the_next_number(
    db: None, bea: dict[str, Any], casey: dict[str, Any], jordan: dict[str, Any], jordan_agreement: int
) -> None:
    await ready_november(bea, casey, jordan, jordan_agreement)
    await StatementCounter.update({StatementCounter.last_number: 41}).where(StatementCounter.id == 1)
    superbill_id = await issue_superbill(bea_principal(bea), jordan["id"], "2026-11")
    row = await Superbill.select().where(Superbill.id == superbill_id).first()
    assert row is not None and row["statement_number"] == 42 and row["status"] == "issued"
    assert row["total_charge_cents"] == row["total_paid_cents"] == 80500
    lines = await SuperbillLine.select().where(SuperbillLine.superbill == superbill_id).order_by(SuperbillLine.position)
    assert [(line["code"], line["units"], line["minutes"]) for line in lines] == [
        ("T1016", 3, 45), ("T1016", 2, 23), ("99368", 1, 45), ("99366", 1, 60), ("G9012", 3, 38),
    ]  # fmt: skip

    with pytest.raises(SuperbillAlreadyIssued) as again:
        await issue_superbill(bea_principal(bea), jordan["id"], "2026-11")
    assert again.value.statement_number == 42 and again.value.superbill_id == superbill_id
    assert again.value.problems == ["The superbill for November 2026 was already issued (statement number 42)."]
    assert await Superbill.count() == 1
    preview = await preview_superbill(bea_principal(bea), jordan["id"], "2026-11")
    assert preview.issued_number == 42 and not preview.can_issue
    # $8,500 paid for $805 of services at full rate: the page says where the rest went, in dollars.
    assert "Of $8,500.00 paid, $805.00 covers the coded services at full rate" in " ".join(preview.notes)

    actions = [row["action"] for row in await AuditEvent.select(AuditEvent.action).order_by(AuditEvent.seq)]
    assert "superbill.issue" in actions and "superbill.preview" in actions
    assert [row["statement_number"] for row in await list_superbills(bea_principal(bea), jordan["id"])] == [42]


async def test_the_snapshot_is_frozen(
    db: None, bea: dict[str, Any], casey: dict[str, Any], jordan: dict[str, Any], jordan_agreement: int
) -> None:
    from portal.billing.tables import ClientInsurance

    await ready_november(bea, casey, jordan, jordan_agreement)
    superbill_id = await issue_superbill(bea_principal(bea), jordan["id"], "2026-11")
    await ClientInsurance.update({ClientInsurance.member_id: "CHANGED"}).where(ClientInsurance.client == jordan["id"])
    document = await superbill_json(bea_principal(bea), superbill_id)
    assert document["insured"]["member_id"] == "HZN123456789"


async def test_who_may_issue_and_read(
    db: None, bea: dict[str, Any], casey: dict[str, Any], olivia: dict[str, Any], pat: dict[str, Any],
    sam: dict[str, Any], jordan: dict[str, Any], taylor: dict[str, Any], jordan_agreement: int,
) -> None:  # fmt: skip
    from tests.billing.family_billing_support import family
    from tests.support import people

    await family(jordan, taylor)
    robin = await people.get("robin@example.com")
    await ready_november(bea, casey, jordan, jordan_agreement)
    with pytest.raises(PermissionDeniedException):
        await issue_superbill(person(casey), jordan["id"], "2026-11")
    with pytest.raises(PermissionDeniedException):
        await preview_superbill(person(casey), jordan["id"], "2026-11")
    superbill_id = await issue_superbill(person(olivia), jordan["id"], "2026-11")
    with pytest.raises(PermissionDeniedException):
        await superbill_json(person(casey), superbill_id)
    # Pat pays November's invoice with billing access and a release: the superbill is theirs to download.
    assert (await superbill_pdf_bytes(person(pat), superbill_id)).startswith(b"%PDF-")
    assert (await superbill_json(person(pat), superbill_id))["patient"]["name"] == "Jordan Rivera"
    for other in (sam, robin):  # suspended; a relative of another client
        with pytest.raises(NotFound):
            await superbill_pdf_bytes(person(other), superbill_id)
    with pytest.raises(NotFound):
        await superbill_json(bea_principal(bea), superbill_id + 1000)
    with pytest.raises(Invalid):
        await preview_superbill(bea_principal(bea), jordan["id"], "2026-13")
    with pytest.raises(NotFound):
        await preview_superbill(bea_principal(bea), 999_999, "2026-11")
