"""What the demo's family portal contains, as the services and the pages show it, printed as JSON.

Run against a database the demo was loaded into (`python -m tests.families.family_demo_facts` with
PORTAL_DATABASE_URL and PORTAL_DEMO_PASSWORD of that database); test_family_demo.py loads a scratch database and
asserts on the output. Staff facts are read as Casey and Morgan, the family's as Pat, Sam and Robin, and Pat and Sam
also sign in to the app itself (in process) with the demo password.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
from datetime import date, datetime
from typing import Any

from pypdf import PdfReader

from portal.accounts.services import principal_for
from portal.accounts.tables import User
from portal.cases import consents, myday
from portal.cases.tables import Client, Relative
from portal.clock import local_today, to_local
from portal.core.services import get_practice
from portal.errors import NotFound
from portal.families import dashboard, documents, messages, plan, relatives, update_feed, update_receipts
from portal.families.notifications import preference_of
from portal.families.tables import Document, Update, UpdateRecipient
from portal.files import services as files
from portal.mail.tables import OutboxMessage
from portal.policy import Principal
from portal.settings import get_settings

FAMILY = ("pat@example.com", "sam@example.com", "robin.brooks@example.com")


async def principal(email: str) -> Principal:
    user = await User.select().where(User.email == email).first()
    assert user is not None, email
    return principal_for(user)


def days_ago(moment: datetime, today: date, time_zone: str) -> int:
    return (today - to_local(moment, time_zone).date()).days


async def client_id(legal_name: str) -> int:
    row = await Client.select(Client.id).where(Client.legal_name == legal_name).first()
    assert row is not None
    return int(row["id"])


async def family_members(who: Principal, client: int) -> dict[str, Any]:
    members = await relatives.family_of(who, client)
    return {
        m.name: {
            "account": m.account_state,
            "state": m.grant["state"] if m.grant else None,
            "parts": sorted(m.parts) if m.grant else [],
            "sees": m.allowed_parts,
            "payer": m.relative["is_payer"],
        }
        for m in members
    }


async def update_facts(who: Principal, client: int, today: date, time_zone: str) -> list[dict[str, Any]]:
    """Every update of the client, oldest first, with who received and read it."""
    rows, _ = await update_receipts.list_updates(who, client, per_page=100)
    names = {r["id"]: r["name"] for r in await Relative.select(Relative.id, Relative.name)}
    recipients = await UpdateRecipient.select().where(UpdateRecipient.update.is_in([r["id"] for r in rows] or [-1]))
    facts = []
    for row in sorted(rows, key=lambda r: (r["published_at"] or r["updated_at"], r["id"])):
        mine = [r for r in recipients if r["update"] == row["id"]]
        facts.append(
            {
                "title": row["title"],
                "status": row["status"],
                "days_ago": days_ago(row["published_at"], today, time_zone) if row["published_at"] else None,
                "weekday": to_local(row["published_at"], time_zone).strftime("%A") if row["published_at"] else None,
                "categories": row["categories"],
                "follow_up": row["follows_up"] is not None,
                "received_by": sorted(names[r["relative"]] for r in mine),
                "read_by": sorted(names[r["relative"]] for r in mine if r["read_at"] is not None),
            }
        )
    return facts


async def thread_facts(who: Principal, client: int) -> list[dict[str, Any]]:
    """The client's threads as the practice lists them (its unread counts), read without marking anything."""
    rows, _ = await messages.client_threads(who, client)
    facts = []
    for row in rows:
        posts = await messages.thread_messages(row["id"])
        facts.append(
            {
                "subject": row["subject"],
                "people": sorted(p["name"] for p in row["participants"]),
                "messages": len(posts),
                "authors": sorted({p["author_name"] for p in posts}),
                "last_from_practice": posts[-1]["from_practice"],
                "unread_by_practice": row["unread"],
            }
        )
    return facts


async def document_facts(who: Principal, client: int) -> list[dict[str, Any]]:
    rows, _ = await documents.client_documents(who, client)
    facts = []
    for row in rows:
        data = await files.read_bytes(await files.get_info(row["file"]))
        pdf = PdfReader(io.BytesIO(data), strict=True)
        facts.append(
            {
                "title": row["title"],
                "file_name": row["file_name"],
                "pages": len(pdf.pages),
                "text_has_title_words": row["title"].split()[0] in pdf.pages[0].extract_text(),
                "uploaded_by_relative": row["relative_name"],
                "shared_with": sorted(s["name"] for s in row["shares"]),
            }
        )
    return facts


