"""passes_consent_gate(record=False) applies the gate's rules and records nothing (no disclosure, no audit event);
with record=True the same decision is recorded. Both agree, for an adult client and for a minor's guardian."""

from __future__ import annotations

from datetime import date
from typing import Any

from portal.audit.tables import AuditEvent
from portal.cases import clients
from portal.cases.tables import Disclosure, Relative
from portal.families.access import FamilyLink, family_links, passes_consent_gate
from portal.policy import Principal, Role
from tests.families.conftest import grant
from tests.families.family_data import acting


def as_family(person: dict[str, Any]) -> Principal:
    return Principal(user_id=person["id"], role=Role.FAMILY, email=person["email"], name=person["name"])


async def link_of(person: dict[str, Any], client_id: int) -> FamilyLink:
    [link] = [link for link in await family_links(as_family(person)) if link.client_id == client_id]
    return link


async def test_without_recording_nothing_is_written_and_the_answer_is_the_same(
    pat: dict[str, Any], jordan: dict[str, Any], jordan_family: dict[str, Any]
) -> None:
    link = await link_of(pat, jordan["id"])
    disclosures, events = await Disclosure.count(), await AuditEvent.count()
    assert await passes_consent_gate(as_family(pat), link, "timeline", record=False) is True
    assert await passes_consent_gate(as_family(pat), link, "documents", record=False) is True
    assert (await Disclosure.count(), await AuditEvent.count()) == (disclosures, events)
    assert await passes_consent_gate(as_family(pat), link, "timeline", record=True) is True
    assert await Disclosure.count() == disclosures + 1


async def test_a_minors_guardian_passes_without_a_release(casey: dict[str, Any], pat: dict[str, Any]) -> None:
    minor = await clients.create_client(
        acting(casey), {"legal_name": "Quinn Rivera", "date_of_birth": date(2013, 1, 9), "status": "active"}
    )
    fields = {"name": "Pat Rivera", "email": "pat@example.com", "relationship": "parent"}
    relative = await clients.add_relative(acting(casey), minor, {**fields, "legal_authority": "guardian_of_minor"})
    await Relative.update({Relative.user: pat["id"]}).where(Relative.id == relative)
    await grant(relative)
    link = await link_of(pat, minor)
    assert await passes_consent_gate(as_family(pat), link, "timeline", record=False) is True
    assert await passes_consent_gate(as_family(pat), link, "timeline", record=True) is True
