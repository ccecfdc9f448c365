"""The Good Faith Estimate of a retainer agreement (No Surprises Act; DOMAIN.md §2).

A self-pay client gets a written estimate of the charges expected over up to 12 months; a bill $400 or more above
it can be disputed. The estimate follows from the agreement's terms: the retainer month by month (prorated in a
partial first or last month), no overage expected unless more time is needed than is included, expenses only at
cost. The PDF given out is kept (a stored file on the agreement) and made again only when the terms change.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from portal.audit import services as audit
from portal.billing.money import Period, active_days, prorated_fee
from portal.billing.tables import RetainerAgreement
from portal.cases.tables import Client, Relative
from portal.clock import local_today
from portal.core.services import get_practice
from portal.db import write_transaction
from portal.errors import NotFound
from portal.policy import Action, Principal, require

MONTHS = 12
DISPUTE_THRESHOLD_CENTS = 400_00


def _dollars(cents: int) -> str:
    return f"${cents // 100:,}.{cents % 100:02d}"


@dataclass(frozen=True)
class EstimateMonth:
    period: Period
    amount_cents: int
    days: int  # days of the month the agreement is in force

    @property
    def is_partial(self) -> bool:
        return self.days < self.period.days


@dataclass
class GoodFaithEstimate:
    agreement_id: int
    client_name: str
    client_date_of_birth: date | None
    payer_name: str
    issued_on: date
    start_date: date
    end_date: date | None
    monthly_fee_cents: int
    months: list[EstimateMonth] = field(default_factory=list)
    overage_text: str = ""
    expenses_text: str = ""

    @property
    def total_cents(self) -> int:
        return sum(month.amount_cents for month in self.months)

    @property
    def dispute_threshold_cents(self) -> int:
        return self.total_cents + DISPUTE_THRESHOLD_CENTS

    @property
    def first_period(self) -> Period | None:
        return self.months[0].period if self.months else None

    @property
    def last_period(self) -> Period | None:
        return self.months[-1].period if self.months else None


def estimate_months(agreement: dict[str, Any], today: date) -> list[EstimateMonth]:
    """Up to 12 months from the later of the agreement's first month and this month, ending with the agreement."""
    start, end = agreement["start_date"], agreement["end_date"]
    period = max(Period.of(start), Period.of(today), key=lambda p: (p.year, p.month))
    months: list[EstimateMonth] = []
    while len(months) < MONTHS and (end is None or period.first_day <= end):
        days = active_days(period, start, end)
        if days:
            months.append(EstimateMonth(period, prorated_fee(agreement["monthly_fee_cents"], period, start, end), days))
        period = period.next()
    return months


def overage_text(agreement: dict[str, Any]) -> str:
    included = agreement["included_minutes"]
    if included is None:
        return "None. The monthly retainer covers all case management time; no time is billed separately."
    hours = included // 60
    rate = int(agreement["overage_rate_cents"])
    if rate == 0:
        return f"None. Time beyond the {hours} included hours a month is not billed separately."
    rollover = agreement["rollover_max_minutes"] // 60
    carried = f" (plus up to {rollover} unused hours carried over from the month before)" if rollover else ""
    return (
        f"None expected unless more than {hours} hours of case management are needed in a month{carried}. "
        f"Additional time is billed at {_dollars(rate)} per hour, and you are told when 80 % and 100 % of the "
        "included hours are used."
    )


EXPENSES_TEXT = (
    "None expected unless travel or a site visit is needed for the services. Such pass-through expenses are billed "
    "at cost, with their receipts, on the next monthly invoice; nothing is marked up."
)


def build_estimate(
    agreement: dict[str, Any], client: dict[str, Any], payer_name: str, issued_on: date
) -> GoodFaithEstimate:
    return GoodFaithEstimate(
        agreement_id=int(agreement["id"]),
        client_name=str(client["legal_name"]),
        client_date_of_birth=client.get("date_of_birth"),
        payer_name=payer_name,
        issued_on=issued_on,
        start_date=agreement["start_date"],
        end_date=agreement["end_date"],
        monthly_fee_cents=int(agreement["monthly_fee_cents"]),
        months=estimate_months(agreement, issued_on),
        overage_text=overage_text(agreement),
        expenses_text=EXPENSES_TEXT,
    )


async def load_estimate(agreement: dict[str, Any], issued_on: date) -> GoodFaithEstimate:
    client = (
        await Client.select(Client.legal_name, Client.date_of_birth).where(Client.id == agreement["client"]).first()
    )
    if client is None:
        raise NotFound("No such client.")
    payer_name = agreement["payer_name"]
    if agreement["payer_relative"]:
        relative = await Relative.select(Relative.name).where(Relative.id == agreement["payer_relative"]).first()
        payer_name = relative["name"] if relative else payer_name
    return build_estimate(agreement, client, payer_name, issued_on)


def terms_fingerprint(agreement: dict[str, Any]) -> str:
    """Changes when anything the estimate states changes (the terms, the payer), not with the date."""
    terms = [
        agreement[name]
        for name in (
            "client",
            "payer_relative",
            "payer_name",
            "monthly_fee_cents",
            "start_date",
            "end_date",
            "included_minutes",
            "overage_rate_cents",
            "rollover_max_minutes",
        )
    ]
    return hashlib.sha256(json.dumps(terms, default=str).encode()).hexdigest()[:16]


async def good_faith_estimate_pdf(principal: Principal, agreement_id: int) -> bytes:
    """The agreement's Good Faith Estimate: the one given out, unless the terms changed since (then a new one)."""
    from portal.billing import pdf
    from portal.billing.ledger import check_id
    from portal.files import services as files

    require(principal, Action.BILLING_READ)
    check_id(agreement_id, "agreement")
    agreement = await RetainerAgreement.select().where(RetainerAgreement.id == agreement_id).first()
    if agreement is None:
        raise NotFound("No such agreement.")
    estimate_name = f"good-faith-estimate-{agreement_id}-{terms_fingerprint(agreement)}.pdf"
    data: bytes | None = None
    if agreement["good_faith_estimate"]:
        stored = await files.get_info(agreement["good_faith_estimate"])
        if stored.original_name == estimate_name:
            data = await files.read_bytes(stored)
    if data is None:
        practice = await get_practice()
        estimate = await load_estimate(agreement, local_today(practice.time_zone))
        data = await pdf.render_good_faith_estimate(estimate)
        info = await files.store_bytes(data, estimate_name, "application/pdf", uploaded_by=principal.user_id)
        async with write_transaction():
            await RetainerAgreement.update({RetainerAgreement.good_faith_estimate: info.id}).where(
                RetainerAgreement.id == agreement_id
            )
            await audit.record(
                principal,
                "agreement.good_faith_estimate",
                resource_type="agreement",
                resource_id=agreement_id,
                client_id=agreement["client"],
                detail={"file": info.id},
            )
    await audit.record(
        principal,
        "agreement.good_faith_estimate.download",
        resource_type="agreement",
        resource_id=agreement_id,
        client_id=agreement["client"],
    )
    return data