async def family_view(email: str) -> dict[str, Any]:
    """What a relative sees through the services: feed, dashboard, threads and documents."""
    who = await principal(email)
    feed = await update_feed.feed(who, per_page=100)
    board = await dashboard.family_dashboard(who)
    threads, _ = await messages.family_threads(who)
    docs, _ = await documents.family_documents(who)
    return {
        "clients": [link.client_name for link in feed.links],
        "feed": [item["title"] for item in feed.items],
        "unread": feed.unread,
        "cards": [
            {
                "name": card.name,
                "latest_update": card.latest_update["title"] if card.latest_update else None,
                "unread_updates": card.unread_updates,
                "unread_messages": card.unread_messages,
                "placement": card.placement["program_name"] if card.placement else None,
                "plan": card.plan["sentence"] if card.plan else None,
                "contacts": [c["for_what"] for c in card.plan["contacts"]] if card.plan else [],
            }
            for card in board.cards
        ],
        "threads": [t["subject"] for t in threads],
        "documents": [d["title"] for d in docs],
        "notifications": await preference_of(int(who.user_id or 0)),
    }


async def signed_in_pages(email: str, jordan_update_ids: list[int]) -> dict[str, Any]:
    """Sign in to the app with the demo password and read the family pages as a browser would."""
    from portal.app import create_app
    from tests.support.http import PortalClient

    password = get_settings().demo_password
    assert password, "PORTAL_DEMO_PASSWORD is not set"
    async with PortalClient(create_app()) as browser:
        login = await browser.login(email, password)
        assert login.status_code == 200, login.text
        home = await browser.get("/family")
        feed = await browser.get("/family/updates")
        threads = await browser.get("/family/threads")
        latest = await browser.get(f"/family/updates/{max(jordan_update_ids)}")
        return {
            "home_status": home.status_code,
            "home": home.text,
            "feed": feed.text,
            "threads": threads.text,
            "latest_update_status": latest.status_code,
        }


async def facts() -> dict[str, Any]:
    practice = await get_practice()
    time_zone = practice.time_zone
    today = local_today(time_zone)
    casey, morgan = await principal("casey@example.com"), await principal("morgan@example.com")
    jordan, taylor = await client_id("Jordan Rivera"), await client_id("Taylor Brooks")
    jordan_plan = await plan.get_plan(casey, jordan)
    assert jordan_plan is not None
    releases = [c for c in await consents.list_consents(casey, jordan) if c["recipient_type"] == "relative"]
    day = await myday.my_day(casey)
    jordan_updates = await Update.select(Update.id).where(Update.client == jordan)
    ids = [row["id"] for row in jordan_updates]
    result: dict[str, Any] = {
        "today": today.isoformat(),
        "jordan": {
            "family": await family_members(casey, jordan),
            "releases": [
                {"recipient": c["recipient_label"], "categories": sorted(c["categories"]), "status": c["status"]}
                for c in releases
            ],
            "plan": {
                "sentence": jordan_plan["sentence"],
                "cadence_days": jordan_plan["cadence_days"],
                "contacts": [{k: c.get(k, "") for k in ("for_what", "name", "phone")} for c in jordan_plan["contacts"]],
            },
            "updates": await update_facts(casey, jordan, today, time_zone),
            "threads": await thread_facts(casey, jordan),
            "documents": await document_facts(casey, jordan),
        },
        "taylor": {
            "family": await family_members(morgan, taylor),
            "updates": await update_facts(morgan, taylor, today, time_zone),
        },
        "casey_overdue_updates": [row["name"] for row in day.overdue_updates],
        "documents_total": await Document.count(),
        "outbox": await OutboxMessage.count(),
    }
    # The relatives' views come before their sign-in, which opens Jordan's latest update (and so marks it read).
    result["views"] = {email: await family_view(email) for email in FAMILY}
    result["pages"] = {email: await signed_in_pages(email, ids) for email in FAMILY[:2]}
    sam = await principal("sam@example.com")
    result["sam_can_open"] = []
    for update_id in ids:
        try:
            await update_feed.read_update(sam, update_id)
            result["sam_can_open"].append(update_id)
        except NotFound:
            pass
    return result


def main() -> None:
    # The app signs in below: its request log must not mix with the JSON on stdout.
    os.environ["PORTAL_LOG_LEVEL"] = "WARNING"
    print(json.dumps(asyncio.run(facts()), default=str))


if __name__ == "__main__":
    main()
