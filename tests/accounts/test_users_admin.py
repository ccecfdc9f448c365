"""The owner's users page and who may use it."""

from __future__ import annotations

from typing import Any

from portal.accounts.tables import User
from portal.audit.tables import AuditEvent


async def test_only_the_owner_sees_the_users_page(
    client: Any, casey: dict[str, Any], bea: dict[str, Any], pat: dict[str, Any], olivia: dict[str, Any]
) -> None:
    for person in (casey, bea, pat):
        await client.login_as(person)
        assert (await client.get("/users")).status_code == 403
        assert (
            await client.post("/users", data={"name": "X", "email": "x@example.com", "role": "owner"})
        ).status_code == 403
        await client.logout()
    await client.login_as(olivia)
    page = await client.get("/users")
    assert page.status_code == 200
    for name in ("Olivia Bennett", "Casey Morales", "Morgan Lee", "Bea Carter", "Pat Rivera"):
        assert name in page.text


async def test_invite_errors_are_shown_inline(client: Any, olivia: dict[str, Any]) -> None:
    await client.login_as(olivia)
    response = await client.post("/users", data={"name": "", "email": "not-an-address", "role": "case_manager"})
    assert response.status_code == 400
    assert 'id="f-email-error"' in response.text
    duplicate = await client.post("/users", data={"name": "Casey", "email": "casey@example.com", "role": "billing"})
    assert duplicate.status_code == 400
    assert "already an account" in duplicate.text
    family = await client.post("/users", data={"name": "Relative", "email": "rel@example.com", "role": "family"})
    assert family.status_code == 400
    assert await User.count().where(User.email == "rel@example.com") == 0


async def test_role_changes_and_deactivation_are_audited(
    client: Any, olivia: dict[str, Any], bea: dict[str, Any]
) -> None:
    await client.login_as(olivia)
    await client.post(f"/users/{bea['id']}/role", data={"role": "case_manager"})
    await client.post(f"/users/{bea['id']}/deactivate", data={})
    events = await AuditEvent.select(AuditEvent.action, AuditEvent.detail).where(
        (AuditEvent.resource_type == "user") & (AuditEvent.resource_id == str(bea["id"]))
    )
    actions = [e["action"] for e in events]
    assert "user.role.change" in actions and "user.deactivate" in actions
    role_change = next(e for e in events if e["action"] == "user.role.change")
    assert '"from":"billing"' in role_change["detail"] and '"to":"case_manager"' in role_change["detail"]


async def test_the_last_owner_cannot_be_removed(client: Any, olivia: dict[str, Any]) -> None:
    from portal.accounts import services
    from portal.errors import Invalid
    from portal.policy import Principal, Role

    await client.login_as(olivia)
    assert (await client.post(f"/users/{olivia['id']}/deactivate", data={})).status_code == 400
    # Through the service, as another owner-level actor: still refused, and nothing half-written.
    try:
        await services.change_role(Principal.system("test"), olivia["id"], Role.CASE_MANAGER)
    except Invalid as exc:
        assert "at least one active owner" in exc.message
    else:
        raise AssertionError("the last owner was demoted")
    assert (await User.select(User.role).where(User.id == olivia["id"]).first())["role"] == "owner"


async def test_family_and_staff_accounts_are_not_converted(
    client: Any, olivia: dict[str, Any], pat: dict[str, Any]
) -> None:
    await client.login_as(olivia)
    response = await client.post(f"/users/{pat['id']}/role", data={"role": "owner"})
    assert response.status_code == 400
    assert (await User.select(User.role).where(User.id == pat["id"]).first())["role"] == "family"


async def test_a_deactivated_person_can_be_reactivated(
    client: Any, other_client: Any, olivia: dict[str, Any], morgan: dict[str, Any]
) -> None:
    await client.login_as(olivia)
    await client.post(f"/users/{morgan['id']}/deactivate", data={})
    assert (await other_client.login(morgan["email"])).status_code == 401
    await client.post(f"/users/{morgan['id']}/reactivate", data={})
    assert (await other_client.login(morgan["email"])).status_code == 200
