"""What the demo contains, as the services report it to the people who use it, printed as JSON.

Run against a database the demo was loaded into (`python -m tests.cases.demo_facts` with PORTAL_DATABASE_URL
pointing at it); test_demo.py loads a scratch database and asserts on the output. Reading goes through the same
services the pages use, acting as Casey, Morgan and Olivia.
"""

from __future__ import annotations

import asyncio
import json
from datetime import date
from typing import Any

from portal.accounts.services import principal_for
from portal.accounts.tables import User
from portal.audit import services as audit
from portal.audit.tables import AuditEvent
from portal.cases import care_team, clients, consents, myday, note_sharing, notes, placements, tasks, time_entries
from portal.cases.care_team import npi_is_valid
from portal.cases.tables import Client, Note, NoteAddendum, NoteShare, Relative, TimeEntry
from portal.clock import local_today
from portal.core.services import get_practice
from portal.errors import NotFound
from portal.policy import Principal
from portal.settings import apply_clock, get_settings


async def principal(email: str) -> Principal:
    user = await User.select().where(User.email == email).first()
    assert user is not None
    return principal_for(user)


async def client_facts(who: Principal, client_id: int, today: date) -> dict[str, Any]:
    """Everything about one client, read as its case manager."""
    client = await clients.get_client(who, client_id)
    assessment = await clients.get_assessment(client_id)
    relatives = await clients.relatives(client_id)
    accounts = {row["id"]: row["email"] for row in await User.select(User.id, User.email)}
    team = await care_team.list_members(who, client_id)
    former = [m for m in await care_team.members(client_id, include_ended=True) if m["ended_on"] is not None]
    releases = await consents.list_consents(who, client_id)
    episodes = await placements.list_placements(who, client_id)
    note_rows = await Note.select().where(Note.client == client_id).order_by(Note.occurred_at)
    note_ids = [row["id"] for row in note_rows]
    entries = await TimeEntry.select().where(TimeEntry.client == client_id)
    task_rows, _ = await tasks.list_tasks(who, client_id=client_id, view="all", per_page=100)
    signed_plain = next((row for row in reversed(note_rows) if row["signed_at"] and not row["is_part2"]), None)
    previews = []
    if signed_plain is not None:
        note = await notes.get_note(who, client_id, signed_plain["id"], audit_read=False)
        previews = await note_sharing.share_previews(client_id, note)
    return {
        "id": client_id,
        "legal_name": client["legal_name"],
        "preferred_name": client["preferred_name"],
        "age": clients.age_on(client["date_of_birth"], today),
        "sex": client["sex"],
        "status": client["status"],
        "has_part2_records": client["has_part2_records"],
        "recommended_level": client["recommended_level"],
        "address": [client["city"], client["state"], client["zip_code"]],
        "case_managers": [
            {"email": accounts[a["case_manager.id"]], "primary": a["is_primary"]}
            for a in await clients.assignments(client_id)
        ],
        "assessment": {
            name: assessment[name] for name in [*clients.ASSESSMENT_FIELDS, "risk_level", "risk_assessed_on"]
        },
        "diagnoses": [
            {"code": d["code"], "primary": d["is_primary"], "days_ago": (today - d["diagnosed_on"]).days}
            for d in await clients.diagnoses(client_id)
        ],
        "relatives": [
            {
                "name": r["name"],
                "relationship": r["relationship"],
                "payer": r["is_payer"],
                "account": accounts.get(r["user"]) if r["user"] else None,
            }
            for r in relatives
        ],
        "care_team": [
            {
                "name": m["party.name"],
                "type": m["party.party_type"],
                "credentials": m["party.credentials"],
                "npi": m["party.npi"],
                "npi_valid": npi_is_valid(m["party.npi"]) if m["party.npi"] else None,
                "role": m["role"],
                "contact": bool(m["party.phone"] or m["party.email"]),
            }
            for m in team
        ],
        "former_care_team": [m["party.name"] for m in former],
        "releases": [
            {
                "recipient": c["recipient_label"],
                "recipient_type": c["recipient_type"],
                "categories": sorted(c["categories"]),
                "purposes": sorted(c["purposes"]),
                "status": c["status"],
                "expires_in": (c["expires_on"] - today).days if c["expires_on"] else None,
                "part2": c["covers_part2"],
            }
            for c in releases
        ],
        "share_previews": [{"name": p["name"], "allowed": p["allowed"], "message": p["message"]} for p in previews],
        "placements": [
            {
                "program": p["program_name"],
                "level": p["level_of_care"],
                "status": p["status"],
                "admitted_days_ago": (today - p["admitted_on"]).days,
                "length_days": ((p["discharged_on"] or today) - p["admitted_on"]).days,
                "expected_in": (p["expected_discharge_on"] - today).days if p["expected_discharge_on"] else None,
                "discharge_type": p["discharge_type"],
                "outcome": p["outcome"],
                "checklist_done": p["checklist_done"],
                "checklist_total": len(p["checklist"]),
            }
            for p in reversed(episodes)  # oldest first
        ],
        "notes": {
            "count": len(note_rows),
            "signed": sum(1 for row in note_rows if row["signed_at"]),
            "drafts": sum(1 for row in note_rows if not row["signed_at"]),
            "part2": sum(1 for row in note_rows if row["is_part2"]),
            "billable": sum(1 for row in note_rows if row["billable"]),
            "billable_with_activity": sum(1 for row in note_rows if row["billable"] and row["activity"]),
            "kinds": sorted({row["kind"] for row in note_rows}),
            "minutes": [min(row["minutes"] for row in note_rows), max(row["minutes"] for row in note_rows)],
            "with_parties": len(await notes.parties_of(note_ids)),
            "crisis": sum(1 for row in note_rows if row["kind"] == "crisis"),
            "oldest_days_ago": (today - note_rows[0]["occurred_at"].date()).days,
            "signed_after_written": all(
                row["signed_at"] >= row["occurred_at"] for row in note_rows if row["signed_at"]
            ),
            "addenda": await NoteAddendum.count().where(NoteAddendum.note.is_in(note_ids)),
            "shares": await NoteShare.count().where(NoteShare.note.is_in(note_ids)),
        },
        "time_entries": {
            "from_notes": sum(1 for row in entries if row["note"] is not None),
            "standalone": sum(1 for row in entries if row["note"] is None),
            "standalone_activities": sorted({row["activity"] for row in entries if row["note"] is None}),
            "billable_minutes_this_month": await time_entries.monthly_minutes(client_id, today.year, today.month),
        },
        "tasks": [
            {
                "title": t["title"],
                "assignee": accounts[t["assignee"]],
                "done": t["is_done"],
                "overdue": t["is_overdue"],
                "due_today": t["is_due_today"],
                "due_in": (t["due_on"] - today).days if t["due_on"] else None,
            }
            for t in task_rows
        ],
    }


