"""Who a message or a document can reach: the relative's grant first, then the consent gate.

The gate itself (`consents.authorize_disclosure`) makes every real decision and records it. `reach()` only
previews what it would answer now, so a page can say before anyone clicks why a relative cannot be added
("Access is suspended", "No release names this recipient"); nothing is recorded by a preview.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from portal.cases import consents
from portal.cases.vocabulary import COUNSELING_NOTES
from portal.clock import utcnow
from portal.core.services import get_practice
from portal.errors import Invalid
from portal.families.access import FAMILY_PURPOSE, relatives_with_grants
from portal.policy import MAX_ROW_ID, Action, Principal, require, require_client

# --------------------------------------------------------------------------- who may act


def signed_in_person(principal: Principal) -> int:
    if principal.user_id is None:
        raise Invalid("Messages and documents come from a person signed in to the portal.")
    return principal.user_id


async def require_practice(principal: Principal, client_id: int, action: Action = Action.CLIENTS_READ) -> int:
    """Staff of the practice who may see (or work on) this client; NotFound otherwise. Returns their user id."""
    require(principal, Action.FAMILY_MANAGE)
    await require_client(principal, client_id, action)
    return signed_in_person(principal)


def valid_id(value: int) -> bool:
    """Ids beyond the integer column (a crafted URL) are simply not found, never a database error."""
    return 0 < value <= MAX_ROW_ID


# --------------------------------------------------------------------------- who can be reached


@dataclass(frozen=True)
class Reach:
    """One relative of a client as a possible recipient of a message or a document."""

    relative_id: int
    name: str
    user_id: int | None
    grant_active: bool  # an active grant that includes the part
    consent_allows: bool  # what the gate would answer now (a preview)
    reason: str  # why not, in words for the page ("" when the relative can be reached)

    @property
    def reachable(self) -> bool:
        return self.grant_active and self.consent_allows


def _grant_problem(grant: dict[str, Any] | None, part: str) -> str:
    if grant is None:
        return "Has no access to the family portal."
    if grant["state"] != "active":
        return "Access is suspended."
    if not grant[f"sees_{part}"]:
        return f"Their access does not include {part}."
    return ""


@dataclass(frozen=True)
class Audience:
    """A client's relatives, grants and releases, loaded once to preview any number of categories."""

    relatives: list[dict[str, Any]]
    consents: list[consents.ConsentFacts]
    client_is_minor: bool
    now: datetime

    def reach(self, part: str, categories: Sequence[str], *, includes_part2: bool = False) -> list[Reach]:
        """Each relative with whether a `part` item drawing on `categories` would reach them now. Mirrors the
        gate's rules: a guardian of a minor needs no release, except for Part 2 records and counseling notes."""
        wanted = frozenset(categories)
        found = []
        for relative in self.relatives:
            problem = _grant_problem(relative["grant"], part)
            exempt = (
                relative["legal_authority"] == "guardian_of_minor"
                and self.client_is_minor
                and not includes_part2
                and COUNSELING_NOTES not in wanted
            )
            allowed, message = True, ""
            if not exempt:
                recipient = consents.Recipient(
                    type="relative", relative_id=relative["id"], legal_authority=relative["legal_authority"]
                )
                evaluation = consents.evaluate(
                    self.consents, recipient, wanted, FAMILY_PURPOSE, self.now, includes_part2=includes_part2
                )
                allowed = evaluation.allowed
                message = consents.DENY_MESSAGES[evaluation.reason] if evaluation.reason else ""
            found.append(
                Reach(
                    relative_id=relative["id"],
                    name=relative["name"],
                    user_id=relative["user"],
                    grant_active=not problem,
                    consent_allows=allowed,
                    reason=problem or message,
                )
            )
        return found


async def audience_of(client_id: int) -> Audience:
    """In a fixed number of queries, whatever the number of relatives and releases."""
    relatives = await relatives_with_grants(client_id)
    practice = await get_practice()
    now = utcnow()
    facts = [consents.facts_of(row, practice.time_zone) for row in await consents.consent_rows(client_id)]
    minor = await consents.client_is_minor(client_id, now, practice.time_zone)
    return Audience(relatives, facts, minor, now)


async def reach(client_id: int, part: str, categories: Sequence[str], *, includes_part2: bool = False) -> list[Reach]:
    return (await audience_of(client_id)).reach(part, categories, includes_part2=includes_part2)


async def disclose_to_relative(
    principal: Principal,
    client_id: int,
    relative_id: int,
    categories: Sequence[str],
    *,
    resource_type: str,
    resource_id: int,
    includes_part2: bool = False,
) -> consents.Decision:
    """Ask the consent gate (audited; a disclosure record when allowed). Call inside the caller's unit of work."""
    recipient = await consents.recipient_for_relative(client_id, relative_id)
    return await consents.authorize_disclosure(
        principal,
        client_id,
        recipient,
        list(categories),
        FAMILY_PURPOSE,
        includes_part2=includes_part2,
        resource_type=resource_type,
        resource_id=resource_id,
    )
