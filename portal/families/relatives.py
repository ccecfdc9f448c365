"""The staff side of a client's family: relatives with their portal accounts and access grants, invitations, and
what the consent gate lets each relative see, shown before anything is published.

Relatives themselves are case records (portal.cases.clients); this module adds what the family portal needs.
Every public function checks the policy (family.manage on a client one may see), owns its transaction and
audits with the client's id. A grant change is audited with the parts changed, never with a name.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from portal.accounts import services as accounts
from portal.accounts.tables import User
from portal.audit import services as audit
from portal.cases import clients
from portal.cases.consents import DenyReason
from portal.cases.tables import Relative
from portal.cases.vocabulary import CONSENT_CATEGORIES, LEGAL_AUTHORITIES, RELATIONSHIPS
from portal.clock import utcnow
from portal.db import is_unique_violation, write_transaction
from portal.errors import Conflict, Invalid, NotFound
from portal.families.access import PART_CATEGORIES, PARTS, GateCheck, preview_consent_gate, relatives_with_grants
from portal.families.tables import AccessGrant
from portal.policy import MAX_ROW_ID, Action, Principal, require_client

ACCOUNT_STATES = {
    "not_invited": "Not invited",
    "invited": "Invited, not signed in yet",
    "active": "Active",
    "deactivated": "Account deactivated",
}
GRANT_STATES = {"active": "Active", "suspended": "Suspended"}
# How each part is named in a sentence ("updates will not reach Sam") and on a checkbox.
PART_PHRASES = {
    "updates": "updates",
    "messages": "messages",
    "documents": "documents",
    "timeline": "the placement timeline",
    "billing": "invoices and superbills",
}
PART_LABELS = {
    "updates": "Updates",
    "messages": "Messages",
    "documents": "Documents",
    "timeline": "Placement timeline",
    "billing": "Billing (invoices, superbills)",
}


def default_parts(is_payer: bool) -> frozenset[str]:
    """A new relative's grant: updates, messages and documents; the timeline off; billing for the payer only."""
    return frozenset({"updates", "messages", "documents"} | ({"billing"} if is_payer else set()))


def grant_parts(grant: dict[str, Any] | None) -> frozenset[str]:
    if grant is None:
        return frozenset()
    return frozenset(part for part in PARTS if grant.get(f"sees_{part}"))


def phrase(parts: Collection[str]) -> str:
    """ "updates, messages and the placement timeline", in the order of PARTS."""
    words = [PART_PHRASES[part] for part in PARTS if part in parts]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


@dataclass(frozen=True)
class GateNote:
    """One sentence of the consent preview: `ok` (it will reach them) or `warn` (it will not, and why)."""

    kind: str
    text: str


@dataclass
class FamilyMember:
    """One relative of the client as the staff family page and the API show them."""

    relative: dict[str, Any]
    account_state: str
    grant: dict[str, Any] | None
    parts: frozenset[str]
    suspended: bool
    gate: dict[str, GateCheck] = field(default_factory=dict)
    notes: list[GateNote] = field(default_factory=list)

    @property
    def id(self) -> int:
        return int(self.relative["id"])

    @property
    def name(self) -> str:
        return str(self.relative["name"])

    @property
    def account_label(self) -> str:
        return ACCOUNT_STATES[self.account_state]

    @property
    def relationship_label(self) -> str:
        return RELATIONSHIPS.get(self.relative["relationship"], self.relative["relationship"])

    @property
    def authority_label(self) -> str:
        return LEGAL_AUTHORITIES.get(self.relative["legal_authority"], self.relative["legal_authority"])

    @property
    def allowed_parts(self) -> list[str]:
        """The parts this relative sees now: granted, not suspended, and passing the consent gate."""
        if self.suspended:
            return []
        return [part for part in PARTS if part in self.parts and self.gate.get(part, _DENIED).allowed]


_DENIED = GateCheck(False, "consent", None)


def _account_state(user: dict[str, Any] | None) -> str:
    if user is None:
        return "not_invited"
    if not user["active"]:
        return "deactivated"
    return "active" if user["has_password"] else "invited"


_REASON_SENTENCES = {
    DenyReason.NO_CONSENT: "No release of information is on file for this client",
    DenyReason.RECIPIENT_NOT_NAMED: "No release names {name}",
    DenyReason.EXPIRED: "The release naming {name} has expired",
    DenyReason.REVOKED: "The release naming {name} was revoked",
    DenyReason.NOT_YET_EFFECTIVE: "The release naming {name} is not in effect yet",
    DenyReason.CATEGORY_NOT_COVERED: "The release naming {name} does not cover {categories}",
    DenyReason.PURPOSE_NOT_COVERED: "The release naming {name} does not cover family involvement",
}


