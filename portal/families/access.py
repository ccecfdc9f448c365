"""What a signed-in relative may see, decided in one place.

A relative sees a client's family space only through an active access grant, part by part (updates, messages,
documents, placement timeline, billing). A suspended grant hides everything at once and reveals nothing: the
relative gets the same 404 as for a client that does not exist, and never learns that others still receive
updates. For an adult client, clinical parts also pass the consent gate (portal.cases.consents); a guardian of
a minor needs no release.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from portal.cases import consents
from portal.cases.tables import Relative
from portal.clock import utcnow
from portal.core.services import get_practice
from portal.errors import NotFound
from portal.families.tables import AccessGrant
from portal.policy import Principal, Role

PARTS = ("updates", "messages", "documents", "timeline", "billing")

# The consent category each part draws on (updates carry their own categories on top of this one).
PART_CATEGORIES = {
    "updates": ["family_communication"],
    "messages": ["family_communication"],
    "documents": ["family_communication"],
    "timeline": ["placements"],
    "billing": ["billing"],
}
FAMILY_PURPOSE = "family_involvement"


@dataclass(frozen=True)
class FamilyLink:
    """One relative-of-a-client row of the signed-in family member, with its grant."""

    relative_id: int
    relative_name: str
    client_id: int
    client_name: str  # the preferred name: what a family calls their loved one
    is_payer: bool
    legal_authority: str
    parts: frozenset[str]  # parts the grant allows (empty when suspended)
    suspended: bool

    def sees(self, part: str) -> bool:
        return not self.suspended and part in self.parts


def _parts_of(grant: dict[str, Any]) -> frozenset[str]:
    return frozenset(part for part in PARTS if grant.get(f"sees_{part}"))


async def family_links(principal: Principal) -> list[FamilyLink]:
    """Every client this family member is linked to with an active grant (suspended links are left out)."""
    if principal.role != Role.FAMILY or principal.user_id is None:
        return []
    client: Any = AccessGrant.relative.client  # a two-hop join; Piccolo's types stop at one hop
    rows = await AccessGrant.select(
        AccessGrant.state,
        AccessGrant.sees_updates,
        AccessGrant.sees_messages,
        AccessGrant.sees_documents,
        AccessGrant.sees_timeline,
        AccessGrant.sees_billing,
        AccessGrant.relative.id.as_alias("relative_id"),
        AccessGrant.relative.name.as_alias("relative_name"),
        AccessGrant.relative.is_payer.as_alias("is_payer"),
        AccessGrant.relative.legal_authority.as_alias("legal_authority"),
        client.id.as_alias("client_id"),
        client.legal_name.as_alias("legal_name"),
        client.preferred_name.as_alias("preferred_name"),
    ).where(
        (AccessGrant.relative.user == principal.user_id)
        & AccessGrant.relative.removed_at.is_null()
        & client.archived_at.is_null()
        & (AccessGrant.state == "active")
    )
    links = [
        FamilyLink(
            relative_id=row["relative_id"],
            relative_name=row["relative_name"],
            client_id=row["client_id"],
            client_name=row["preferred_name"] or row["legal_name"],
            is_payer=row["is_payer"],
            legal_authority=row["legal_authority"],
            parts=_parts_of(row),
            suspended=row["state"] != "active",
        )
        for row in rows
    ]
    return sorted(links, key=lambda link: link.client_name)


async def require_family_part(principal: Principal, client_id: int, part: str) -> FamilyLink:
    """The signed-in relative's link to this client if the grant allows `part`; otherwise NotFound."""
    if part not in PARTS:
        raise ValueError(f"unknown part {part!r}")
    for link in await family_links(principal):
        if link.client_id == client_id and link.sees(part):
            return link
    raise NotFound("Not found.")


async def passes_consent_gate(principal: Principal, link: FamilyLink, part: str, *, record: bool,
                              resource_type: str = "", resource_id: str | int = "") -> bool:  # fmt: skip
    """For clinical parts, the client's consent must name this relative and cover the part's category.

    With `record`, the decision goes through authorize_disclosure (audited, and a disclosure record when
    allowed); without it, the same rules are only evaluated (preview_consent_gate) and nothing is recorded.
    Staff principals are used for that call on the relative's behalf, so the policy check in the gate (which is
    about staff) is satisfied by the system principal; the relative's own identity is audited.
    """
    if not record:
        checks = await preview_consent_gate(link.client_id, [(link.relative_id, link.legal_authority)], [part])
        return checks[link.relative_id][part].allowed
    recipient = await consents.recipient_for_relative(link.client_id, link.relative_id)
    decision = await consents.authorize_disclosure(
        Principal.system(f"family:{principal.user_id}") if principal.role == Role.FAMILY else principal,
        link.client_id,
        recipient,
        PART_CATEGORIES[part],
        FAMILY_PURPOSE,
        resource_type=resource_type or part,
        resource_id=resource_id,
    )
    return decision.allowed


@dataclass(frozen=True)
class GateCheck:
    """What the consent gate would decide now for one relative and one part, without recording anything."""

    allowed: bool
    basis: str  # "consent" or "guardian_of_minor"
    reason: consents.DenyReason | None


async def preview_consent_gate(
    client_id: int, relatives: Sequence[tuple[int, str]], parts: Iterable[str]
) -> dict[int, dict[str, GateCheck]]:
    """relative id -> part -> the gate's decision now, for (relative id, legal authority) pairs. The same rules as
    authorize_disclosure (a guardian of a minor needs no release; otherwise a release naming the relative that
    covers the part's category for family involvement), evaluated with the pure consents.evaluate: no audit
    event, no disclosure record. Three queries whatever the number of relatives."""
    practice = await get_practice()
    now = utcnow()
    minor = await consents.client_is_minor(client_id, now, practice.time_zone)
    facts = [consents.facts_of(row, practice.time_zone) for row in await consents.consent_rows(client_id)]
    wanted = list(parts)
    result: dict[int, dict[str, GateCheck]] = {}
    for relative_id, legal_authority in relatives:
        recipient = consents.Recipient(type="relative", relative_id=relative_id, legal_authority=legal_authority)
        checks: dict[str, GateCheck] = {}
        for part in wanted:
            if minor and legal_authority == "guardian_of_minor":
                checks[part] = GateCheck(True, "guardian_of_minor", None)
                continue
            evaluation = consents.evaluate(facts, recipient, frozenset(PART_CATEGORIES[part]), FAMILY_PURPOSE, now)
            checks[part] = GateCheck(evaluation.allowed, "consent", evaluation.reason)
        result[relative_id] = checks
    return result


async def relatives_with_grants(client_id: int) -> list[dict[str, Any]]:
    """Staff view: every relative of a client with their grant (or none yet), in one query each."""
    relatives = await Relative.select().where((Relative.client == client_id) & Relative.removed_at.is_null())
    grants = await AccessGrant.select().where(
        AccessGrant.relative.is_in([r["id"] for r in relatives]) if relatives else AccessGrant.id == -1
    )
    by_relative = {g["relative"]: g for g in grants}
    for relative in relatives:
        relative["grant"] = by_relative.get(relative["id"])
    return sorted(relatives, key=lambda r: r["name"])
