"""For adult Jordan an update reaches only the relatives whose release covers every category it draws on. Before
publishing, the preview names who will not receive it and why (recording nothing); publishing records one
disclosure per recipient and audits every refusal."""

from __future__ import annotations

import json
from typing import Any

import pytest

from portal.audit.tables import AuditEvent
from portal.cases.tables import Disclosure
from portal.errors import Invalid
from portal.families import updates
from portal.families.tables import AccessGrant, UpdateRecipient
from tests.families.conftest import family_release
from tests.families.updates_support import acting, write_update


async def disclosures_of(update_id: int) -> list[dict[str, Any]]:
    return await Disclosure.select().where(
        (Disclosure.resource_type == "update") & (Disclosure.resource_id == str(update_id))
    )


async def denials_of(update_id: int) -> list[dict[str, Any]]:
    return await AuditEvent.select().where(
        (AuditEvent.action == "disclosure.denied") & (AuditEvent.resource_id == str(update_id))
    )


async def make_sam_active_with_release(jordan: dict[str, Any], sam: dict[str, Any], categories: list[str]) -> None:
    await AccessGrant.update({AccessGrant.state: "active"}).where(AccessGrant.relative == sam["id"])
    await family_release(jordan["id"], sam["id"], categories, covers_part2="substance_use_records" in categories)


async def test_a_placements_update_reaches_pat_whose_release_covers_placements(
    jordan_family: dict[str, Any], casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    pat = jordan_family["pat"]
    update_id = await write_update(casey, jordan, categories=["placements"])

    result = await updates.publish_update(acting(casey), jordan["id"], update_id)

    assert [(o.name, o.reason) for o in result.received] == [("Pat Rivera", "")]
    assert [(o.name, o.reason) for o in result.not_received] == [("Sam Rivera", "suspended")]
    [recipient] = await UpdateRecipient.select().where(UpdateRecipient.update == update_id)
    [disclosure] = await disclosures_of(update_id)
    assert recipient["relative"] == pat["id"] and recipient["disclosure"] == disclosure["id"]
    assert disclosure["recipient_relative"] == pat["id"]
    assert json.loads(disclosure["categories"]) == ["family_communication", "placements"]
    assert disclosure["purpose"] == "family_involvement" and disclosure["basis"] == "consent"
    assert await denials_of(update_id) == []  # Sam is suspended: the gate is not even asked


async def test_a_substance_use_update_cannot_reach_pat_and_the_preview_says_why(
    client: Any, jordan_family: dict[str, Any], casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    update_id = await write_update(casey, jordan, categories=["substance_use_records", "placements"])

    outcomes = await updates.preview_update(acting(casey), jordan["id"], update_id)
    assert {o.name: (o.reason, o.message) for o in outcomes} == {
        "Pat Rivera": ("category_not_covered", "no release covers substance use records"),
        "Sam Rivera": ("suspended", "access suspended"),
    }
    await client.login_as(casey)
    page = (await client.get(f"/clients/{jordan['id']}/updates/{update_id}")).text
    assert "Pat Rivera: no release covers substance use records" in page
    assert "Sam Rivera: access suspended" in page
    assert "Nobody, as things stand" in page and "/publish" not in page
    # The preview recorded nothing.
    assert await disclosures_of(update_id) == [] and await denials_of(update_id) == []

    with pytest.raises(Invalid, match="Nobody would receive this update"):
        await updates.publish_update(acting(casey), jordan["id"], update_id)
    response = await client.post(f"/clients/{jordan['id']}/updates/{update_id}/publish", data={})
    assert response.status_code == 400
    assert "Not published: Nobody would receive this update" in response.text
    row = await updates.update_row(jordan["id"], update_id)
    assert row["status"] == "draft"


async def test_a_part2_update_reaches_only_the_relative_whose_part2_release_covers_it(
    client: Any, jordan_family: dict[str, Any], casey: dict[str, Any], jordan: dict[str, Any], sam: dict[str, Any]
) -> None:
    await make_sam_active_with_release(jordan, jordan_family["sam"], ["family_communication", "substance_use_records"])
    update_id = await write_update(casey, jordan, categories=["substance_use_records"])

    result = await updates.publish_update(acting(casey), jordan["id"], update_id)

    assert [o.name for o in result.received] == ["Sam Rivera"]
    assert [(o.name, o.reason, o.message) for o in result.not_received] == [
        ("Pat Rivera", "category_not_covered", "no release covers substance use records")
    ]
    [disclosure] = await disclosures_of(update_id)
    assert disclosure["recipient_relative"] == jordan_family["sam"]["id"] and disclosure["includes_part2"]
    [denial] = await denials_of(update_id)
    assert json.loads(denial["detail"])["recipient_id"] == jordan_family["pat"]["id"]
    assert json.loads(denial["detail"])["reason"] == "category_not_covered"
    # Sam's copy carries the Part 2 redisclosure notice and a summary of the consent.
    await client.login_as(sam)
    page = (await client.get(f"/family/updates/{update_id}")).text
    assert "42 CFR part 2 prohibits unauthorized use or disclosure of these records." in page
    assert "Disclosed under the authorization signed by Jordan Rivera" in page


async def test_narrowing_the_recipients_leaves_the_others_out_with_that_reason(
    jordan_family: dict[str, Any], casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    await make_sam_active_with_release(jordan, jordan_family["sam"], ["family_communication"])
    update_id = await write_update(casey, jordan, recipients="chosen", relatives=[str(jordan_family["sam"]["id"])])

    result = await updates.publish_update(acting(casey), jordan["id"], update_id)

    assert [o.name for o in result.received] == ["Sam Rivera"]
    assert [(o.name, o.reason) for o in result.not_received] == [("Pat Rivera", "not_selected")]


async def test_the_api_publishes_and_returns_who_did_not_receive_it_with_reason_codes(
    client: Any, jordan_family: dict[str, Any], casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    await client.login_as(casey)
    created = await client.post(
        f"/api/v1/clients/{jordan['id']}/updates",
        json={"title": "Step-down planned", "body": "Jordan moves to PHP on the 3rd.", "categories": ["placements"]},
    )
    assert created.status_code == 201, created.text
    draft = created.json()
    assert draft["status"] == "draft" and draft["categories"] == ["family_communication", "placements"]
    assert {p["name"]: p["reason"] for p in draft["preview"]} == {"Pat Rivera": "", "Sam Rivera": "suspended"}

    published = await client.post(f"/api/v1/clients/{jordan['id']}/updates/{draft['id']}/publish", json=None)

    assert published.status_code == 200, published.text
    body = published.json()
    assert [(r["name"], r["reason"]) for r in body["received"]] == [("Pat Rivera", "")]
    assert [(r["name"], r["reason"], r["message"]) for r in body["not_received"]] == [
        ("Sam Rivera", "suspended", "access suspended")
    ]
    assert body["update"]["status"] == "published"
    assert [r["name"] for r in body["update"]["receipts"]] == ["Pat Rivera"]
