"""What the practice sees of its family updates: a client's drafts and published updates with how many relatives
received and read each, and one update with its read receipts ("Pat Rivera read it Tuesday 9:14 AM")."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from portal.audit import services as audit
from portal.clock import to_local, utcnow
from portal.core.services import get_practice
from portal.errors import NotFound
from portal.families.tables import Update, UpdateAttachment, UpdateRecipient
from portal.families.update_recipients import Outcome, recipient_outcomes
from portal.families.updates import attachments_of, json_list, require_reader, update_row
from portal.files import services as files
from portal.policy import MAX_ROW_ID, Principal


def read_receipt(name: str, read_at: datetime | None, now: datetime, time_zone: str) -> str:
    """ "Pat Rivera read it Tuesday 9:14 AM" or "Sam Rivera has not read it yet", in the practice's time zone."""
    if read_at is None:
        return f"{name} has not read it yet"
    local = to_local(read_at, time_zone)
    days = (to_local(now, time_zone).date() - local.date()).days
    clock = local.strftime("%-I:%M %p")
    if days <= 0:
        when = f"today {clock}"
    elif days == 1:
        when = f"yesterday {clock}"
    elif days < 7:
        when = f"{local:%A} {clock}"
    else:
        when = f"{local:%b %-d, %Y} {clock}"
    return f"{name} read it {when}"


async def list_updates(
    principal: Principal, client_id: int, *, page: int = 1, per_page: int = 25
) -> tuple[list[dict[str, Any]], int]:
    """Drafts first (newest first), then published updates newest first, each with `recipients` and `read`
    counts. A fixed number of queries whatever the number of updates."""
    await require_reader(principal, client_id)
    where = Update.client == client_id
    total = await Update.count().where(where)
    rows = (
        await Update.select(
            Update.id,
            Update.title,
            Update.status,
            Update.categories,
            Update.published_at,
            Update.updated_at,
            Update.follows_up,
            Update.author.name.as_alias("author_name"),
        )
        .where(where)
        .order_by(Update.status)  # "draft" sorts before "published"
        .order_by(Update.published_at, ascending=False)
        .order_by(Update.id, ascending=False)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    counts: dict[int, list[int]] = {row["id"]: [0, 0] for row in rows}
    if rows:
        for recipient in await UpdateRecipient.select(UpdateRecipient.update, UpdateRecipient.read_at).where(
            UpdateRecipient.update.is_in(list(counts))
        ):
            counts[recipient["update"]][0] += 1
            counts[recipient["update"]][1] += recipient["read_at"] is not None
    for row in rows:
        row["categories"] = json_list(row["categories"])
        row["recipients"], row["read"] = counts[row["id"]]
    await audit.record(
        principal,
        "update.list",
        resource_type="update",
        client_id=client_id,
        detail={"update_ids": [row["id"] for row in rows]},
    )
    return rows, total


async def get_update(principal: Principal, client_id: int, update_id: int) -> dict[str, Any]:
    """One update for the practice: its attachments, follow-ups, and either (draft) who would receive it now
    and who would not and why, or (published) who received it with read receipts."""
    await require_reader(principal, client_id)
    row = await update_row(client_id, update_id)
    practice = await get_practice()
    now = utcnow()
    row["attachments"] = await attachments_of(update_id)
    row["follow_ups"] = (
        await Update.select(Update.id, Update.title, Update.status, Update.published_at)
        .where((Update.follows_up == update_id) & (Update.client == client_id))
        .order_by(Update.id)
    )
    outcomes: list[Outcome] = []
    receipts: list[dict[str, Any]] = []
    if row["is_draft"]:
        outcomes = await recipient_outcomes(client_id, row["categories"], row["intended_relatives"])
    else:
        for recipient in (
            await UpdateRecipient.select(
                UpdateRecipient.relative,
                UpdateRecipient.read_at,
                UpdateRecipient.delivered_at,
                UpdateRecipient.relative.name.as_alias("name"),
            )
            .where(UpdateRecipient.update == update_id)
            .order_by(UpdateRecipient.relative.name)
        ):
            recipient["receipt"] = read_receipt(recipient["name"], recipient["read_at"], now, practice.time_zone)
            receipts.append(recipient)
    row["outcomes"] = outcomes
    row["receivers"] = [o for o in outcomes if o.receives]
    row["non_receivers"] = [o for o in outcomes if not o.receives]
    row["receipts"] = receipts
    row["time_zone"] = practice.time_zone
    await audit.record(principal, "update.view", resource_type="update", resource_id=update_id, client_id=client_id)
    return row


async def attachment_for_staff(
    principal: Principal, client_id: int, update_id: int, attachment_id: int
) -> files.FileInfo:
    """The stored file of one attachment of this client's update (the download is audited)."""
    await require_reader(principal, client_id)
    await update_row(client_id, update_id)
    if not 0 < attachment_id <= MAX_ROW_ID:
        raise NotFound("No such attachment.")
    row = (
        await UpdateAttachment.select(UpdateAttachment.file)
        .where((UpdateAttachment.id == attachment_id) & (UpdateAttachment.update == update_id))
        .first()
    )
    if row is None:
        raise NotFound("No such attachment.")
    info = await files.get_info(row["file"])
    await audit.record(
        principal,
        "update.attachment.download",
        resource_type="update",
        resource_id=update_id,
        client_id=client_id,
        detail={"attachment_id": attachment_id},
    )
    return info
