"""The pages' preview of who a message or document can reach says what the consent gate then decides: a release
that covers the category, none, one that does not cover it, Part 2 records, and a minor's guardian (no release
needed, except for Part 2 records)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from portal.cases import clients
from portal.families import sharing
from portal.policy import Principal
from tests.families.conftest import grant
from tests.families.messages_support import acting

CASES = [
    (["family_communication"], False),
    (["placements"], False),
    (["diagnoses"], False),
    (["substance_use_records"], True),
]


@pytest.mark.parametrize(("categories", "part2"), CASES)
async def test_the_preview_agrees_with_the_gate(
    casey: dict[str, Any], jordan: dict[str, Any], jordan_family: dict[str, Any], categories: list[str], part2: bool
) -> None:
    system = Principal.system("tests")
    minor = await clients.create_client(
        system,
        {"legal_name": "Riley Rivera", "date_of_birth": date(2014, 5, 1), "status": "active"},
        primary_case_manager_id=casey["id"],
    )
    guardian = await clients.add_relative(
        system, minor, {"name": "Pat Rivera", "relationship": "parent", "legal_authority": "guardian_of_minor"}
    )
    await grant(guardian)
    for client_id in (jordan["id"], minor):
        previews = await sharing.reach(client_id, "documents", categories, includes_part2=part2)
        assert previews
        for preview in previews:
            decision = await sharing.disclose_to_relative(
                acting(casey),
                client_id,
                preview.relative_id,
                categories,
                resource_type="test",
                resource_id=1,
                includes_part2=part2,
            )
            assert preview.consent_allows == decision.allowed, (client_id, preview.name, categories)
            if not decision.allowed:
                assert preview.reason in (decision.message, "Access is suspended.")
    riley = {r.name: r for r in await sharing.reach(minor, "documents", categories, includes_part2=part2)}
    assert riley["Pat Rivera"].reachable is (not part2)