def gate_notes(name: str, parts: frozenset[str], gate: dict[str, GateCheck], *, suspended: bool) -> list[GateNote]:
    """Plain sentences saying what reaches this relative and what the consent gate holds back, and why."""
    if suspended:
        return [GateNote("warn", f"Suspended: {name} sees nothing of this client and is not told so.")]
    if not parts:
        return [GateNote("warn", f"{name} has no parts of the portal turned on.")]
    allowed = [part for part in PARTS if part in parts and gate[part].allowed]
    notes: list[GateNote] = []
    if allowed and all(gate[part].basis == "guardian_of_minor" for part in allowed):
        notes.append(GateNote("ok", f"As guardian of a minor, {name} needs no release."))
    if allowed:
        notes.append(GateNote("ok", f"{name} sees {phrase(allowed)}."))
    # One sentence per reason (and, when a category is missing, per category).
    denied: dict[tuple[DenyReason | None, str], list[str]] = {}
    for part in PARTS:
        if part in parts and not gate[part].allowed:
            reason = gate[part].reason
            category = PART_CATEGORIES[part][0] if reason == DenyReason.CATEGORY_NOT_COVERED else ""
            denied.setdefault((reason, category), []).append(part)
    for (reason, category), held_back in denied.items():
        template = _REASON_SENTENCES.get(reason, "") if reason else ""
        cause = (template or "The consent gate does not allow it").format(
            name=name, categories=CONSENT_CATEGORIES.get(category, category).lower()
        )
        notes.append(GateNote("warn", f"{cause}: {phrase(held_back)} will not reach {name}."))
    return notes


async def _require(principal: Principal, client_id: int) -> None:
    await require_client(principal, client_id, Action.FAMILY_MANAGE)


async def _relative_row(client_id: int, relative_id: int) -> dict[str, Any]:
    if not 0 < relative_id <= MAX_ROW_ID:
        raise NotFound("No such relative.")
    return await clients.get_relative(client_id, relative_id)


async def _accounts_of(user_ids: list[int]) -> dict[int, dict[str, Any]]:
    if not user_ids:
        return {}
    rows = await User.select(User.id, User.active, User.password_hash, User.last_login_at).where(
        User.id.is_in(user_ids)
    )
    for row in rows:
        # Only whether a password was set leaves this function, never the hash.
        row["has_password"] = row.pop("password_hash") is not None
    return {row["id"]: row for row in rows}


async def family_of(principal: Principal, client_id: int) -> list[FamilyMember]:
    """The client's relatives with their accounts, grants and the consent gate's preview (six queries)."""
    await _require(principal, client_id)
    rows = await relatives_with_grants(client_id)
    users = await _accounts_of([row["user"] for row in rows if row["user"] is not None])
    members = []
    for row in rows:
        grant = row.pop("grant")
        user = users.get(row["user"]) if row["user"] is not None else None
        # Before the invitation there is no grant yet: preview the one the invitation will create.
        parts = grant_parts(grant) if grant is not None else default_parts(row["is_payer"])
        members.append(
            FamilyMember(
                relative=row,
                account_state=_account_state(user),
                grant=grant,
                parts=parts,
                suspended=grant is not None and grant["state"] != "active",
            )
        )
    gate = await preview_consent_gate(client_id, [(m.id, m.relative["legal_authority"]) for m in members], PARTS)
    for member in members:
        member.gate = gate[member.id]
        member.notes = gate_notes(member.name, member.parts, member.gate, suspended=member.suspended)
    await audit.record(
        principal,
        "family.relatives.view",
        resource_type="client",
        resource_id=client_id,
        client_id=client_id,
        detail={"relative_ids": [m.id for m in members]},
    )
    return members


async def member_of(principal: Principal, client_id: int, relative_id: int) -> FamilyMember:
    for member in await family_of(principal, client_id):
        if member.id == relative_id:
            return member
    raise NotFound("No such relative.")


# --------------------------------------------------------------------------- relatives and invitations


async def add_relative(principal: Principal, client_id: int, data: dict[str, Any], *, invite: bool) -> int:
    """Record a relative of the client; with `invite`, also invite them to the portal (an e-mail is needed)."""
    await _require(principal, client_id)
    if invite and not str(data.get("email") or "").strip():
        # Reported with the other fields' problems, so the form shows every one of them at once.
        errors: dict[str, str] = {}
        try:
            clients.check_relative_fields(data)
        except Invalid as exc:
            errors = exc.field_errors
        raise Invalid(**{**errors, "email": "Enter an e-mail address: the invitation is sent there."})
    async with write_transaction():
        relative_id = await clients.add_relative(principal, client_id, data)
        if invite:
            await invite_relative(principal, client_id, relative_id)
    return relative_id


