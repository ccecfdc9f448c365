"""My day: what a case manager should look at first, about the clients assigned to them.

Six sections: tasks due today or overdue; clients not contacted for N days (practice setting); placements with
an expected discharge within 14 days; releases expiring within 30 days; crisis notes of the last 48 hours; family
updates overdue against the client's communication plan (portal/families/plan.py).
Each section is a fixed number of queries whatever the amount of data: the client filter is a subquery and
per-client figures come from one GROUP BY, never from a query per client.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from piccolo.query.functions.aggregate import Count, Max

from portal.audit import services as audit
from portal.cases.clients import display_name
from portal.cases.consents import recipient_label
from portal.cases.placements import level
from portal.cases.tables import Client, ClientAssignment, Consent, Note, Placement, Task, TransitionItem
from portal.cases.tasks import DUE_ORDER, PRIORITY_ORDER, decorate, task_columns, visible_tasks
from portal.cases.vocabulary import CLIENT_STATUSES, TRANSITION_CHECKLIST
from portal.clock import to_local, utcnow
from portal.core.services import get_practice
from portal.families.plan import overdue_updates
from portal.policy import Action, Principal, client_scope, require

DISCHARGE_WINDOW_DAYS = 14
CONSENT_WINDOW_DAYS = 30
CRISIS_WINDOW = timedelta(hours=48)
# Clients one is still working with: a discharged client needs no contact.
WORKING_STATUSES = ["intake", "active", "paused"]
# Contact is any note except an internal one (a note to the file is not contact with anyone).
NON_CONTACT_KINDS = ["internal"]


@dataclass
class MyDay:
    today: date
    now: datetime
    time_zone: str
    no_contact_days: int
    tasks: list[dict[str, Any]] = field(default_factory=list)
    quiet_clients: list[dict[str, Any]] = field(default_factory=list)
    discharges: list[dict[str, Any]] = field(default_factory=list)
    consents: list[dict[str, Any]] = field(default_factory=list)
    crisis_notes: list[dict[str, Any]] = field(default_factory=list)
    # Families waiting longer than their communication plan's cadence for an update.
    overdue_updates: list[dict[str, Any]] = field(default_factory=list)

    @property
    def client_ids(self) -> list[int]:
        ids = {row["client"] for row in self.tasks if row["client"]}
        for rows in (self.quiet_clients, self.discharges, self.consents, self.crisis_notes, self.overdue_updates):
            ids.update(row["client"] for row in rows)
        return sorted(ids)

    @property
    def overdue_count(self) -> int:
        return sum(1 for row in self.tasks if row["is_overdue"])


def my_clients(principal: Principal) -> Any:
    """A subquery of the ids of the clients assigned to this person now (and visible to them)."""
    assigned = ClientAssignment.select(ClientAssignment.client).where(
        (ClientAssignment.case_manager == principal.user_id) & ClientAssignment.ended_at.is_null()
    )
    return Client.select(Client.id).where(Client.id.is_in(assigned) & client_scope(principal))


def _name(row: dict[str, Any], prefix: str = "client.") -> str:
    return display_name({"legal_name": row[f"{prefix}legal_name"], "preferred_name": row[f"{prefix}preferred_name"]})


async def tasks_due(principal: Principal, today: date) -> list[dict[str, Any]]:
    """Open tasks assigned to me, due today or earlier (one query)."""
    rows = (
        await Task.select(*task_columns())
        .where(
            (Task.assignee == principal.user_id)
            & Task.done_at.is_null()
            & Task.due_on.is_not_null()
            & (Task.due_on <= today)
            & visible_tasks(principal)
        )
        .order_by(DUE_ORDER)
        .order_by(PRIORITY_ORDER)
        .order_by(Task.id)
    )
    return [decorate(row, today) for row in rows]


async def quiet_clients(principal: Principal, now: datetime, days: int, time_zone: str) -> list[dict[str, Any]]:
    """My working clients with no contact note since `days` ago, with their last contact (two queries).

    "Days since" counts calendar days in the practice's time zone, as a person reads it: a call on the 1st is
    "9 days ago" all day on the 10th, whatever the hour of the call."""
    since = now - timedelta(days=days)
    contact = Note.kind.not_in(NON_CONTACT_KINDS)
    recently_contacted = Note.select(Note.client).where(contact & (Note.occurred_at >= since))
    rows = await (
        Client.select(Client.id, Client.legal_name, Client.preferred_name, Client.status)
        .where(
            Client.id.is_in(my_clients(principal))
            & Client.status.is_in(WORKING_STATUSES)
            & Client.id.not_in(recently_contacted)
        )
        .order_by(Client.legal_name)
    )
    if not rows:
        return []
    last_contacts = await (
        Note.select(Note.client, Max(Note.occurred_at, alias="last_contact"))
        .where(Note.client.is_in([r["id"] for r in rows]) & contact)
        .group_by(Note.client)
    )
    last = {r["client"]: r["last_contact"] for r in last_contacts}
    today = to_local(now, time_zone).date()
    result = []
    for row in rows:
        moment = _aware(last.get(row["id"]))
        result.append(
            {
                "client": row["id"],
                "name": display_name(row),
                "status_label": CLIENT_STATUSES.get(row["status"], row["status"]),
                "last_contact_at": moment,
                "days_since": (today - to_local(moment, time_zone).date()).days if moment else None,
            }
        )
    # Never contacted first, then the longest silence.
    result.sort(key=lambda r: (r["last_contact_at"] is not None, r["last_contact_at"] or now, r["name"]))
    return result


def _aware(moment: Any) -> datetime | None:
    """MAX() of a timestamp comes back as text on SQLite."""
    if moment is None:
        return None
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return to_local(moment, "UTC")


async def upcoming_discharges(principal: Principal, today: date) -> list[dict[str, Any]]:
    """Open placements of my clients whose expected discharge is within the window, or already past
    without a discharge recorded, with transition-checklist progress (two queries)."""
    until = today + timedelta(days=DISCHARGE_WINDOW_DAYS)
    rows = await (
        Placement.select(
            Placement.id,
            Placement.client,
            Placement.program_name,
            Placement.level_of_care,
            Placement.admitted_on,
            Placement.expected_discharge_on,
            Placement.step_down_level,
            Placement.client.legal_name,
            Placement.client.preferred_name,
        )
        .where(
            Placement.client.is_in(my_clients(principal))
            & Placement.discharged_on.is_null()
            & Placement.expected_discharge_on.is_not_null()
            & (Placement.expected_discharge_on <= until)
        )
        .order_by(Placement.expected_discharge_on)
        .order_by(Placement.id)
    )
    if not rows:
        return []
    counts = await (
        TransitionItem.select(TransitionItem.placement, Count(alias="done"))
        .where(TransitionItem.placement.is_in([r["id"] for r in rows]) & TransitionItem.done_at.is_not_null())
        .group_by(TransitionItem.placement)
    )
    done = {r["placement"]: r["done"] for r in counts}
    for row in rows:
        lvl, step = level(row["level_of_care"]), level(row["step_down_level"])
        row["name"] = _name(row)
        row["level_short"] = lvl.short if lvl else row["level_of_care"]
        row["step_down_label"] = step.label if step else ""
        row["days_left"] = (row["expected_discharge_on"] - today).days
        row["checklist_done"] = done.get(row["id"], 0)
        row["checklist_total"] = len(TRANSITION_CHECKLIST)
    return rows


async def expiring_consents(principal: Principal, today: date) -> list[dict[str, Any]]:
    """Releases of my clients that end within the window (not revoked, not until-revoked; one query)."""
    until = today + timedelta(days=CONSENT_WINDOW_DAYS)
    rows = await (
        Consent.select(
            Consent.id,
            Consent.client,
            Consent.recipient_type,
            Consent.recipient_class,
            Consent.expires_on,
            Consent.client.legal_name,
            Consent.client.preferred_name,
            Consent.recipient_party.name.as_alias("party_name"),
            Consent.recipient_relative.name.as_alias("relative_name"),
        )
        .where(
            Consent.client.is_in(my_clients(principal))
            & Consent.revoked_at.is_null()
            & Consent.until_revoked.eq(False)
            & Consent.expires_on.is_not_null()
            & (Consent.expires_on >= today)
            & (Consent.expires_on <= until)
        )
        .order_by(Consent.expires_on)
        .order_by(Consent.id)
    )
    for row in rows:
        row["name"] = _name(row)
        row["recipient_label"] = recipient_label(row)
        row["days_left"] = (row["expires_on"] - today).days
    return rows


async def recent_crisis_notes(principal: Principal, now: datetime) -> list[dict[str, Any]]:
    """Crisis notes about my clients from the last 48 hours, newest first (one query)."""
    rows = await (
        Note.select(
            Note.id,
            Note.client,
            Note.occurred_at,
            Note.subject,
            Note.author.name.as_alias("author_name"),
            Note.client.legal_name,
            Note.client.preferred_name,
        )
        .where(
            Note.client.is_in(my_clients(principal))
            & (Note.kind == "crisis")
            & (Note.occurred_at >= now - CRISIS_WINDOW)
        )
        .order_by(Note.occurred_at, ascending=False)
        .order_by(Note.id, ascending=False)
    )
    for row in rows:
        row["name"] = _name(row)
    return rows


async def my_day(principal: Principal) -> MyDay:
    """Everything My day shows, audited as one read naming the clients shown."""
    require(principal, Action.CLIENTS_READ)
    practice = await get_practice()
    now = utcnow()
    today = to_local(now, practice.time_zone).date()
    day = MyDay(today=today, now=now, time_zone=practice.time_zone, no_contact_days=practice.no_contact_alert_days)
    day.tasks = await tasks_due(principal, today)
    day.crisis_notes = await recent_crisis_notes(principal, now)
    day.quiet_clients = await quiet_clients(principal, now, practice.no_contact_alert_days, practice.time_zone)
    day.discharges = await upcoming_discharges(principal, today)
    day.consents = await expiring_consents(principal, today)
    day.overdue_updates = await overdue_updates(my_clients(principal), WORKING_STATUSES, now, practice.time_zone)
    await audit.record(
        principal,
        "myday.view",
        resource_type="my_day",
        detail={
            "client_ids": day.client_ids,
            "counts": {
                "tasks": len(day.tasks),
                "crisis_notes": len(day.crisis_notes),
                "quiet_clients": len(day.quiet_clients),
                "discharges": len(day.discharges),
                "consents": len(day.consents),
                "overdue_updates": len(day.overdue_updates),
            },
        },
    )
    return day
