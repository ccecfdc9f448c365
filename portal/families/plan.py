"""The communication plan of a client: the agreed cadence of updates ("A weekly update on Fridays") and who the
family calls for what (case manager, after-hours crisis line, program contact). My day uses the cadence to show
the case manager whose family is waiting for an update."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from piccolo.query.functions.aggregate import Max

from portal.audit import services as audit
from portal.cases.clients import display_name
from portal.clock import to_local, utcnow
from portal.db import is_unique_violation, write_transaction
from portal.errors import Conflict
from portal.families.tables import CommunicationPlan, Update
from portal.policy import Action, Principal, require_client
from portal.validation import Checker

MAX_CONTACTS = 8
CONTACT_FIELDS = ("for_what", "name", "phone", "email")
DEFAULT_CONTACTS = ["Case manager", "After-hours crisis line", "Program contact"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
WEEKDAY_CHOICES = {str(number): name for number, name in enumerate(WEEKDAYS)}
NUMBER_WORDS = {2: "two", 3: "three", 4: "four"}
MAX_CADENCE_DAYS = 90


def cadence_sentence(days: int, weekday: int | None) -> str:
    """ "A weekly update on Fridays", "An update every two weeks, on Mondays", "An update every 3 days"."""
    on_day = f"{WEEKDAYS[weekday]}s" if weekday is not None and 0 <= weekday <= 6 else ""
    if days == 1:
        return "A daily update"
    if days % 7 == 0:
        weeks = days // 7
        if weeks == 1:
            return "A weekly update" + (f" on {on_day}" if on_day else "")
        text = f"An update every {NUMBER_WORDS.get(weeks, str(weeks))} weeks"
        return text + (f", on {on_day}" if on_day else "")
    return f"An update every {days} days"


def _json_list(value: Any) -> list[Any]:
    if isinstance(value, str):
        value = json.loads(value or "[]")
    return list(value or [])


def _decorate(row: dict[str, Any]) -> dict[str, Any]:
    row["contacts"] = [c for c in _json_list(row["contacts"]) if isinstance(c, dict)]
    row["sentence"] = row["cadence_text"] or cadence_sentence(row["cadence_days"], row["cadence_weekday"])
    return row


async def plans_of(client_ids: list[int]) -> dict[int, dict[str, Any]]:
    """client id -> its plan, in one query (no policy check or audit: for callers who did both)."""
    if not client_ids:
        return {}
    rows = await CommunicationPlan.select().where(CommunicationPlan.client.is_in(client_ids))
    return {row["client"]: _decorate(row) for row in rows}


async def get_plan(principal: Principal, client_id: int) -> dict[str, Any] | None:
    await require_client(principal, client_id, Action.FAMILY_MANAGE)
    return (await plans_of([client_id])).get(client_id)


def plan_form(plan: dict[str, Any] | None, case_manager: dict[str, Any] | None) -> dict[str, Any]:
    """The plan form's values: the saved plan, or a first draft naming the usual contacts (and the primary case
    manager), with a few empty rows to add more."""
    if plan is not None:
        form: dict[str, Any] = {
            "cadence_days": plan["cadence_days"],
            "cadence_weekday": "" if plan["cadence_weekday"] is None else str(plan["cadence_weekday"]),
        }
        contacts = plan["contacts"]
    else:
        form = {"cadence_days": 7, "cadence_weekday": ""}
        contacts = [{"for_what": label} for label in DEFAULT_CONTACTS]
        if case_manager:
            contacts[0] = {"for_what": "Case manager", "name": case_manager.get("name", "")}
    rows = min(MAX_CONTACTS, max(len(contacts) + 1, len(DEFAULT_CONTACTS)))
    for index in range(rows):
        contact = contacts[index] if index < len(contacts) else {}
        for name in CONTACT_FIELDS:
            form[f"contact-{index}-{name}"] = contact.get(name, "")
    form["contact_rows"] = rows
    return form


def submitted_form(data: dict[str, Any]) -> dict[str, Any]:
    """The posted plan form, to show again with its errors."""
    rows = max(
        [index + 1 for index in range(MAX_CONTACTS) if any(f"contact-{index}-{n}" in data for n in CONTACT_FIELDS)]
        or [len(DEFAULT_CONTACTS)]
    )
    return {**data, "contact_rows": rows}


def check_plan_fields(data: dict[str, Any]) -> dict[Any, Any]:
    c = Checker(data)
    days = c.integer("cadence_days", required=True, minimum=1, maximum=MAX_CADENCE_DAYS, label="Days between updates")
    weekday_text = c.choice("cadence_weekday", WEEKDAY_CHOICES, required=False, label="Day of the week")
    weekday = int(weekday_text) if weekday_text else None
    if weekday is not None and days is not None and days % 7 != 0:
        c.fail("cadence_weekday", "A day of the week goes with a cadence in whole weeks (7, 14, 21 … days).")
    contacts = []
    for index in range(MAX_CONTACTS):
        key = f"contact-{index}-"
        # A row with only its label (the first draft's "Program contact") is an empty row.
        if not any(str(data.get(key + name) or "").strip() for name in ("name", "phone", "email")):
            continue
        contact = {
            "for_what": c.text(key + "for_what", required=True, max_length=100, label="What to call about"),
            "name": c.text(key + "name", max_length=120, label="Name"),
            "phone": c.phone(key + "phone"),
            "email": c.email(key + "email"),
        }
        if not contact["phone"] and not contact["email"] and key + "phone" not in c.errors:
            c.fail(key + "phone", "Give a phone number or an e-mail address.")
        contacts.append(contact)
    c.done()
    assert days is not None
    return {
        "cadence_days": days,
        "cadence_weekday": weekday,
        "cadence_text": cadence_sentence(days, weekday),
        "contacts": contacts,
    }


async def save_plan(principal: Principal, client_id: int, data: dict[str, Any]) -> None:
    """Create or change the client's communication plan (audited with the cadence and how many contacts)."""
    await require_client(principal, client_id, Action.FAMILY_MANAGE)
    values = check_plan_fields(data)
    now = utcnow()
    try:
        async with write_transaction():
            current = await CommunicationPlan.select(CommunicationPlan.id).where(CommunicationPlan.client == client_id)
            if current:
                await CommunicationPlan.update({**values, "updated_by": principal.user_id, "updated_at": now}).where(
                    CommunicationPlan.client == client_id
                )
            else:
                await CommunicationPlan.insert(
                    CommunicationPlan(
                        client=client_id, **values, updated_by=principal.user_id, updated_at=now, created_at=now
                    )
                )
            await audit.record(
                principal,
                "family.plan.update" if current else "family.plan.create",
                resource_type="communication_plan",
                resource_id=client_id,
                client_id=client_id,
                detail={"cadence_days": values["cadence_days"], "contacts": len(values["contacts"])},
            )
    except Exception as exc:
        if is_unique_violation(exc):
            raise Conflict("Someone saved this plan at the same moment. Reload the page.") from None
        raise