async def update_relative(principal: Principal, client_id: int, relative_id: int, data: dict[str, Any]) -> None:
    await _require(principal, client_id)
    await _relative_row(client_id, relative_id)
    await clients.update_relative(principal, client_id, relative_id, data)


async def invite_relative(principal: Principal, client_id: int, relative_id: int) -> bool:
    """Give the relative a portal account and a default grant. An existing family account with the same address
    is reused (one person, several clients: each client is a separate link with its own grant). Returns True
    when a new account was made and the invitation e-mail sent."""
    await _require(principal, client_id)
    relative = await _relative_row(client_id, relative_id)
    if relative["user"] is not None:
        raise Invalid("This relative is already invited. Resend the invitation if it has expired.")
    if not relative["email"]:
        raise Invalid(email="Add the relative's e-mail address first: the invitation is sent there.")
    async with write_transaction():
        user, created = await accounts.invite_family_member(
            principal, email=relative["email"], name=relative["name"][:120]
        )
        if await Relative.exists().where(
            (Relative.client == client_id) & (Relative.user == user["id"]) & Relative.removed_at.is_null()
        ):
            raise Invalid(email="Another relative of this client already signs in with this address.")
        linked = (
            await Relative.update({Relative.user: user["id"]})
            .where((Relative.id == relative_id) & Relative.user.is_null())
            .returning(Relative.id)
        )
        if not linked:
            raise Conflict("Someone invited this relative at the same moment. Reload the page.")
        await audit.record(
            principal,
            "family.relative.invite",
            resource_type="relative",
            resource_id=relative_id,
            client_id=client_id,
            detail={"account": "new" if created else "existing"},
        )
        if await AccessGrant.select(AccessGrant.id).where(AccessGrant.relative == relative_id).first() is None:
            await _write_grant(principal, client_id, relative_id, default_parts(relative["is_payer"]), "active")
    return bool(created)


async def resend_invitation(principal: Principal, client_id: int, relative_id: int) -> None:
    await _require(principal, client_id)
    relative = await _relative_row(client_id, relative_id)
    if relative["user"] is None:
        raise Invalid("This relative has not been invited yet.")
    async with write_transaction():
        await accounts.resend_family_invitation(principal, relative["user"])
        await audit.record(
            principal,
            "family.relative.invite.resend",
            resource_type="relative",
            resource_id=relative_id,
            client_id=client_id,
        )


# --------------------------------------------------------------------------- access grants


def check_grant(parts: Any, state: Any) -> tuple[frozenset[str], str]:
    values = parts if isinstance(parts, list | tuple | set | frozenset) else ([] if parts in (None, "") else [parts])
    unknown = [str(p)[:40] for p in values if p not in PARTS]
    errors: dict[str, str] = {}
    if unknown:
        errors["parts"] = f"Unknown part of the portal: {unknown[0]!r}."
    if state not in GRANT_STATES:
        errors["state"] = "Choose active or suspended."
    if errors:
        raise Invalid(**errors)
    return frozenset(str(p) for p in values), str(state)


async def change_grant(principal: Principal, client_id: int, relative_id: int, parts: Any, state: Any) -> bool:
    """Set which parts a relative sees and whether the grant is active or suspended (suspension hides everything
    at once). Returns False when nothing changed."""
    await _require(principal, client_id)
    wanted, new_state = check_grant(parts, state)
    await _relative_row(client_id, relative_id)
    return await _write_grant(principal, client_id, relative_id, wanted, new_state)


async def _write_grant(
    principal: Principal, client_id: int, relative_id: int, parts: frozenset[str], state: str
) -> bool:
    values: dict[Any, Any] = {f"sees_{part}": part in parts for part in PARTS}
    values.update(state=state, changed_by=principal.user_id, changed_at=utcnow())
    try:
        async with write_transaction():
            current = await AccessGrant.select().where(AccessGrant.relative == relative_id).first()
            before = grant_parts(current)
            if current is not None and before == parts and current["state"] == state:
                return False
            if current is None:
                await AccessGrant.insert(AccessGrant(relative=relative_id, **values))
            else:
                await AccessGrant.update(values).where(AccessGrant.relative == relative_id)
            detail: dict[str, Any] = {
                "relative_id": relative_id,
                "turned_on": [part for part in PARTS if part in parts - before],
                "turned_off": [part for part in PARTS if part in before - parts],
            }
            if current is None:
                detail["created"] = True
            if current is None or current["state"] != state:
                detail["state"] = state
            await audit.record(
                principal,
                "family.grant.change",
                resource_type="access_grant",
                resource_id=relative_id,
                client_id=client_id,
                detail=detail,
            )
    except Exception as exc:
        if is_unique_violation(exc):
            raise Conflict("Someone changed this access at the same moment. Reload the page.") from None
        raise
    return True
