"""The relative's side of updates: their feed across the loved ones they are linked to (newest first), one update
(opening it marks it read, the first time only) and its attachments.

A relative sees an update only when they are one of its recipients and their grant for that client is active
with updates on. Anything else is the same 404 as an update that does not exist: a suspended relative sees
"No updates yet." and learns nothing, not even that others still receive them. The note an update may have
started from is never part of what a relative sees.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from piccolo.query.methods.update import Update as UpdateQuery

from portal.audit import services as audit
from portal.cases import consents
from portal.cases.tables import Disclosure
from portal.clock import utcnow
from portal.db import write_transaction
from portal.errors import NotFound
from portal.families.access import FamilyLink, family_links
from portal.families.tables import UpdateAttachment, UpdateRecipient
from portal.families.updates import attachments_of
from portal.files import services as files
from portal.policy import MAX_ROW_ID, Action, Principal, require

EXCERPT_CHARS = 180


@dataclass(frozen=True)
class Feed:
    items: list[dict[str, Any]]
    total: int
    unread: int
    links: list[FamilyLink]  # every loved one whose updates this relative sees (for the switcher)
    client_id: int | None  # the one the feed is limited to, if any


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= EXCERPT_CHARS:
        return text
    return text[:EXCERPT_CHARS].rsplit(" ", 1)[0] + "…"


async def update_links(principal: Principal) -> list[FamilyLink]:
    """The signed-in relative's links whose grant shows updates (suspended links are never among them)."""
    require(principal, Action.FAMILY_PORTAL)
    return [link for link in await family_links(principal) if link.sees("updates")]


