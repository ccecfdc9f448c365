"""The API of this part: the clients a relative may see (and which parts), and the staff's relatives with grants."""

from __future__ import annotations

from typing import Any

from portal.families.tables import AccessGrant


async def test_a_relative_lists_the_clients_they_may_see_with_the_parts_open_to_them(
    client: Any, pat: dict[str, Any], jordan: dict[str, Any], jordan_family: dict[str, Any]
) -> None:
    await client.login_as(pat)
    response = await client.get("/api/v1/family/clients")
    assert response.status_code == 200
    assert response.json() == [
        {"id": jordan["id"], "name": "Jordan", "parts": ["updates", "messages", "documents", "timeline", "billing"]}
    ]
    # The timeline turned off: no longer listed, whatever the release says.
    await AccessGrant.update({AccessGrant.sees_timeline: False}).where(
        AccessGrant.relative == jordan_family["pat"]["id"]
    )
    assert (await client.get("/api/v1/family/clients")).json()[0]["parts"] == [
        "updates", "messages", "documents", "billing",
    ]  # fmt: skip


async def test_staff_list_relatives_with_accounts_grants_and_the_gate(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any], jordan_family: dict[str, Any]
) -> None:
    await client.login_as(casey)
    response = await client.get(f"/api/v1/clients/{jordan['id']}/relatives")
    assert response.status_code == 200
    by_name = {row["name"]: row for row in response.json()}
    pat, sam = by_name["Pat Rivera"], by_name["Sam Rivera"]
    assert pat["account_state"] == "active" and pat["is_payer"] is True and pat["relationship"] == "parent"
    assert pat["grant"]["state"] == "active" and pat["sees"] == pat["grant"]["parts"]
    assert sam["grant"]["state"] == "suspended" and sam["sees"] == []
    assert sam["consent_notes"] == ["Suspended: Sam Rivera sees nothing of this client and is not told so."]


async def test_the_api_needs_a_signed_in_person(client: Any, jordan: dict[str, Any]) -> None:
    assert (await client.get("/api/v1/family/clients")).status_code == 401
    assert (await client.get(f"/api/v1/clients/{jordan['id']}/relatives")).status_code == 401
