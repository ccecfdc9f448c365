"""Issued superbills as a family (and billing staff) follow them: per month, the download, the reimbursement
estimate, the timely-filing deadline and the claims; per year, what was paid, estimated and reimbursed.

A relative sees the superbills of a client only through an active grant that includes billing, past the billing
consent gate (portal.billing.claims.billing_link); a suspended relative or one without billing sees nothing and
is told nothing. The number of queries is fixed, whatever the number of superbills.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from portal.audit import services as audit
from portal.billing import claims
from portal.billing.charts import BarChart, bar_chart
from portal.billing.estimates import Estimate, ServiceLine, estimate_year
from portal.billing.insurance import Benefits
from portal.billing.ledger import client_names
from portal.billing.tables import Claim, ClientInsurance, Superbill, SuperbillLine
from portal.clock import local_today
from portal.core.services import get_practice
from portal.errors import NotFound
from portal.families.access import FamilyLink, family_links
from portal.files import services as files
from portal.policy import Action, Principal, Role, require

LIST_COLUMNS = (
    Superbill.id,
    Superbill.client,
    Superbill.period,
    Superbill.statement_number,
    Superbill.issued_on,
    Superbill.total_charge_cents,
    Superbill.total_paid_cents,
    Superbill.pdf,
)


@dataclass
class SuperbillItem:
    superbill: dict[str, Any]
    client_name: str
    deadline: date
    estimate: Estimate | None
    claims: list[claims.ClaimView] = field(default_factory=list)
    today: date | None = None

    @property
    def id(self) -> int:
        return int(self.superbill["id"])

    @property
    def period_label(self) -> str:
        year, month = (int(part) for part in self.superbill["period"].split("-"))
        return date(year, month, 1).strftime("%B %Y")

    @property
    def reminder_on(self) -> date:
        return claims.reminder_date(self.deadline)

    @property
    def filed(self) -> bool:
        return any(view.claim["submitted_on"] is not None for view in self.claims)

    @property
    def deadline_soon(self) -> bool:
        """Within the 30 days before the deadline, with no claim yet, or one not yet submitted or on which the
        insurer asked for more (the same claims the reminder e-mail is sent for)."""
        needs_action = not self.claims or any(
            v.claim["submitted_on"] is None or v.claim["status"] == "info_requested" for v in self.claims
        )
        return self.today is not None and needs_action and self.reminder_on <= self.today <= self.deadline

    @property
    def deadline_passed(self) -> bool:
        return self.today is not None and self.today > self.deadline and not self.filed

    @property
    def reimbursed_cents(self) -> int:
        return sum(int(v.claim["reimbursed_cents"] or 0) for v in self.claims)


@dataclass
class YearSummary:
    year: int
    paid_cents: int
    estimated_cents: int
    reimbursed_cents: int
    chart: BarChart


@dataclass
class YearToFollow:
    """Another year whose superbills still need something: some not filed while their deadline runs, or a claim
    still open. The page opens on the latest year, so in January last year's open claims would otherwise hide."""

    year: int
    unfiled: int = 0
    open_claims: int = 0
    next_deadline: date | None = None  # the earliest deadline among the unfiled ones


@dataclass
class SuperbillBoard:
    items: list[SuperbillItem]
    year: int
    years: list[int]
    summary: YearSummary
    links: list[FamilyLink] = field(default_factory=list)
    has_insurance: bool = False
    elsewhere: list[YearToFollow] = field(default_factory=list)


async def years_to_follow(issued: Any, chosen: int, today: date) -> list[YearToFollow]:
    """The other years (newest first) with an unfiled superbill whose deadline has not passed, or an open claim
    (three queries, whatever the number of superbills)."""
    rows = await Superbill.select(Superbill.id, Superbill.client, Superbill.period).where(
        issued & Superbill.period.not_like(f"{chosen}-%")
    )
    if not rows:
        return []
    deadlines = await claims.filing_deadlines(rows)
    filed: set[int] = set()
    open_claims: dict[int, int] = {}
    for claim in await Claim.select(Claim.superbill, Claim.status, Claim.submitted_on).where(
        Claim.superbill.is_in([row["id"] for row in rows])
    ):
        if claim["submitted_on"] is not None:
            filed.add(claim["superbill"])
        if claim["status"] in claims.OPEN_STATUSES:
            open_claims[claim["superbill"]] = open_claims.get(claim["superbill"], 0) + 1
    years: dict[int, YearToFollow] = {}
    for row in rows:
        year = int(str(row["period"])[:4])
        deadline = deadlines[row["id"]]
        unfiled = row["id"] not in filed and deadline >= today
        if not unfiled and row["id"] not in open_claims:
            continue
        follow = years.setdefault(year, YearToFollow(year))
        follow.open_claims += open_claims.get(row["id"], 0)
        if unfiled:
            follow.unfiled += 1
            follow.next_deadline = min(follow.next_deadline or deadline, deadline)
    return sorted(years.values(), key=lambda follow: -follow.year)