def day_facts(day: myday.MyDay) -> dict[str, Any]:
    return {
        "tasks": [{"client": t["client_name"], "overdue": t["is_overdue"]} for t in day.tasks],
        "crisis_notes": [n["name"] for n in day.crisis_notes],
        "quiet_clients": [{"name": c["name"], "days_since": c["days_since"]} for c in day.quiet_clients],
        "discharges": [{"name": d["name"], "days_left": d["days_left"]} for d in day.discharges],
        "consents": [{"name": c["name"], "recipient": c["recipient_label"]} for c in day.consents],
    }


async def facts() -> dict[str, Any]:
    today = local_today((await get_practice()).time_zone)
    casey, morgan, olivia = [await principal(f"{name}@example.com") for name in ("casey", "morgan", "olivia")]
    everyone, _ = await clients.list_clients(olivia, per_page=100)
    ids = {row["legal_name"]: row["id"] for row in everyone}
    casey_sees, _ = await clients.list_clients(casey, per_page=100)
    morgan_sees, _ = await clients.list_clients(morgan, per_page=100)
    casey_search, _ = await clients.list_clients(casey, q="Brooks")
    blocked = []
    for row in morgan_sees:
        try:
            await clients.get_client(casey, row["id"])
        except NotFound:
            blocked.append(row["legal_name"])
    chain = await audit.verify_chain()
    jordan_writers = await AuditEvent.select(AuditEvent.actor_label).where(
        (AuditEvent.client_id == ids["Jordan Rivera"]) & (AuditEvent.action == "note.create")
    )
    return {
        "today": today.isoformat(),
        "clients": sorted(ids),
        "casey_sees": [row["legal_name"] for row in casey_sees],
        "casey_search_brooks": [row["legal_name"] for row in casey_search],
        "morgan_sees": [row["legal_name"] for row in morgan_sees],
        "casey_blocked_from": blocked,
        "jordan": await client_facts(casey, ids["Jordan Rivera"], today),
        "morgan_clients": [await client_facts(morgan, row["id"], today) for row in morgan_sees],
        "casey_day": day_facts(await myday.my_day(casey)),
        "morgan_day": day_facts(await myday.my_day(morgan)),
        "audit": {
            "intact": chain.intact,
            "count": chain.count,
            "jordan_note_writers": sorted({row["actor_label"] for row in jordan_writers}),
        },
        "relative_accounts": sorted(
            row["user.email"] for row in await Relative.select(Relative.user.email).where(Relative.user.is_not_null())
        ),
        "client_total": await Client.count(),
    }


def main() -> None:
    # Read at the clock the demo was loaded with (PORTAL_CLOCK_START, when a time-of-day sweep sets it).
    apply_clock(get_settings())
    print(json.dumps(asyncio.run(facts()), default=str))


if __name__ == "__main__":
    main()
