"""Who receives an update: each relative of the client, with the reason when it will not reach them.

A relative receives an update only when their grant is active with updates on, the case manager did not leave
them out, and (for an adult client) a release names them and covers every category the update draws on for
family involvement; a minor's guardian needs none, Part 2 aside. `recipient_outcomes` answers with the pure
`consents.evaluate()` and records nothing: publishing asks the gate itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from portal.cases import consents
from portal.cases.vocabulary import CONSENT_CATEGORIES, COUNSELING_NOTES
from portal.clock import utcnow
from portal.core.services import get_practice
from portal.families.access import FAMILY_PURPOSE, relatives_with_grants

BASE_CATEGORY = "family_communication"
# SUD counseling notes travel only under a consent of their own that covers nothing else: never in an update.
UPDATE_CATEGORIES = {key: label for key, label in CONSENT_CATEGORIES.items() if key != COUNSELING_NOTES}
PART2_CATEGORY = "substance_use_records"

# Why a relative will not receive an update. Access reasons come first: the gate is not asked for them.
ACCESS_REASONS = {
    "no_access": "has no portal access for this client",
    "suspended": "access suspended",
    "updates_off": "updates are turned off for them",
    "not_selected": "not chosen for this update",
}
GATE_REASONS = {
    consents.DenyReason.NO_CONSENT: "no release of information is on file",
    consents.DenyReason.RECIPIENT_NOT_NAMED: "no release names them",
    consents.DenyReason.NOT_YET_EFFECTIVE: "their release is not yet in effect",
    consents.DenyReason.EXPIRED: "their release has expired",
    consents.DenyReason.REVOKED: "their release was revoked",
    consents.DenyReason.PURPOSE_NOT_COVERED: "their release does not cover family involvement",
    consents.DenyReason.CATEGORY_NOT_COVERED: "no release covers this information",
    consents.DenyReason.COUNSELING_NOTES_WITHOUT_OWN_CONSENT: "SUD counseling notes need a release of their own",
}


@dataclass(frozen=True)
class Outcome:
    """One relative of the client and whether this update reaches them (reason "" when it does)."""

    relative_id: int
    name: str
    user_id: int | None
    reason: str
    message: str

    @property
    def receives(self) -> bool:
        return not self.reason

    @property
    def asks_gate(self) -> bool:
        """Intended recipients (access on, chosen) go to the consent gate when publishing, allowed or not."""
        return self.reason not in ACCESS_REASONS


def _gate_message(
    evaluation: consents.Evaluation,
    facts: list[consents.ConsentFacts],
    recipient: consents.Recipient,
    categories: frozenset[str],
    part2: bool,
    now: datetime,
) -> str:
    """Name the categories no release of this relative covers ("no release covers substance use records")."""
    reason = evaluation.reason
    assert reason is not None
    if reason != consents.DenyReason.CATEGORY_NOT_COVERED:
        return GATE_REASONS[reason]
    in_force = [c for c in facts if consents.names_recipient(c, recipient) and consents.failure_at(c, now) is None]
    covered = set().union(*(c.categories for c in in_force)) if in_force else set()
    missing = [c for c in UPDATE_CATEGORIES if c in categories and c not in covered]
    if missing:
        return "no release covers " + " or ".join(UPDATE_CATEGORIES[c].lower() for c in missing)
    if part2 and not any(c.covers_part2 for c in in_force):
        return "no Part 2 consent covers substance use records"
    return "no single release covers " + " and ".join(
        UPDATE_CATEGORIES[c].lower() for c in UPDATE_CATEGORIES if c in categories
    )


async def recipient_outcomes(client_id: int, categories: Sequence[str], intended: Sequence[int]) -> list[Outcome]:
    """Every current relative of the client with what would happen if the update were published now.

    Mirrors the gate (`authorize_disclosure`) without recording anything: the relative's grant first, then the
    client's releases through `consents.evaluate()`, with the gate's own shortcut for a minor's guardian."""
    practice = await get_practice()
    now = utcnow()
    wanted = frozenset(categories) | {BASE_CATEGORY}
    part2 = PART2_CATEGORY in wanted
    facts = [consents.facts_of(row, practice.time_zone) for row in await consents.consent_rows(client_id)]
    minor = await consents.client_is_minor(client_id, now, practice.time_zone)
    chosen = set(intended)
    outcomes = []
    for relative in await relatives_with_grants(client_id):
        grant = relative["grant"]
        reason = ""
        if grant is None:
            reason = "no_access"
        elif grant["state"] != "active":
            reason = "suspended"
        elif not grant["sees_updates"]:
            reason = "updates_off"
        elif chosen and relative["id"] not in chosen:
            reason = "not_selected"
        message = ACCESS_REASONS.get(reason, "")
        if not reason:
            recipient = consents.Recipient(
                type="relative",
                relative_id=relative["id"],
                label=relative["name"],
                legal_authority=relative["legal_authority"],
            )
            if not (recipient.legal_authority == "guardian_of_minor" and minor and not part2):
                evaluation = consents.evaluate(facts, recipient, wanted, FAMILY_PURPOSE, now, includes_part2=part2)
                if not evaluation.allowed:
                    assert evaluation.reason is not None
                    reason = evaluation.reason.value
                    message = _gate_message(evaluation, facts, recipient, wanted, part2, now)
        outcomes.append(Outcome(relative["id"], relative["name"], relative["user"], reason, message))
    return outcomes
