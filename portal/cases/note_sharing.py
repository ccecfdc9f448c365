"""Sharing a signed note with a care-team party: through the consent gate, recorded as a disclosure.

A note's audience is internal until it is shared. Sharing asks `consents.authorize_disclosure()` for the party,
the category "coordination notes" (plus substance use records for a Part 2 note) and the purpose "care
coordination"; a refusal carries the gate's reason to the page, an allowed share writes a NoteShare beside the
Disclosure and offers a copy of the note for that party (with the redisclosure notice for Part 2 notes).
"""

from __future__ import annotations

from typing import Any

from portal.audit import services as audit
from portal.cases import care_team, consents
from portal.cases.notes import note_row, parties_of
from portal.cases.tables import CareTeamMember, Disclosure, Note, NoteAddendum, NoteShare
from portal.clock import utcnow
from portal.core.services import get_practice
from portal.db import write_transaction
from portal.errors import Conflict, DomainError, Invalid, NotFound
from portal.policy import MAX_ROW_ID, Action, Principal, require_client

SHARE_CATEGORIES = ["coordination_notes"]
SHARE_PURPOSE = "care_coordination"


class ShareRefused(DomainError):
    """The consent gate said no: the message and reason code come from its decision."""

    status_code = 403

    def __init__(self, message: str, reason: str, party_id: int) -> None:
        super().__init__(message)
        self.reason = reason
        self.party_id = party_id


async def share_previews(client_id: int, note: dict[str, Any]) -> list[dict[str, Any]]:
    """Each current care-team party with what the gate would answer now (nothing is recorded: sharing itself
    asks the gate again). The purpose is care coordination, never the HIPAA treatment exemption."""
    practice = await get_practice()
    facts = [consents.facts_of(row, practice.time_zone) for row in await consents.consent_rows(client_id)]
    now = utcnow()
    previews = []
    for member in await care_team.members(client_id):
        recipient = consents.Recipient(
            type="party", party_id=member["party.id"], is_health_care_provider=member["is_health_care_provider"]
        )
        evaluation = consents.evaluate(
            facts, recipient, frozenset(SHARE_CATEGORIES), SHARE_PURPOSE, now, includes_part2=bool(note["is_part2"])
        )
        previews.append(
            {
                "party_id": member["party.id"],
                "name": member["party.name"],
                "organisation": member["party.organisation"],
                "type_label": member["party_type_label"],
                "allowed": evaluation.allowed,
                "message": consents.DENY_MESSAGES[evaluation.reason] if evaluation.reason else "A release covers this.",
            }
        )
    return previews


async def share_note(principal: Principal, client_id: int, note_id: int, party_id: int) -> int:
    """Share a signed note with a party on the client's care team; returns the share's id or raises ShareRefused
    (the refusal is audited by the gate as "disclosure.denied" and nothing else is written)."""
    await require_client(principal, client_id, Action.CLIENTS_WRITE)
    if principal.user_id is None:
        raise Invalid("Notes are shared by a person signed in to the portal.")
    note = await note_row(client_id, note_id)
    if note["signed_at"] is None:
        raise Conflict("Sign the note before sharing it: a draft could still change.")
    if not 0 < party_id <= MAX_ROW_ID or not await CareTeamMember.exists().where(
        (CareTeamMember.client == client_id) & (CareTeamMember.party == party_id) & CareTeamMember.ended_on.is_null()
    ):
        raise Invalid(party="Choose someone on this client's current care team.")
    recipient = await consents.recipient_for_party(party_id)
    # One unit of work: the disclosure and the share are written together or not at all. A refusal returns
    # normally from the gate, so its audit event commits with this transaction before ShareRefused is raised.
    async with write_transaction():
        decision = await consents.authorize_disclosure(
            principal,
            client_id,
            recipient,
            SHARE_CATEGORIES,
            SHARE_PURPOSE,
            includes_part2=bool(note["is_part2"]),
            resource_type="note",
            resource_id=note_id,
        )
        share_id = None
        if decision.allowed:
            rows = await NoteShare.insert(
                NoteShare(
                    note=note_id,
                    party=party_id,
                    disclosure=decision.disclosure_id,
                    shared_by=principal.user_id,
                    shared_at=utcnow(),
                )
            ).returning(NoteShare.id)
            share_id = int(rows[0]["id"])
            await Note.update({Note.shared: True}).where(Note.id == note_id)
            await audit.record(
                principal,
                "note.share",
                resource_type="note",
                resource_id=note_id,
                client_id=client_id,
                detail={"party": party_id, "share_id": share_id, "disclosure_id": decision.disclosure_id},
            )
    if share_id is None:
        assert decision.reason is not None
        raise ShareRefused(decision.message, decision.reason.value, party_id)
    return share_id


async def get_share_copy(principal: Principal, client_id: int, note_id: int, share_id: int) -> dict[str, Any]:
    """What the party received: the note as signed, the addenda written before the share, and for Part 2
    records the redisclosure notice with a summary of the consent it went under."""
    await require_client(principal, client_id)
    note = await note_row(client_id, note_id)
    if not 0 < share_id <= MAX_ROW_ID:
        raise NotFound("No such share.")
    share = (
        await NoteShare.select(
            *NoteShare.all_columns(),
            NoteShare.party.name.as_alias("party_name"),
            NoteShare.party.organisation.as_alias("party_organisation"),
            NoteShare.shared_by.name.as_alias("shared_by_name"),
        )
        .where((NoteShare.id == share_id) & (NoteShare.note == note_id))
        .first()
    )
    if share is None:
        raise NotFound("No such share.")
    disclosure = await Disclosure.select().where(Disclosure.id == share["disclosure"]).first()
    assert disclosure is not None
    addenda = (
        await NoteAddendum.select(*NoteAddendum.all_columns(), NoteAddendum.author.name.as_alias("author_name"))
        .where((NoteAddendum.note == note_id) & (NoteAddendum.created_at <= share["shared_at"]))
        .order_by(NoteAddendum.created_at)
        .order_by(NoteAddendum.id)
    )
    note["parties"] = (await parties_of([note_id])).get(note_id, [])
    part2_notice = None
    consent_summary = None
    if disclosure["includes_part2"]:
        consent_row = next(
            (row for row in await consents.consent_rows(client_id) if row["id"] == disclosure["consent"]), None
        )
        part2_notice = consents.PART2_NOTICE
        consent_summary = consents.consent_summary(consent_row) if consent_row else None
    await audit.record(
        principal,
        "note.share.view",
        resource_type="note",
        resource_id=note_id,
        client_id=client_id,
        detail={"share_id": share_id},
    )
    return {
        "practice_name": (await get_practice()).name,
        "note": note,
        "share": share,
        "disclosure": disclosure,
        "addenda": addenda,
        "part2_notice": part2_notice,
        "consent_summary": consent_summary,
    }