async def estimates_for(superbills: list[dict[str, Any]]) -> dict[int, Estimate | None]:
    """Superbill id -> the estimate from its lines and the client's plan now (None without a plan on file). Each
    month is estimated after the earlier issued months of its client's plan year (estimates.estimate_year), which
    are read here too: three queries, whatever the number of superbills."""
    if not superbills:
        return {}
    clients = sorted({s["client"] for s in superbills})
    plans = {
        row["client"]: Benefits.of(row)
        for row in await ClientInsurance.select().where(ClientInsurance.client.is_in(clients))
    }
    years = sorted({int(str(s["period"])[:4]) for s in superbills})
    # A plan year that does not start in January reaches into the calendar year before.
    same_years = await Superbill.select(Superbill.id, Superbill.client, Superbill.period).where(
        Superbill.client.is_in(clients)
        & (Superbill.status == "issued")
        & (Superbill.period >= f"{years[0] - 1}-01")
        & (Superbill.period <= f"{years[-1]}-12")
    )
    months = {row["id"]: row for row in same_years} | {s["id"]: s for s in superbills}
    lines: dict[int, list[ServiceLine]] = {}
    for row in await SuperbillLine.select(
        SuperbillLine.superbill, SuperbillLine.code, SuperbillLine.units, SuperbillLine.charge_cents
    ).where(SuperbillLine.superbill.is_in(list(months))):
        lines.setdefault(row["superbill"], []).append(ServiceLine(row["code"], row["units"], row["charge_cents"]))
    by_plan_year: dict[tuple[int, int], list[dict[str, Any]]] = {}
    for row in months.values():
        plan = plans.get(row["client"], Benefits())
        by_plan_year.setdefault((row["client"], plan.plan_year_of(str(row["period"]))), []).append(row)
    estimates: dict[int, Estimate | None] = {}
    for (client, plan_year), rows in by_plan_year.items():
        rows.sort(key=lambda row: (str(row["period"]), row["id"]))
        if client not in plans:
            estimates.update((row["id"], None) for row in rows)
            continue
        benefits = plans[client].for_year(plan_year)  # the amounts met belong to their own plan year
        year = estimate_year(benefits, [lines.get(row["id"], []) for row in rows])
        estimates.update((row["id"], estimate) for row, estimate in zip(rows, year, strict=True))
    return {s["id"]: estimates[s["id"]] for s in superbills}


def summary_of(year: int, items: list[SuperbillItem]) -> YearSummary:
    paid = sum(int(item.superbill["total_paid_cents"]) for item in items)
    estimated = sum(item.estimate.plan_pays_cents for item in items if item.estimate is not None)
    reimbursed = sum(item.reimbursed_cents for item in items)
    chart = bar_chart(
        f"Paid, estimated and reimbursed in {year}",
        [
            ("paid", "Paid", paid, "#2563eb", ""),
            ("estimated", "Estimated", estimated, "#9ca3af", "an estimate"),
            ("reimbursed", "Reimbursed", reimbursed, "#059669", ""),
        ],
        width=420,
    )
    return YearSummary(year, paid, estimated, reimbursed, chart)