async def feed(principal: Principal, *, client_id: int | None = None, page: int = 1, per_page: int = 20) -> Feed:
    """Published updates this relative received, newest first; `client_id` limits it to one loved one (404 when
    this relative does not see that one's updates). A fixed number of queries whatever the number of updates."""
    links = await update_links(principal)
    chosen = [link for link in links if client_id is None or link.client_id == client_id]
    if client_id is not None and not chosen:
        raise NotFound("Not found.")
    if not chosen:
        return Feed([], 0, 0, links, client_id)
    by_relative = {link.relative_id: link for link in chosen}
    where = UpdateRecipient.relative.is_in(list(by_relative)) & (UpdateRecipient.update.status == "published")
    total = await UpdateRecipient.count().where(where)
    unread = await UpdateRecipient.count().where(where & UpdateRecipient.read_at.is_null())
    rows = (
        await UpdateRecipient.select(
            UpdateRecipient.relative,
            UpdateRecipient.read_at,
            UpdateRecipient.update.id.as_alias("id"),
            UpdateRecipient.update.title.as_alias("title"),
            UpdateRecipient.update.body_text.as_alias("body_text"),
            UpdateRecipient.update.published_at.as_alias("published_at"),
            UpdateRecipient.update.follows_up.as_alias("follows_up"),
        )
        .where(where)
        .order_by(UpdateRecipient.update.published_at, ascending=False)
        .order_by(UpdateRecipient.update.id, ascending=False)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    attachment_counts: dict[int, int] = {}
    if rows:
        for attachment in await UpdateAttachment.select(UpdateAttachment.update).where(
            UpdateAttachment.update.is_in([row["id"] for row in rows])
        ):
            attachment_counts[attachment["update"]] = attachment_counts.get(attachment["update"], 0) + 1
    items = []
    for row in rows:
        link = by_relative[row["relative"]]
        items.append(
            {
                "id": row["id"],
                "client_id": link.client_id,
                "client_name": link.client_name,
                "title": row["title"],
                "excerpt": _excerpt(row["body_text"]),
                "published_at": row["published_at"],
                "read": row["read_at"] is not None,
                "is_follow_up": row["follows_up"] is not None,
                "attachments": attachment_counts.get(row["id"], 0),
            }
        )
    for link in chosen:
        shown = [item["id"] for item in items if item["client_id"] == link.client_id]
        if shown:
            await audit.record(
                principal,
                "update.feed",
                resource_type="update",
                client_id=link.client_id,
                detail={"update_ids": shown},
            )
    return Feed(items, total, unread, links, client_id)


async def unread_count(principal: Principal) -> int:
    """Unread updates of the signed-in relative, across every loved one (for badges)."""
    relative_ids = [link.relative_id for link in await update_links(principal)]
    if not relative_ids:
        return 0
    return await UpdateRecipient.count().where(
        UpdateRecipient.relative.is_in(relative_ids)
        & (UpdateRecipient.update.status == "published")
        & UpdateRecipient.read_at.is_null()
    )


async def _received(principal: Principal, update_id: int) -> tuple[dict[str, Any], FamilyLink, list[int]]:
    """The recipient row of this relative for this update, their link, and all their relative ids with updates."""
    links = await update_links(principal)
    if not links or not 0 < update_id <= MAX_ROW_ID:
        raise NotFound("Not found.")
    by_relative = {link.relative_id: link for link in links}
    row = (
        await UpdateRecipient.select(
            UpdateRecipient.id.as_alias("recipient_id"),
            UpdateRecipient.relative,
            UpdateRecipient.read_at,
            UpdateRecipient.disclosure,
            UpdateRecipient.update.id.as_alias("id"),
            UpdateRecipient.update.title.as_alias("title"),
            UpdateRecipient.update.body_html.as_alias("body_html"),
            UpdateRecipient.update.body_text.as_alias("body_text"),
            UpdateRecipient.update.published_at.as_alias("published_at"),
            UpdateRecipient.update.follows_up.as_alias("follows_up"),
        )
        .where(
            (UpdateRecipient.update == update_id)
            & UpdateRecipient.relative.is_in(list(by_relative))
            & (UpdateRecipient.update.status == "published")
        )
        .first()
    )
    if row is None:
        raise NotFound("Not found.")
    return row, by_relative[row["relative"]], list(by_relative)


async def _received_titles(relative_ids: list[int], where: Any) -> list[dict[str, Any]]:
    """Updates matching `where` that these relatives received (never a hint of ones they did not)."""
    return list(
        await UpdateRecipient.select(
            UpdateRecipient.update.id.as_alias("id"),
            UpdateRecipient.update.title.as_alias("title"),
            UpdateRecipient.update.published_at.as_alias("published_at"),
        )
        .where(where & UpdateRecipient.relative.is_in(relative_ids) & (UpdateRecipient.update.status == "published"))
        .order_by(UpdateRecipient.update.published_at)
    )


async def read_update(principal: Principal, update_id: int) -> dict[str, Any]:
    """One update as this relative sees it; the first opening records when they read it."""
    row, link, relative_ids = await _received(principal, update_id)
    first_read = row["read_at"] is None
    read_at = row["read_at"] or utcnow()
    async with write_transaction():
        if first_read:
            # UpdateRecipient's column `update` hides Table.update(): the UPDATE query is built directly.
            await (
                UpdateQuery(table=UpdateRecipient)
                .values({UpdateRecipient.read_at: read_at})
                .where((UpdateRecipient.id == row["recipient_id"]) & UpdateRecipient.read_at.is_null())
            )
        await audit.record(
            principal,
            "update.read",
            resource_type="update",
            resource_id=update_id,
            client_id=link.client_id,
            detail={"first_read": first_read},
        )
    original = []
    if row["follows_up"] is not None:
        original = await _received_titles(relative_ids, UpdateRecipient.update == row["follows_up"])
    part2_notice = consent_summary = None
    if row["disclosure"] is not None:
        disclosure = (
            await Disclosure.select(Disclosure.includes_part2, Disclosure.consent)
            .where(Disclosure.id == row["disclosure"])
            .first()
        )
        if disclosure is not None and disclosure["includes_part2"]:
            part2_notice = consents.PART2_NOTICE
            consent_row = next(
                (c for c in await consents.consent_rows(link.client_id) if c["id"] == disclosure["consent"]), None
            )
            consent_summary = consents.consent_summary(consent_row) if consent_row else None
    return {
        "id": row["id"],
        "client_id": link.client_id,
        "client_name": link.client_name,
        "title": row["title"],
        "body_html": row["body_html"],
        "body_text": row["body_text"],
        "published_at": row["published_at"],
        "read_at": read_at,
        "first_read": first_read,
        "attachments": await attachments_of(update_id),
        "follows_up": original[0] if original else None,
        "follow_ups": await _received_titles(relative_ids, UpdateRecipient.update.follows_up == update_id),
        "part2_notice": part2_notice,
        "consent_summary": consent_summary,
    }


async def attachment_for_relative(principal: Principal, update_id: int, attachment_id: int) -> files.FileInfo:
    """The stored file of an attachment of an update this relative received (the download is audited)."""
    _, link, _ = await _received(principal, update_id)
    if not 0 < attachment_id <= MAX_ROW_ID:
        raise NotFound("Not found.")
    row = (
        await UpdateAttachment.select(UpdateAttachment.file)
        .where((UpdateAttachment.id == attachment_id) & (UpdateAttachment.update == update_id))
        .first()
    )
    if row is None:
        raise NotFound("Not found.")
    info = await files.get_info(row["file"])
    await audit.record(
        principal,
        "update.attachment.download",
        resource_type="update",
        resource_id=update_id,
        client_id=link.client_id,
        detail={"attachment_id": attachment_id},
    )
    return info
