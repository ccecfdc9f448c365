"""The family dashboard (phone first) and the family's placement timeline.

Per loved one (an active link of the signed-in relative): the latest update they received, their unread messages,
the current placement and the next step (when the grant includes the timeline and the client's consent covers
placements: that check records a disclosure), the next payment due (the billing hook) and who to call.
A suspended link is not a link at all here (family_links leaves it out): nothing about it shows, not even that
it exists. The query count does not grow with the number of updates or messages.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import reduce
from typing import Any

from piccolo.query.functions.aggregate import Count, Max

from portal.audit import services as audit
from portal.cases import placements
from portal.cases.timeline_layout import WIDTHS, Geometry, Span, fmt, layout
from portal.cases.vocabulary import LEVELS_OF_CARE
from portal.clock import local_today, to_local
from portal.core.services import get_practice
from portal.errors import NotFound
from portal.families import plan as communication_plan
from portal.families.access import (
    PARTS,
    FamilyLink,
    family_links,
    passes_consent_gate,
    preview_consent_gate,
    require_family_part,
)
from portal.families.tables import Message, ThreadParticipant, UpdateRecipient
from portal.policy import Action, Principal, require


@dataclass
class ClientCard:
    """What the dashboard shows about one loved one."""

    link: FamilyLink
    latest_update: dict[str, Any] | None = None
    unread_updates: int = 0
    unread_messages: int = 0
    shows_timeline: bool = False
    placement: dict[str, Any] | None = None
    plan: dict[str, Any] | None = None
    payment_due: PaymentDue | None = None

    @property
    def client_id(self) -> int:
        return self.link.client_id

    @property
    def name(self) -> str:
        return self.link.client_name


@dataclass
class Dashboard:
    links: list[FamilyLink]
    cards: list[ClientCard]
    time_zone: str
    current_client_id: int | None = None


@dataclass(frozen=True)
class PaymentDue:
    amount_cents: int
    due_on: date


async def next_payment_due(link: FamilyLink) -> PaymentDue | None:
    """The billing hook: the balance and due date of the oldest open invoice this relative pays for this client,
    or None (one query; whether it may be shown is the caller's consent check)."""
    from portal.billing.family import payment_due

    due = await payment_due(link)
    if due is None or due.due_on is None:
        return None
    return PaymentDue(amount_cents=due.amount_cents, due_on=due.due_on)


async def family_dashboard(principal: Principal, only_client_id: int | None = None) -> Dashboard:
    """The signed-in relative's dashboard, for every linked client or only one (404 when not linked)."""
    require(principal, Action.FAMILY_PORTAL)
    practice = await get_practice()
    links = await family_links(principal)
    shown = links
    if only_client_id is not None:
        shown = [link for link in links if link.client_id == only_client_id]
        if not shown:
            raise NotFound("Not found.")
    cards = [ClientCard(link=link) for link in shown]
    await _add_updates(cards)
    await _add_unread_messages(principal, cards)
    plans = await communication_plan.plans_of([card.client_id for card in cards])
    for card in cards:
        card.plan = plans.get(card.client_id)
        if card.link.sees("timeline"):
            await _add_placement(principal, card)
        if card.link.sees("billing"):
            await _add_payment_due(principal, card)
    await audit.record(
        principal,
        "family.dashboard.view",
        resource_type="family_dashboard",
        detail={"client_ids": [card.client_id for card in cards]},
    )
    return Dashboard(links=links, cards=cards, time_zone=practice.time_zone, current_client_id=only_client_id)


async def _add_updates(cards: list[ClientCard]) -> None:
    """The latest update each relative received and how many they have not read (three queries)."""
    by_relative = {card.link.relative_id: card for card in cards if card.link.sees("updates")}
    if not by_relative:
        return
    published = UpdateRecipient.update.status == "published"
    mine = UpdateRecipient.relative.is_in(list(by_relative))
    latest_rows = await (
        UpdateRecipient.select(
            UpdateRecipient.relative,
            Max(UpdateRecipient.update.published_at, alias="latest"),
            Count(alias="received"),
        )
        .where(mine & published)
        .group_by(UpdateRecipient.relative)
    )
    unread_rows = await (
        UpdateRecipient.select(UpdateRecipient.relative, Count(alias="unread"))
        .where(mine & published & UpdateRecipient.read_at.is_null())
        .group_by(UpdateRecipient.relative)
    )
    for row in unread_rows:
        by_relative[row["relative"]].unread_updates = int(row["unread"])
    if not latest_rows:
        return
    # Each relative's newest delivery, matched on the very value MAX() returned (text on SQLite, a timestamp on
    # PostgreSQL), so the comparison is exact on both engines.
    newest = reduce(
        operator.or_,
        [
            (UpdateRecipient.relative == row["relative"]) & (UpdateRecipient.update.published_at == row["latest"])
            for row in latest_rows
        ],
    )
    rows = await (
        UpdateRecipient.select(
            UpdateRecipient.relative,
            UpdateRecipient.read_at,
            UpdateRecipient.update.id.as_alias("update_id"),
            UpdateRecipient.update.title.as_alias("title"),
            UpdateRecipient.update.published_at.as_alias("published_at"),
        )
        .where(newest & published)
        .order_by(UpdateRecipient.update.id)
    )
    for row in rows:  # on a tie, the update written last wins
        by_relative[row["relative"]].latest_update = row


async def _add_unread_messages(principal: Principal, cards: list[ClientCard]) -> None:
    """Messages written by someone else after the relative last read the thread (two queries)."""
    by_relative = {card.link.relative_id: card for card in cards if card.link.sees("messages")}
    if not by_relative:
        return
    threads = await ThreadParticipant.select(
        ThreadParticipant.thread,
        ThreadParticipant.relative,
        ThreadParticipant.last_read_at,
        ThreadParticipant.thread.last_message_at.as_alias("last_message_at"),
    ).where(ThreadParticipant.relative.is_in(list(by_relative)))
    waiting = [t for t in threads if t["last_read_at"] is None or _after(t["last_message_at"], t["last_read_at"])]
    if not waiting:
        return
    read_marks = [t["last_read_at"] for t in waiting]
    query = Message.select(Message.thread, Message.created_at).where(
        Message.thread.is_in([t["thread"] for t in waiting]) & (Message.author != principal.user_id)
    )
    if None not in read_marks:
        query = query.where(Message.created_at > min(read_marks))
    messages = await query
    for participant in waiting:
        unread = sum(
            1
            for m in messages
            if m["thread"] == participant["thread"]
            and (participant["last_read_at"] is None or _after(m["created_at"], participant["last_read_at"]))
        )
        by_relative[participant["relative"]].unread_messages += unread


def _after(moment: datetime | None, mark: datetime) -> bool:
    return moment is not None and to_local(moment, "UTC") > to_local(mark, "UTC")


async def _add_payment_due(principal: Principal, card: ClientCard) -> None:
    """The next payment due, when the relative pays for this client and (for an adult client) the release covers
    billing: that check records the disclosure, and runs only when there is something to disclose."""
    from portal.billing.family import allows_billing

    due = await next_payment_due(card.link)
    if due is not None and await allows_billing(principal, card.link, "family_dashboard"):
        card.payment_due = due


async def _add_placement(principal: Principal, card: ClientCard) -> None:
    """The current placement and its step-down target, when the consent gate allows placements (the check
    records the disclosure)."""
    if not await passes_consent_gate(principal, card.link, "timeline", record=True, resource_type="family_dashboard"):
        return
    card.shows_timeline = True
    current = await placements.current_placement_of(card.client_id)
    if current is not None:
        card.placement = {
            "program_name": current["program_name"],
            "level_short": current["level_short"],
            "level_label": current["level_label"],
            "admitted_on": current["admitted_on"],
            "step_down_label": current["step_down"].label if current["step_down"] else "",
        }


# --------------------------------------------------------------------------- the family's timeline


@dataclass
class FamilyTimeline:
    link: FamilyLink
    today: date
    placements: list[dict[str, Any]]
    layouts: dict[str, Geometry] = field(default_factory=dict)
    summary: str = ""


def _family_row(row: dict[str, Any]) -> dict[str, Any]:
    """Only what the family sees of a placement: never the outcome, its note, the discharge type, the aftercare
    plan's text or a referral that did not lead to an admission."""
    level = LEVELS_OF_CARE.get(row["level_of_care"])
    step = LEVELS_OF_CARE.get(row["step_down_level"] or "")
    return {
        "id": row["id"],
        "program_name": row["program_name"],
        "level_code": row["level_of_care"],
        "level_short": level.short if level else row["level_of_care"],
        "level_label": level.label if level else row["level_of_care"],
        "intensity": level.intensity if level else 0,
        "admitted_on": row["admitted_on"],
        "discharged_on": row["discharged_on"],
        "step_down_label": step.label if step else "",
    }


def _span(row: dict[str, Any]) -> Span:
    return Span(
        id=row["id"],
        program=row["program_name"],
        level_code=row["level_code"],
        short=row["level_short"],
        level_label=row["level_label"],
        intensity=row["intensity"],
        referred_on=None,
        admitted_on=row["admitted_on"],
        expected_discharge_on=None,
        discharged_on=row["discharged_on"],
        step_down=row["step_down_label"],
    )


def _summary(rows: list[dict[str, Any]], today: date) -> str:
    if not rows:
        return "No placements to show."
    parts = []
    for row in sorted(rows, key=lambda r: (r["admitted_on"], r["id"])):
        if row["admitted_on"] > today:
            parts.append(f"{row['level_short']} at {row['program_name']} from {fmt(row['admitted_on'])} (booked)")
        else:
            until = fmt(row["discharged_on"]) if row["discharged_on"] else "today"
            parts.append(f"{row['level_short']} at {row['program_name']}, {fmt(row['admitted_on'])} to {until}")
    return "; then ".join(parts) + "."


async def family_timeline(principal: Principal, client_id: int) -> FamilyTimeline:
    """The client's placements as the family may see them: the grant must include the timeline and the consent
    gate must allow placements (recorded as a disclosure); otherwise 404, as for a client that does not exist."""
    link = await require_family_part(principal, client_id, "timeline")
    if not await passes_consent_gate(
        principal, link, "timeline", record=True, resource_type="family_timeline", resource_id=client_id
    ):
        raise NotFound("Not found.")
    today = local_today((await get_practice()).time_zone)
    rows = [_family_row(row) for row in await placements.placement_rows(client_id) if row["admitted_on"]]
    result = FamilyTimeline(link=link, today=today, placements=rows, summary=_summary(rows, today))
    if rows:
        spans = [_span(row) for row in rows]
        result.layouts = {name: layout(spans, [], today, name=name, width=w) for name, w in WIDTHS.items()}
    return result


# --------------------------------------------------------------------------- the API's list of clients


async def visible_clients(principal: Principal) -> list[tuple[FamilyLink, list[str]]]:
    """Each linked client with the parts the relative may see now: granted and passing the consent gate
    (evaluated only; nothing is disclosed by listing)."""
    require(principal, Action.FAMILY_PORTAL)
    result = []
    for link in await family_links(principal):
        granted = [part for part in PARTS if link.sees(part)]
        gate = await preview_consent_gate(link.client_id, [(link.relative_id, link.legal_authority)], granted)
        result.append((link, [part for part in granted if gate[link.relative_id][part].allowed]))
    return result


def local_date(moment: datetime | None, time_zone: str) -> date | None:
    return to_local(moment, time_zone).date() if moment else None