async def superbill_board(
    client_ids: list[int], names: dict[int, str], year: int | None, *, payer_relatives: list[int] | None = None
) -> SuperbillBoard:
    """The issued superbills of these clients in one year (the latest with any when `year` is None); with
    `payer_relatives`, only those whose invoice these relatives pay."""
    today = local_today((await get_practice()).time_zone)
    issued = Superbill.client.is_in(client_ids or [-1]) & (Superbill.status == "issued")
    if payer_relatives is not None:
        issued &= Superbill.invoice.payer_relative.is_in(payer_relatives or [-1])
    periods = await Superbill.select(Superbill.period).where(issued).distinct()
    years = sorted({int(row["period"][:4]) for row in periods}, reverse=True)
    chosen = year if year is not None else (years[0] if years else today.year)
    rows = (
        await Superbill.select(*LIST_COLUMNS)
        .where(issued & Superbill.period.like(f"{chosen}-%"))
        .order_by(Superbill.period, ascending=False)
        .order_by(Superbill.id, ascending=False)
    )
    deadlines = await claims.filing_deadlines(rows)
    estimates = await estimates_for(rows)
    by_superbill = await claims.claims_for([row["id"] for row in rows])
    items = [
        SuperbillItem(
            superbill=row,
            client_name=names.get(row["client"], ""),
            deadline=deadlines[row["id"]],
            estimate=estimates.get(row["id"]),
            claims=by_superbill.get(row["id"], []),
            today=today,
        )
        for row in rows
    ]
    has_insurance = bool(await ClientInsurance.exists().where(ClientInsurance.client.is_in(client_ids or [-1])))
    return SuperbillBoard(
        items=items,
        year=chosen,
        years=years,
        summary=summary_of(chosen, items),
        has_insurance=has_insurance,
        elsewhere=await years_to_follow(issued, chosen, today) if len(years) > 1 else [],
    )


async def _billing_links(principal: Principal, client_id: int | None) -> list[FamilyLink]:
    require(principal, Action.FAMILY_PORTAL)
    links = [link for link in await family_links(principal) if link.sees("billing")]
    if client_id is not None:
        links = [link for link in links if link.client_id == client_id]
        if not links:
            raise NotFound("Not found.")
    passed = []
    for link in links:
        try:
            passed.append(await claims.billing_link(principal, link.client_id, "family_superbills", link.client_id))
        except NotFound:
            continue
    if client_id is not None and not passed:
        raise NotFound("Not found.")
    return passed


async def family_superbills(
    principal: Principal, *, client_id: int | None = None, year: int | None = None
) -> SuperbillBoard:
    """The relative's superbills across the loved ones whose billing they may see (audited per client)."""
    links = await _billing_links(principal, client_id)
    board = await superbill_board(
        [link.client_id for link in links],
        {link.client_id: link.client_name for link in links},
        year,
        payer_relatives=[link.relative_id for link in links],
    )
    board.links = links
    for link in links:
        await audit.record(principal, "family.superbills.view", resource_type="superbill", client_id=link.client_id)
    return board


async def staff_superbills(principal: Principal, client_id: int, year: int | None = None) -> SuperbillBoard:
    """A client's superbills and claims for billing staff (audited)."""
    require(principal, Action.SUPERBILLS_READ)
    names = await client_names([client_id])
    if client_id not in names:
        raise NotFound("No such client.")
    board = await superbill_board([client_id], names, year)
    await audit.record(principal, "billing.superbills.view", resource_type="superbill", client_id=client_id)
    return board


async def superbill_item(principal: Principal, superbill_id: int) -> SuperbillItem:
    """One superbill with its estimate, deadline and claims, for a relative with billing access or staff."""
    superbill, access, views = await claims.superbill_claims(principal, superbill_id)
    if access.link is not None:
        name = access.link.client_name
    else:
        name = (await client_names([access.client_id])).get(access.client_id, "")
    deadline = (await claims.filing_deadlines([superbill]))[superbill_id]
    estimate = (await estimates_for([superbill]))[superbill_id]
    today = local_today((await get_practice()).time_zone)
    return SuperbillItem(superbill, name, deadline, estimate, views, today)


async def superbill_pdf(principal: Principal, superbill_id: int) -> tuple[bytes, str]:
    """The issued superbill's PDF as it was stored when it was issued (the download is audited)."""
    superbill = await claims.superbill_row(superbill_id)
    access = await claims.superbill_access(principal, superbill)
    if superbill["pdf"] is not None:
        data = await files.read_bytes(await files.get_info(superbill["pdf"]))
    else:  # issued before PDFs were stored: rendered from the frozen snapshot
        from portal.billing import superbills

        data = await superbills.superbill_pdf_bytes(Principal.system("superbill-download"), superbill_id)
    await audit.record(
        principal,
        "family.superbill.pdf" if principal.role == Role.FAMILY else "billing.superbill.pdf",
        resource_type="superbill",
        resource_id=superbill_id,
        client_id=access.client_id,
    )
    return data, f"superbill-{superbill['statement_number']}-{superbill['period']}.pdf"
