"""Billing staff's view of out-of-network claims across clients: superbills the monthly automation could not
issue (with every reason), claims still open by filing deadline, and each client's plan and tracker."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from portal.audit import services as audit
from portal.billing.claims import OPEN_STATUSES, STATUSES
from portal.billing.ledger import client_choices
from portal.billing.money import Period
from portal.billing.superbill_automation import NOTICE_KIND
from portal.billing.tables import BillingNotice, Claim, ClientInsurance
from portal.policy import Action, Principal, require

OPEN_CLAIMS_SHOWN = 50


@dataclass
class ClaimOverview:
    refusals: list[dict[str, Any]]
    open_claims: list[dict[str, Any]]
    clients: list[dict[str, Any]]  # id, name, has_insurance


async def claim_overview(principal: Principal) -> ClaimOverview:
    require(principal, Action.SUPERBILLS_READ)
    names = dict(await client_choices())
    refusals = (
        await BillingNotice.select(
            BillingNotice.id,
            BillingNotice.message,
            BillingNotice.created_at,
            BillingNotice.invoice.client.as_alias("client"),
            BillingNotice.invoice.period.as_alias("period"),
        )
        .where((BillingNotice.kind == NOTICE_KIND) & BillingNotice.resolved_at.is_null())
        .order_by(BillingNotice.created_at, ascending=False)
    )
    for row in refusals:
        row["client_name"] = names.get(row["client"], "")
    claims = (
        await Claim.select(
            Claim.id,
            Claim.superbill,
            Claim.client,
            Claim.status,
            Claim.claim_number,
            Claim.submitted_on,
            Claim.filing_deadline,
            Claim.superbill.period.as_alias("period"),
        )
        .where(Claim.status.is_in(list(OPEN_STATUSES)))
        .order_by(Claim.filing_deadline)
        .limit(OPEN_CLAIMS_SHOWN)
    )
    for row in claims:
        row["client_name"] = names.get(row["client"], "")
        row["status_label"] = STATUSES.get(row["status"], row["status"])
        row["period_label"] = Period.parse(row["period"]).label
    insured = {row["client"] for row in await ClientInsurance.select(ClientInsurance.client)}
    clients = [{"id": cid, "name": name, "has_insurance": cid in insured} for cid, name in names.items()]
    await audit.record(principal, "billing.claims.overview", resource_type="claim")
    return ClaimOverview(refusals=refusals, open_claims=claims, clients=clients)
