"""Releases of information, and the one gate every disclosure passes: `authorize_disclosure()`.

The decision itself (`evaluate`) is a pure function of the client's consents, the recipient, the categories,
the purpose and the moment, so it can be tested exhaustively; `authorize_disclosure` adds the practice's
settings, the audit event (allowed or denied) and, when allowed, the disclosure record.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from portal.audit import services as audit
from portal.cases.tables import (
    CareTeamMember,
    CareTeamParty,
    Consent,
    ConsentLifetimeRule,
    Disclosure,
    Relative,
)
from portal.cases.vocabulary import (
    CONSENT_CATEGORIES,
    CONSENT_PURPOSES,
    COUNSELING_NOTES,
    HEALTH_CARE_PROVIDER_TYPES,
    RECIPIENT_TYPES,
    SIGNER_CAPACITIES,
    TPO_PURPOSES,
)
from portal.clock import utcnow
from portal.core.services import get_practice
from portal.db import write_transaction
from portal.errors import Invalid, NotFound
from portal.files import services as files
from portal.policy import MAX_ROW_ID, Action, Principal, require_client
from portal.validation import Checker

# Under HIPAA, coordinating care between treating providers is treatment: when the practice does not require a
# release for providers, these purposes reach a treating provider without one (never Part 2 records).
PROVIDER_TREATMENT_PURPOSES = frozenset({"treatment", "care_coordination"})

PART2_NOTICE = "42 CFR part 2 prohibits unauthorized use or disclosure of these records."


class DenyReason(StrEnum):
    NO_CONSENT = "no_consent"
    NOT_YET_EFFECTIVE = "not_yet_effective"
    EXPIRED = "expired"
    REVOKED = "revoked"
    RECIPIENT_NOT_NAMED = "recipient_not_named"
    CATEGORY_NOT_COVERED = "category_not_covered"
    PURPOSE_NOT_COVERED = "purpose_not_covered"
    COUNSELING_NOTES_WITHOUT_OWN_CONSENT = "counseling_notes_without_own_consent"


DENY_MESSAGES = {
    DenyReason.NO_CONSENT: "There is no release of information on file for this client.",
    DenyReason.NOT_YET_EFFECTIVE: "The release for this recipient is not yet in effect.",
    DenyReason.EXPIRED: "The release for this recipient has expired.",
    DenyReason.REVOKED: "The release for this recipient was revoked.",
    DenyReason.RECIPIENT_NOT_NAMED: "No release names this recipient.",
    DenyReason.CATEGORY_NOT_COVERED: "The release for this recipient does not cover this kind of information.",
    DenyReason.PURPOSE_NOT_COVERED: "The release for this recipient does not cover this purpose.",
    DenyReason.COUNSELING_NOTES_WITHOUT_OWN_CONSENT: "SUD counseling notes need a release of their own.",
}


@dataclass(frozen=True)
class Recipient:
    type: str  # "party" or "relative"
    party_id: int | None = None
    relative_id: int | None = None
    # For a party: is it a treating health-care provider (therapist, psychiatrist, program, primary care)?
    is_health_care_provider: bool = False
    label: str = ""
    # For a relative: their legal authority (a guardian of a minor needs no release while the client is a minor).
    legal_authority: str = "none"


@dataclass(frozen=True)
class ConsentFacts:
    """What the decision needs to know about one consent."""

    id: int
    recipient_type: str
    recipient_party: int | None
    recipient_relative: int | None
    categories: frozenset[str]
    purposes: frozenset[str]
    effective_from: datetime
    expires_at: datetime | None  # None: until revoked
    revoked_at: datetime | None
    covers_part2: bool


@dataclass(frozen=True)
class Evaluation:
    allowed: bool
    reason: DenyReason | None
    consent: ConsentFacts | None


def names_recipient(consent: ConsentFacts, recipient: Recipient) -> bool:
    if consent.recipient_type == "party":
        return recipient.type == "party" and consent.recipient_party == recipient.party_id
    if consent.recipient_type == "relative":
        return recipient.type == "relative" and consent.recipient_relative == recipient.relative_id
    # A Part 2 TPO consent may name a class ("my treating providers"): it reaches treating providers only.
    return consent.recipient_type == "class" and recipient.type == "party" and recipient.is_health_care_provider


def failure_at(consent: ConsentFacts, now: datetime) -> DenyReason | None:
    """Why this consent is not in force at `now` (None when it is)."""
    if consent.revoked_at is not None and consent.revoked_at <= now:
        return DenyReason.REVOKED
    if now < consent.effective_from:
        return DenyReason.NOT_YET_EFFECTIVE
    if consent.expires_at is not None and now >= consent.expires_at:
        return DenyReason.EXPIRED
    return None


def evaluate(
    consents: Sequence[ConsentFacts],
    recipient: Recipient,
    categories: frozenset[str],
    purpose: str,
    now: datetime,
    *,
    includes_part2: bool = False,
) -> Evaluation:
    """The consent decision. Consents are considered newest first; one consent must cover the whole request."""
    ordered = sorted(consents, key=lambda consent: consent.id, reverse=True)
    if COUNSELING_NOTES in categories:
        # Counseling notes travel only under a consent that covers them and nothing else.
        own = [c for c in ordered if c.categories == frozenset({COUNSELING_NOTES}) and names_recipient(c, recipient)]
        usable = [c for c in own if failure_at(c, now) is None and purpose in c.purposes]
        if not usable:
            return Evaluation(False, DenyReason.COUNSELING_NOTES_WITHOUT_OWN_CONSENT, own[0] if own else None)
        rest = categories - {COUNSELING_NOTES}
        if not rest:
            return Evaluation(True, None, usable[0])
        categories = frozenset(rest)
    if not ordered:
        return Evaluation(False, DenyReason.NO_CONSENT, None)
    named = [c for c in ordered if names_recipient(c, recipient)]
    if not named:
        return Evaluation(False, DenyReason.RECIPIENT_NOT_NAMED, None)
    in_force = [c for c in named if failure_at(c, now) is None]
    if not in_force:
        reason = failure_at(named[0], now)
        assert reason is not None
        return Evaluation(False, reason, named[0])
    needed = categories | ({"substance_use_records"} if includes_part2 else frozenset())
    covering = [c for c in in_force if needed <= c.categories and (c.covers_part2 or not includes_part2)]
    if not covering:
        return Evaluation(False, DenyReason.CATEGORY_NOT_COVERED, in_force[0])
    for_purpose = [c for c in covering if purpose in c.purposes]
    if not for_purpose:
        return Evaluation(False, DenyReason.PURPOSE_NOT_COVERED, covering[0])
    return Evaluation(True, None, for_purpose[0])


# --------------------------------------------------------------------------- reading consents


def _start_of(day: date, time_zone: str) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(time_zone))


def facts_of(row: dict[str, Any], time_zone: str) -> ConsentFacts:
    """A consent is in force from the start of its effective day through the whole of its expiry day
    (practice time zone), and not at all from the moment it is revoked."""
    expires_at = None
    if not row["until_revoked"] and row["expires_on"] is not None:
        expires_at = _start_of(row["expires_on"] + timedelta(days=1), time_zone)
    return ConsentFacts(
        id=row["id"],
        recipient_type=row["recipient_type"],
        recipient_party=row["recipient_party"],
        recipient_relative=row["recipient_relative"],
        categories=frozenset(_json_list(row["categories"])),
        purposes=frozenset(_json_list(row["purposes"])),
        effective_from=_start_of(row["effective_on"], time_zone),
        expires_at=expires_at,
        revoked_at=row["revoked_at"],
        covers_part2=row["covers_part2"],
    )


def _json_list(value: Any) -> list[str]:
    if isinstance(value, str):
        import json

        value = json.loads(value or "[]")
    return [str(v) for v in value or []]


async def consent_rows(client_id: int) -> list[dict[str, Any]]:
    return (
        await Consent.select(
            *Consent.all_columns(),
            Consent.recipient_party.name.as_alias("party_name"),
            Consent.recipient_relative.name.as_alias("relative_name"),
        )
        .where(Consent.client == client_id)
        .order_by(Consent.id, ascending=False)
    )


def recipient_label(row: dict[str, Any]) -> str:
    if row["recipient_type"] == "party":
        return str(row.get("party_name") or "")
    if row["recipient_type"] == "relative":
        return str(row.get("relative_name") or "")
    return str(row.get("recipient_class") or "")


def consent_status(row: dict[str, Any], now: datetime, time_zone: str) -> str:
    reason = failure_at(facts_of(row, time_zone), now)
    return {
        None: "active",
        DenyReason.REVOKED: "revoked",
        DenyReason.EXPIRED: "expired",
        DenyReason.NOT_YET_EFFECTIVE: "not yet effective",
    }[reason]


def consent_summary(row: dict[str, Any]) -> str:
    """The plain-language summary that travels with a Part 2 disclosure."""
    categories = ", ".join(CONSENT_CATEGORIES.get(c, c) for c in _json_list(row["categories"]))
    purposes = ", ".join(CONSENT_PURPOSES.get(p, p) for p in _json_list(row["purposes"]))
    until = "until revoked" if row["until_revoked"] else f"until {row['expires_on']:%B %-d, %Y}"
    return (
        f"Disclosed under the authorization signed by {row['signed_by_name']} "
        f"({SIGNER_CAPACITIES.get(row['signer_capacity'], row['signer_capacity'])}) on {row['signed_on']:%B %-d, %Y}, "
        f"to {recipient_label(row)}, covering {categories}, for {purposes}, effective "
        f"{row['effective_on']:%B %-d, %Y} {until}. The client may revoke it in writing at any time."
    )


# --------------------------------------------------------------------------- the gate


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: DenyReason | None
    message: str
    consent_id: int | None
    disclosure_id: int | None
    basis: str
    part2_notice: str | None = None

    def __bool__(self) -> bool:
        return self.allowed


async def recipient_for_party(party_id: int) -> Recipient:
    row = await CareTeamParty.select().where(CareTeamParty.id == party_id).first()
    if row is None:
        raise NotFound("No such care-team party.")
    label = row["name"] + (f" ({row['organisation']})" if row["organisation"] and not row["is_organisation"] else "")
    return Recipient(
        type="party",
        party_id=party_id,
        is_health_care_provider=row["party_type"] in HEALTH_CARE_PROVIDER_TYPES,
        label=label,
    )


async def recipient_for_relative(client_id: int, relative_id: int) -> Recipient:
    row = (
        await Relative.select(Relative.name, Relative.legal_authority)
        .where((Relative.id == relative_id) & (Relative.client == client_id))
        .first()
    )
    if row is None:
        raise NotFound("No such relative.")
    return Recipient(
        type="relative", relative_id=relative_id, label=row["name"], legal_authority=row["legal_authority"]
    )


async def authorize_disclosure(
    principal: Principal,
    client_id: int,
    recipient: Recipient,
    categories: Sequence[str],
    purpose: str,
    *,
    includes_part2: bool = False,
    resource_type: str = "",
    resource_id: str | int = "",
) -> Decision:
    """The only way information leaves the practice. Audits the decision; records the disclosure when allowed."""
    await require_client(principal, client_id, Action.CLIENTS_READ)
    unknown = [c for c in categories if c not in CONSENT_CATEGORIES]
    if unknown or purpose not in CONSENT_PURPOSES or not categories:
        raise Invalid("Unknown category or purpose of information.")
    practice = await get_practice()
    now = utcnow()
    wanted = frozenset(categories)
    provider_exemption = (
        not practice.roi_required_for_providers
        and recipient.type == "party"
        and recipient.is_health_care_provider
        and purpose in PROVIDER_TREATMENT_PURPOSES
        and not includes_part2
        and COUNSELING_NOTES not in wanted
        and "substance_use_records" not in wanted
    )
    guardian_of_minor = (
        recipient.type == "relative"
        and recipient.legal_authority == "guardian_of_minor"
        and not includes_part2
        and COUNSELING_NOTES not in wanted
        and await client_is_minor(client_id, now, practice.time_zone)
    )
    rows = await consent_rows(client_id)
    if provider_exemption:
        evaluation = Evaluation(True, None, None)
        basis = "hipaa_treatment"
    elif guardian_of_minor:
        # A minor's guardian is the minor's personal representative: no release is needed (Part 2 aside).
        evaluation = Evaluation(True, None, None)
        basis = "guardian_of_minor"
    else:
        evaluation = evaluate(
            [facts_of(r, practice.time_zone) for r in rows],
            recipient,
            wanted,
            purpose,
            now,
            includes_part2=includes_part2,
        )
        basis = "consent"
    consent_row = next((r for r in rows if evaluation.consent and r["id"] == evaluation.consent.id), None)
    consent_id = evaluation.consent.id if evaluation.consent else None
    detail: dict[str, Any] = {
        "recipient_type": recipient.type,
        "recipient_id": recipient.party_id or recipient.relative_id,
        "categories": sorted(wanted),
        "purpose": purpose,
        "consent_id": consent_id,
    }
    async with write_transaction():
        if not evaluation.allowed:
            assert evaluation.reason is not None
            await audit.record(
                principal,
                "disclosure.denied",
                resource_type=resource_type,
                resource_id=resource_id,
                client_id=client_id,
                detail={**detail, "reason": evaluation.reason.value},
            )
            return Decision(False, evaluation.reason, DENY_MESSAGES[evaluation.reason], consent_id, None, basis)
        rows_inserted = await Disclosure.insert(
            Disclosure(
                client=client_id,
                consent=consent_id,
                basis=basis,
                recipient_type=recipient.type,
                recipient_party=recipient.party_id,
                recipient_relative=recipient.relative_id,
                recipient_label=recipient.label[:300],
                categories=sorted(wanted | ({"substance_use_records"} if includes_part2 else set())),
                purpose=purpose,
                includes_part2=includes_part2,
                resource_type=resource_type,
                resource_id=str(resource_id),
                disclosed_by=principal.user_id,
                disclosed_at=now,
            )
        ).returning(Disclosure.id)
        disclosure_id = int(rows_inserted[0]["id"])
        await audit.record(
            principal,
            "disclosure.allowed",
            resource_type=resource_type,
            resource_id=resource_id,
            client_id=client_id,
            detail={**detail, "disclosure_id": disclosure_id},
        )
    notice = None
    if includes_part2 and consent_row is not None:
        notice = f"{PART2_NOTICE}\n{consent_summary(consent_row)}"
    return Decision(True, None, "Allowed.", consent_id, disclosure_id, basis, notice)


async def client_is_minor(client_id: int, now: datetime, time_zone: str) -> bool:
    from portal.cases.tables import Client

    row = await Client.select(Client.date_of_birth).where(Client.id == client_id).first()
    if row is None or row["date_of_birth"] is None:
        return False
    today = now.astimezone(ZoneInfo(time_zone)).date()
    born = row["date_of_birth"]
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    return age < 18


# --------------------------------------------------------------------------- recording and revoking consents


async def lifetime_cap(jurisdiction: str) -> int | None:
    if not jurisdiction:
        return None
    row = (
        await ConsentLifetimeRule.select(ConsentLifetimeRule.max_days)
        .where(ConsentLifetimeRule.jurisdiction == jurisdiction)
        .first()
    )
    return int(row["max_days"]) if row else None


async def record_consent(
    principal: Principal,
    client_id: int,
    data: dict[str, Any],
    *,
    evidence: tuple[bytes, str] | None = None,
) -> int:
    """Record a signed release. Evidence is an uploaded signed PDF, or a typed e-signature (time and IP kept)."""
    await require_client(principal, client_id, Action.CLIENTS_WRITE)
    c = Checker(data)
    recipient_type = c.choice("recipient_type", RECIPIENT_TYPES, label="Recipient")
    values: dict[str, Any] = {"recipient_type": recipient_type}
    if recipient_type == "party":
        party_id = c.integer("recipient_party", required=True, label="Care-team party")
        if party_id is not None and not await CareTeamMember.exists().where(
            (CareTeamMember.client == client_id) & (CareTeamMember.party == party_id)
        ):
            c.fail("recipient_party", "Choose someone on this client's care team.")
        values["recipient_party"] = party_id
    elif recipient_type == "relative":
        relative_id = c.integer("recipient_relative", required=True, label="Relative")
        if relative_id is not None and not await Relative.exists().where(
            (Relative.id == relative_id) & (Relative.client == client_id) & Relative.removed_at.is_null()
        ):
            c.fail("recipient_relative", "Choose one of this client's relatives.")
        values["recipient_relative"] = relative_id
    elif recipient_type == "class":
        values["recipient_class"] = c.text(
            "recipient_class", required=True, max_length=200, label="Class of recipients"
        )
    categories = c.choices("categories", CONSENT_CATEGORIES, required=True, label="category of information")
    purposes = c.choices("purposes", CONSENT_PURPOSES, required=True, label="purpose")
    covers_part2 = c.boolean("covers_part2")
    until_revoked = c.boolean("until_revoked")
    effective_on = c.date("effective_on", required=True, label="Effective date")
    expires_on = c.date("expires_on", label="Expiry date")
    jurisdiction = c.state("jurisdiction")
    values.update(
        categories=categories,
        purposes=purposes,
        covers_part2=covers_part2,
        until_revoked=until_revoked,
        effective_on=effective_on,
        expires_on=None if until_revoked else expires_on,
        jurisdiction=jurisdiction,
        signed_by_name=c.text("signed_by_name", required=True, max_length=200, label="Signed by"),
        signer_capacity=c.choice("signer_capacity", SIGNER_CAPACITIES, default="self", label="Capacity"),
        signed_on=c.date("signed_on", required=True, label="Date signed"),
    )
    if COUNSELING_NOTES in categories and len(categories) > 1:
        c.fail("categories", "A release for SUD counseling notes must cover nothing else.")
    if "substance_use_records" in categories and not covers_part2:
        c.fail("covers_part2", "Substance use records need a Part 2 consent: tick the Part 2 box.")
    is_part2_tpo = covers_part2 and bool(purposes) and set(purposes) <= TPO_PURPOSES
    if recipient_type == "class" and not is_part2_tpo:
        c.fail("recipient_class", "Only a Part 2 consent for treatment, payment or operations may name a class.")
    cap = await lifetime_cap(jurisdiction)
    if until_revoked:
        if not is_part2_tpo:
            c.fail(
                "until_revoked",
                "Only a Part 2 consent for treatment, payment or operations may last until "
                "revoked; give an expiry date.",
            )
        elif cap is not None:
            c.fail("until_revoked", f"{jurisdiction} limits a release to {cap} days; give an expiry date.")
    elif expires_on is None:
        c.fail("expires_on", "Give an expiry date.")
    elif effective_on is not None:
        if expires_on < effective_on:
            c.fail("expires_on", "The expiry date is before the effective date.")
        elif cap is not None and (expires_on - effective_on).days > cap:
            c.fail("expires_on", f"{jurisdiction} limits a release to {cap} days.")
    esignature = c.text("esignature_name", max_length=200, label="Typed signature")
    if evidence is None and not esignature:
        c.fail("evidence", "Upload the signed release (PDF) or have it signed by typing the signer's name.")
    if esignature and esignature.casefold() != values["signed_by_name"].casefold():
        c.fail("esignature_name", "The typed signature must match the signer's name.")
    c.done()
    now = utcnow()
    async with write_transaction():
        if evidence is not None:
            data_bytes, filename = evidence
            stored = await files.store_upload(data_bytes, filename, uploaded_by=principal.user_id)
            if stored.content_type != "application/pdf":
                raise Invalid(evidence="The signed release must be a PDF.")
            values["evidence_file"] = stored.id
        if esignature:
            values.update(esignature_name=esignature, esignature_at=now, esignature_ip=principal.ip[:64])
        rows = await Consent.insert(
            Consent(client=client_id, **values, created_by=principal.user_id, created_at=now)
        ).returning(Consent.id)
        consent_id = int(rows[0]["id"])
        await audit.record(
            principal,
            "consent.create",
            resource_type="consent",
            resource_id=consent_id,
            client_id=client_id,
            detail={"recipient_type": recipient_type, "categories": categories, "purposes": purposes},
        )
    return consent_id


async def revoke_consent(principal: Principal, client_id: int, consent_id: int, note: str = "") -> None:
    """Revocation takes effect at once, for every disclosure from now on."""
    await require_client(principal, client_id, Action.CLIENTS_WRITE)
    if not 0 < consent_id <= MAX_ROW_ID:  # beyond the integer column: no such consent, not a database error
        raise NotFound("No such consent, or it was already revoked.")
    async with write_transaction():
        revoked = (
            await Consent.update(
                {
                    Consent.revoked_at: utcnow(),
                    Consent.revoked_by: principal.user_id,
                    Consent.revocation_note: note.strip()[:300],
                }
            )
            .where((Consent.id == consent_id) & (Consent.client == client_id) & Consent.revoked_at.is_null())
            .returning(Consent.id)
        )
        if not revoked:
            raise NotFound("No such consent, or it was already revoked.")
        await audit.record(
            principal, "consent.revoke", resource_type="consent", resource_id=consent_id, client_id=client_id
        )


async def list_consents(principal: Principal, client_id: int) -> list[dict[str, Any]]:
    await require_client(principal, client_id)
    practice = await get_practice()
    now = utcnow()
    rows = await consent_rows(client_id)
    for row in rows:
        row["categories"] = _json_list(row["categories"])
        row["purposes"] = _json_list(row["purposes"])
        row["recipient_label"] = recipient_label(row)
        row["status"] = consent_status(row, now, practice.time_zone)
    await audit.record(principal, "consent.list", resource_type="consent", client_id=client_id)
    return rows


async def list_disclosures(
    principal: Principal, client_id: int, *, since: date | None = None, page: int = 1, per_page: int = 50
) -> tuple[list[dict[str, Any]], int]:
    """The accounting of disclosures; by default the last six years (HIPAA), everything kept longer."""
    await require_client(principal, client_id)
    practice = await get_practice()
    since = since or (utcnow() - timedelta(days=6 * 366)).date()
    where = (Disclosure.client == client_id) & (Disclosure.disclosed_at >= _start_of(since, practice.time_zone))
    total = await Disclosure.count().where(where)
    rows = (
        await Disclosure.select(*Disclosure.all_columns(), Disclosure.disclosed_by.name.as_alias("by_name"))
        .where(where)
        .order_by(Disclosure.disclosed_at, ascending=False)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    for row in rows:
        row["categories"] = _json_list(row["categories"])
    await audit.record(principal, "disclosure.list", resource_type="disclosure", client_id=client_id)
    return rows, total
