"""Updates for the family: the case manager writes a draft, previews who will receive it, and publishes it.

An update draws on consent categories: family communication always, plus whatever it talks about (placements,
substance use records …). A relative receives it only when their grant is active with updates on and, for an
adult client, a release names them and covers every category for family involvement (a minor's guardian needs
none, Part 2 aside). The preview answers that question with the pure `consents.evaluate()`, recording nothing;
publishing asks the gate itself (`authorize_disclosure`) for every intended relative, so each delivery is a
recorded disclosure and each refusal an audited one. A published update never changes: corrections are
follow-ups. An update may start from a coordination note's text, but nothing of the note reaches the family
except what the case manager keeps of that text.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from portal.audit import services as audit
from portal.cases import consents
from portal.cases.note_input import check_attachments
from portal.cases.notes import note_row
from portal.clock import utcnow
from portal.db import write_transaction
from portal.errors import Conflict, Forbidden, Invalid, NotFound
from portal.families import notifications
from portal.families.access import FAMILY_PURPOSE, relatives_with_grants
from portal.families.tables import Update, UpdateAttachment, UpdateRecipient
from portal.families.update_recipients import (
    BASE_CATEGORY,
    GATE_REASONS,
    PART2_CATEGORY,
    UPDATE_CATEGORIES,
    Outcome,
    recipient_outcomes,
)
from portal.files import services as files
from portal.policy import MAX_ROW_ID, Action, Principal, require, require_client
from portal.richtext import plain_text, sanitize
from portal.validation import Checker

MAX_BODY_CHARS = 20_000
MAX_ATTACHMENTS = 10
PUBLISHED_MESSAGE = "This update is published and can no longer be changed. Write a follow-up to correct or add to it."


def json_list(value: Any) -> list[Any]:
    """A JSON column's value as a list (SQLite and PostgreSQL hand it back as text)."""
    if isinstance(value, str):
        value = json.loads(value or "[]")
    return list(value or [])


def category_labels(categories: Sequence[str]) -> list[str]:
    return [UPDATE_CATEGORIES.get(c, c) for c in categories]


# --------------------------------------------------------------------------- reading an update (staff)


async def require_reader(principal: Principal, client_id: int) -> None:
    require(principal, Action.FAMILY_MANAGE)
    await require_client(principal, client_id)


async def _require_writer(principal: Principal, client_id: int) -> int:
    require(principal, Action.FAMILY_MANAGE)
    await require_client(principal, client_id, Action.CLIENTS_WRITE)
    if principal.user_id is None:
        raise Forbidden("Updates are written by a person signed in to the portal.")
    return principal.user_id


async def update_row(client_id: int, update_id: int) -> dict[str, Any]:
    """The update of this client (NotFound for another client's update: ids are not a way across clients)."""
    if not 0 < update_id <= MAX_ROW_ID:
        raise NotFound("No such update.")
    row = (
        await Update.select(
            *Update.all_columns(),
            Update.author.name.as_alias("author_name"),
            Update.follows_up.title.as_alias("follows_up_title"),
            Update.started_from_note.subject.as_alias("note_subject"),
        )
        .where((Update.id == update_id) & (Update.client == client_id))
        .first()
    )
    if row is None:
        raise NotFound("No such update.")
    row["categories"] = json_list(row["categories"])
    row["intended_relatives"] = [int(i) for i in json_list(row["intended_relatives"])]
    row["is_draft"] = row["status"] == "draft"
    return row


async def attachments_of(update_id: int) -> list[dict[str, Any]]:
    return list(
        await UpdateAttachment.select(
            UpdateAttachment.id,
            UpdateAttachment.file.original_name.as_alias("name"),
            UpdateAttachment.file.content_type.as_alias("content_type"),
            UpdateAttachment.file.size_bytes.as_alias("size_bytes"),
        )
        .where(UpdateAttachment.update == update_id)
        .order_by(UpdateAttachment.id)
    )


async def note_for_update(principal: Principal, client_id: int, note_id: int) -> dict[str, Any]:
    """The coordination note an update starts from, for the case manager's eyes only (the read is audited)."""
    await _require_writer(principal, client_id)
    note = await note_row(client_id, note_id)
    await audit.record(
        principal,
        "note.view",
        resource_type="note",
        resource_id=note_id,
        client_id=client_id,
        detail={"for": "family_update"},
    )
    return note


# --------------------------------------------------------------------------- writing drafts