# --------------------------------------------------------------------------- My day


def _aware(moment: Any) -> datetime | None:
    """MAX() of a timestamp comes back as text on SQLite."""
    if moment is None:
        return None
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return to_local(moment, "UTC")


async def overdue_updates(clients: Any, statuses: list[str], now: datetime, time_zone: str) -> list[dict[str, Any]]:
    """Clients (of the `clients` subquery, in `statuses`) with a plan whose family has waited longer than the
    cadence: days since the last published update (or, with none yet, since the plan was agreed), counted in the
    practice's days. Longest overdue first. Two queries (one when no client has a plan)."""
    plans = await CommunicationPlan.select(
        CommunicationPlan.client,
        CommunicationPlan.cadence_days,
        CommunicationPlan.cadence_weekday,
        CommunicationPlan.cadence_text,
        CommunicationPlan.created_at,
        CommunicationPlan.client.legal_name,
        CommunicationPlan.client.preferred_name,
    ).where(CommunicationPlan.client.is_in(clients) & CommunicationPlan.client.status.is_in(statuses))
    if not plans:
        return []
    latest = await (
        Update.select(Update.client, Max(Update.published_at, alias="last_published"))
        .where(
            Update.client.is_in([p["client"] for p in plans])
            & (Update.status == "published")
            & Update.published_at.is_not_null()
        )
        .group_by(Update.client)
    )
    last = {row["client"]: _aware(row["last_published"]) for row in latest}
    today = to_local(now, time_zone).date()
    result = []
    for plan in plans:
        published = last.get(plan["client"])
        since = published or plan["created_at"]
        days = (today - to_local(since, time_zone).date()).days
        if days <= plan["cadence_days"]:
            continue
        result.append(
            {
                "client": plan["client"],
                "name": display_name(
                    {"legal_name": plan["client.legal_name"], "preferred_name": plan["client.preferred_name"]}
                ),
                "sentence": plan["cadence_text"] or cadence_sentence(plan["cadence_days"], plan["cadence_weekday"]),
                "cadence_days": plan["cadence_days"],
                "last_published_at": published,
                "days_since": days,
                "days_late": days - plan["cadence_days"],
            }
        )
    result.sort(key=lambda r: (-r["days_late"], r["name"]))
    return result
