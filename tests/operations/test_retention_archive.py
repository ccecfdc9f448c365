"""Archiving a client (the owner, on the retention page) hides them everywhere: staff client lists and search,
the client page, My day, the API, the family's pages and billing lists. Nothing is deleted, and restoring
brings them back."""

from __future__ import annotations

from typing import Any

from portal.billing import agreements
from portal.billing.run import run_monthly_billing
from portal.cases.tables import Client
from portal.policy import Principal, Role
from tests.families.conftest import family_release, grant, relative_of

ARCHIVE = "/retention/archive"


async def _agreement_for(bea: dict[str, Any], client_id: int) -> int:
    principal = Principal(user_id=bea["id"], role=Role.BILLING, email=bea["email"], name=bea["name"])
    agreement_id = await agreements.create_agreement(
        principal,
        {
            "client": client_id,
            "payer_name": "Outside Payer",
            "payer_email": "payer@example.com",
            "monthly_fee": "8500",
            "start_date": "2026-08-01",
            "billing_day": 1,
            "included_hours": 20,
            "overage_rate": "250",
            "rollover_max_hours": 0,
        },
    )
    await agreements.set_status(principal, agreement_id, "active")
    summary = await run_monthly_billing(principal, "2026-09")
    assert summary.created == 1
    return agreement_id


async def _views(client: Any, person: dict[str, Any], pages: list[str]) -> list[str]:
    await client.login_as(person)
    texts = [(await client.get(page)).text for page in pages]
    await client.logout()
    return texts


async def test_an_archived_client_disappears_from_every_list_and_comes_back_when_restored(
    client: Any,
    other_client: Any,
    olivia: dict[str, Any],
    casey: dict[str, Any],
    bea: dict[str, Any],
    pat: dict[str, Any],
    jordan: dict[str, Any],
) -> None:
    agreement_id = await _agreement_for(bea, jordan["id"])
    pat_relative = await relative_of(jordan["id"], pat["email"])
    await grant(pat_relative["id"])
    await family_release(jordan["id"], pat_relative["id"], ["family_communication", "placements", "billing"])
    staff_pages = ["/clients", "/clients?q=Jordan", "/my-day", "/api/v1/clients", "/api/v1/clients?q=Jordan"]
    billing_pages = [
        "/billing/agreements",
        f"/api/v1/agreements?client={jordan['id']}",
        "/billing/invoices",
        "/api/v1/invoices",
    ]

    before_staff = await _views(other_client, casey, staff_pages)
    before_billing = await _views(other_client, bea, billing_pages)
    before_family = await _views(other_client, pat, ["/family"])
    assert all("Jordan Rivera" in text for text in before_staff), "Casey sees Jordan everywhere before archiving"
    assert "Jordan Rivera" in before_billing[0] and f'"id":{agreement_id}' in before_billing[1]
    assert "Jordan Rivera" in before_billing[2] and f'"client_id":{jordan["id"]}' in before_billing[3]
    assert "Jordan" in before_family[0]

    await client.login_as(olivia)
    archived = await client.post(ARCHIVE, data={"client": str(jordan["id"])}, follow_redirects=False)
    assert archived.status_code == 303

    after_staff = await _views(other_client, casey, staff_pages)
    after_billing = await _views(other_client, bea, billing_pages)
    after_family = await _views(other_client, pat, ["/family"])
    assert not any("Jordan Rivera" in text for text in after_staff), [
        page for page, text in zip(staff_pages, after_staff, strict=True) if "Jordan" in text
    ]
    assert "Jordan Rivera" not in after_billing[0] and f'"id":{agreement_id}' not in after_billing[1]
    assert "Jordan Rivera" not in after_billing[2] and f'"client_id":{jordan["id"]}' not in after_billing[3]
    assert "Jordan" not in after_family[0]
    owner_list = await client.get("/clients")
    assert "Jordan Rivera" not in owner_list.text
    assert (await client.get(f"/clients/{jordan['id']}")).status_code == 404
    assert (await client.get(f"/api/v1/clients/{jordan['id']}")).status_code == 404
    # Nothing was deleted: the retention page lists Jordan as archived.
    page = await client.get("/retention")
    assert page.status_code == 200 and "Jordan" in page.text
    assert await Client.exists().where(Client.id == jordan["id"])

    restored = await client.post(f"/retention/{jordan['id']}/unarchive", data={}, follow_redirects=False)
    assert restored.status_code == 303
    assert "Jordan Rivera" in (await client.get("/clients")).text
    assert "Jordan Rivera" in (await _views(other_client, bea, billing_pages))[0]


async def test_only_the_owner_may_archive(
    client: Any, casey: dict[str, Any], bea: dict[str, Any], jordan: dict[str, Any]
) -> None:
    for person in (casey, bea):
        await client.login_as(person)
        assert (await client.get("/retention")).status_code == 403
        response = await client.post(ARCHIVE, data={"client": str(jordan["id"])}, follow_redirects=False)
        assert response.status_code == 403
        await client.logout()
    assert not await Client.exists().where((Client.id == jordan["id"]) & Client.archived_at.is_not_null())


async def test_bad_archive_input_is_a_form_error(client: Any, olivia: dict[str, Any]) -> None:
    await client.login_as(olivia)
    for value in ["", "abc", "99999999999", "999999"]:
        response = await client.post(ARCHIVE, data={"client": value}, follow_redirects=False)
        assert response.status_code in {400, 404}, (value, response.status_code)


async def test_legal_hold_needs_a_reason(client: Any, olivia: dict[str, Any], jordan: dict[str, Any]) -> None:
    await client.login_as(olivia)
    await client.post(ARCHIVE, data={"client": str(jordan["id"])})

    response = await client.post(f"/retention/{jordan['id']}/hold", data={"reason": "  "})

    assert response.status_code == 400
    assert "Say why" in response.text
    held = await client.post(f"/retention/{jordan['id']}/hold", data={"reason": "Subpoena 114"}, follow_redirects=True)
    assert "On legal hold" in held.text