@dataclass(frozen=True)
class UpdateFields:
    title: str
    body_html: str
    body_text: str
    categories: list[str]
    intended_relatives: list[int]

    def columns(self) -> dict[Any, Any]:
        return {
            Update.title: self.title,
            Update.body_html: self.body_html,
            Update.body_text: self.body_text,
            Update.categories: self.categories,
            Update.intended_relatives: self.intended_relatives,
        }


def _as_list(value: Any) -> list[Any]:
    if value in (None, ""):
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


async def check_update_fields(
    client_id: int, data: Mapping[str, Any], attachments: Sequence[tuple[bytes, str]] = (), *, already_attached: int = 0
) -> UpdateFields:
    """`data` as a form posts it: title, body, categories (besides family communication), recipients ("all" or
    "chosen") and relatives (ids, when chosen)."""
    c = Checker(dict(data))
    title = c.text("title", required=True, max_length=200, label="Title")
    body = c.text("body", required=True, max_length=MAX_BODY_CHARS, label="The update")
    body_html = sanitize(body)
    if body and "body" not in c.errors and not plain_text(body_html):
        c.fail("body", "The update has no text.")
    extra = c.choices("categories", UPDATE_CATEGORIES, label="category of information")
    categories = [BASE_CATEGORY] + [key for key in UPDATE_CATEGORIES if key in extra and key != BASE_CATEGORY]
    intended: list[int] = []
    if c.choice("recipients", {"all": "", "chosen": ""}, default="all", label="who receives it") == "chosen":
        current = {r["id"] for r in await relatives_with_grants(client_id)}
        for value in _as_list(data.get("relatives")):
            if not str(value).isdecimal() or int(value) not in current:
                c.fail("relatives", "Choose among this client's relatives.")
                break
            if int(value) not in intended:
                intended.append(int(value))
        if not intended:
            c.fail("relatives", "Tick at least one relative, or send it to everyone with access to updates.")
    if already_attached + len(attachments) > MAX_ATTACHMENTS:
        c.fail("attachments", f"An update can have at most {MAX_ATTACHMENTS} attachments.")
    else:
        check_attachments(c, attachments)
    c.done()
    return UpdateFields(title, body_html, plain_text(body_html), categories, intended)


async def _attach(update_id: int, attachments: Sequence[tuple[bytes, str]], uploaded_by: int) -> None:
    for data, name in attachments:
        stored = await files.store_upload(data, name, uploaded_by=uploaded_by)
        await UpdateAttachment.insert(UpdateAttachment(update=update_id, file=stored.id))


async def create_update(
    principal: Principal,
    client_id: int,
    data: Mapping[str, Any],
    *,
    attachments: Sequence[tuple[bytes, str]] = (),
    follows_up: int | None = None,
    from_note: int | None = None,
) -> int:
    """A new draft. `follows_up`: the published update it corrects or adds to; `from_note`: the coordination
    note whose text the case manager started from (kept for the practice, never shown to the family)."""
    author_id = await _require_writer(principal, client_id)
    if follows_up is not None:
        original = await update_row(client_id, follows_up)
        if original["is_draft"]:
            raise Conflict("A follow-up corrects or adds to a published update; this one is still a draft.")
    if from_note is not None:
        await note_row(client_id, from_note)
    fields = await check_update_fields(client_id, data, attachments)
    now = utcnow()
    async with write_transaction():
        rows = await Update.insert(
            Update(
                client=client_id,
                author=author_id,
                follows_up=follows_up,
                started_from_note=from_note,
                status="draft",
                created_at=now,
                updated_at=now,
                **{column._meta.name: value for column, value in fields.columns().items()},
            )
        ).returning(Update.id)
        update_id = int(rows[0]["id"])
        await _attach(update_id, attachments, author_id)
        await audit.record(
            principal,
            "update.create",
            resource_type="update",
            resource_id=update_id,
            client_id=client_id,
            detail={
                "categories": fields.categories,
                "follows_up": follows_up,
                "from_note": from_note,
                "attachments": len(attachments),
            },
        )
    return update_id


