"""Helpers of the update tests: acting as a named person, writing and publishing updates, many updates at once."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from portal.families import updates
from portal.families.tables import Update, UpdateRecipient
from portal.policy import Principal, Role

UPDATE_FORM: dict[str, Any] = {
    "title": "Jordan's first week at Brookside",
    "body": "Jordan settled in well and joined the family group on Thursday.\n\nWe meet the team again Monday.",
    "recipients": "all",
}

# A small but real PDF (the files service sniffs the bytes).
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def acting(person: dict[str, Any]) -> Principal:
    return Principal(user_id=person["id"], role=Role(person["role"]), email=person["email"], name=person["name"])


async def write_update(person: dict[str, Any], client: dict[str, Any], **changes: Any) -> int:
    follows_up = changes.pop("follows_up", None)
    from_note = changes.pop("from_note", None)
    attachments = changes.pop("attachments", ())
    return await updates.create_update(
        acting(person),
        client["id"],
        {**UPDATE_FORM, **changes},
        attachments=attachments,
        follows_up=follows_up,
        from_note=from_note,
    )


async def published_update(person: dict[str, Any], client: dict[str, Any], **changes: Any) -> int:
    update_id = await write_update(person, client, **changes)
    await updates.publish_update(acting(person), client["id"], update_id)
    return update_id


async def add_published_in_bulk(
    client: dict[str, Any], author: dict[str, Any], relative_ids: list[int], count: int, *, end: datetime
) -> None:
    """`count` published updates received by these relatives, one an hour back from `end`: two inserts in all."""
    rows = [
        Update(
            client=client["id"],
            author=author["id"],
            title=f"Weekly update {n}",
            body_html=f"<p>Week {n} went fine.</p>",
            body_text=f"Week {n} went fine.",
            categories=["family_communication"],
            status="published",
            published_at=end - timedelta(hours=n),
            created_at=end - timedelta(hours=n),
            updated_at=end - timedelta(hours=n),
        )
        for n in range(count)
    ]
    inserted = await Update.insert(*rows).returning(Update.id)
    await UpdateRecipient.insert(
        *[
            UpdateRecipient(update=row["id"], relative=relative_id, delivered_at=end)
            for row in inserted
            for relative_id in relative_ids
        ]
    )