async def edit_update(
    principal: Principal,
    client_id: int,
    update_id: int,
    data: Mapping[str, Any],
    *,
    attachments: Sequence[tuple[bytes, str]] = (),
    remove_attachments: Sequence[int] = (),
) -> None:
    """Change a draft. A published update answers Conflict (409): corrections are follow-ups."""
    author_id = await _require_writer(principal, client_id)
    row = await update_row(client_id, update_id)
    if not row["is_draft"]:
        raise Conflict(PUBLISHED_MESSAGE)
    current = await attachments_of(update_id)
    removing = {a["id"] for a in current} & {int(i) for i in remove_attachments}
    fields = await check_update_fields(client_id, data, attachments, already_attached=len(current) - len(removing))
    async with write_transaction():
        # Conditional on still being a draft: an update published a moment ago (another tab) stays as published.
        changed = (
            await Update.update({**fields.columns(), Update.updated_at: utcnow()})
            .where((Update.id == update_id) & (Update.status == "draft"))
            .returning(Update.id)
        )
        if not changed:
            raise Conflict(PUBLISHED_MESSAGE)
        if removing:
            await UpdateAttachment.delete().where(
                (UpdateAttachment.update == update_id) & UpdateAttachment.id.is_in(sorted(removing))
            )
        await _attach(update_id, attachments, author_id)
        await audit.record(
            principal,
            "update.edit",
            resource_type="update",
            resource_id=update_id,
            client_id=client_id,
            detail={"attachments_added": len(attachments), "attachments_removed": len(removing)},
        )


async def discard_draft(principal: Principal, client_id: int, update_id: int) -> None:
    await _require_writer(principal, client_id)
    row = await update_row(client_id, update_id)
    if not row["is_draft"]:
        raise Conflict(PUBLISHED_MESSAGE)
    async with write_transaction():
        await UpdateAttachment.delete().where(UpdateAttachment.update == update_id)
        deleted = (
            await Update.delete().where((Update.id == update_id) & (Update.status == "draft")).returning(Update.id)
        )
        if not deleted:
            raise Conflict(PUBLISHED_MESSAGE)
        await audit.record(
            principal, "update.discard", resource_type="update", resource_id=update_id, client_id=client_id
        )


# --------------------------------------------------------------------------- publishing


@dataclass(frozen=True)
class PublishResult:
    update_id: int
    received: list[Outcome]
    not_received: list[Outcome]


async def preview_update(principal: Principal, client_id: int, update_id: int) -> list[Outcome]:
    """Who would receive this draft now, and who would not and why (nothing is recorded)."""
    await require_reader(principal, client_id)
    row = await update_row(client_id, update_id)
    return await recipient_outcomes(client_id, row["categories"], row["intended_relatives"])


async def publish_update(principal: Principal, client_id: int, update_id: int) -> PublishResult:
    """Publish a draft: each intended relative passes the consent gate (a recorded disclosure when allowed, an
    audited refusal when not); those allowed become recipients and are notified, all in one unit of work."""
    await _require_writer(principal, client_id)
    row = await update_row(client_id, update_id)
    if not row["is_draft"]:
        raise Conflict("This update is already published.")
    categories = row["categories"] or [BASE_CATEGORY]
    part2 = PART2_CATEGORY in categories
    now = utcnow()
    async with write_transaction():
        outcomes = await recipient_outcomes(client_id, categories, row["intended_relatives"])
        if not any(o.receives for o in outcomes):
            raise Invalid("Nobody would receive this update. " + "; ".join(f"{o.name}: {o.message}" for o in outcomes))
        # The status changes first and only from draft: of two people publishing at once, one wins.
        published = (
            await Update.update({Update.status: "published", Update.published_at: now, Update.updated_at: now})
            .where((Update.id == update_id) & (Update.status == "draft"))
            .returning(Update.id)
        )
        if not published:
            raise Conflict("This update is already published.")
        received: list[Outcome] = []
        not_received: list[Outcome] = []
        deliveries: list[UpdateRecipient] = []
        for outcome in outcomes:
            if not outcome.asks_gate:
                not_received.append(outcome)
                continue
            decision = await consents.authorize_disclosure(
                principal,
                client_id,
                await consents.recipient_for_relative(client_id, outcome.relative_id),
                categories,
                FAMILY_PURPOSE,
                includes_part2=part2,
                resource_type="update",
                resource_id=update_id,
            )
            if decision.allowed:
                received.append(replace(outcome, reason="", message=""))
                deliveries.append(
                    UpdateRecipient(
                        update=update_id,
                        relative=outcome.relative_id,
                        disclosure=decision.disclosure_id,
                        delivered_at=now,
                    )
                )
            else:
                assert decision.reason is not None
                message = outcome.message or GATE_REASONS[decision.reason]
                not_received.append(replace(outcome, reason=decision.reason.value, message=message))
        if deliveries:
            await UpdateRecipient.insert(*deliveries)
        await notifications.notify([o.user_id for o in received if o.user_id is not None], "update")
        await audit.record(
            principal,
            "update.publish",
            resource_type="update",
            resource_id=update_id,
            client_id=client_id,
            detail={
                "received": [o.relative_id for o in received],
                "not_received": {str(o.relative_id): o.reason for o in not_received},
            },
        )
    return PublishResult(update_id, received, not_received)
