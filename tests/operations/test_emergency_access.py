"""Break-glass access: the owner lets Casey into Morgan's client Taylor for a reason and a while. Before the
grant Casey is refused, during it she gets in (each use audited), after it she is refused again and the expiry
is audited once; the owner's dashboard shows the grant in force."""

from __future__ import annotations

from typing import Any

from portal.audit.tables import AuditEvent


async def grant(client: Any, owner: dict[str, Any], grantee: dict[str, Any], to: dict[str, Any], **extra: Any) -> Any:
    await client.login_as(owner)
    form = {
        "grantee": str(grantee["id"]),
        "client": str(to["id"]),
        "reason": "Morgan is out sick; crisis call",
        **extra,
    }
    return await client.post("/emergency-access", data=form)


async def events(action: str) -> list[dict[str, Any]]:
    return await AuditEvent.select().where(AuditEvent.action == action).order_by(AuditEvent.seq)


async def test_casey_gets_into_taylors_record_only_while_the_grant_lasts(
    client: Any,
    other_client: Any,
    clock: Any,
    olivia: dict[str, Any],
    casey: dict[str, Any],
    taylor: dict[str, Any],
) -> None:
    await other_client.login_as(casey)
    assert (await other_client.get(f"/clients/{taylor['id']}")).status_code == 404

    response = await grant(client, olivia, casey, taylor)
    assert response.status_code == 303
    [granted] = await events("emergency_access.grant")
    assert (granted["actor_id"], granted["client_id"]) == (olivia["id"], taylor["id"])
    assert "crisis" not in granted["detail"]  # the reason stays out of the log

    assert (await other_client.get(f"/clients/{taylor['id']}")).status_code == 200
    assert (await other_client.get(f"/clients/{taylor['id']}/notes")).status_code == 200
    assert "Taylor Brooks" in (await other_client.get("/clients")).text
    uses = await events("emergency_access.use")
    # Every page reached through the grant is in the log (a page may check access more than once).
    assert len(uses) >= 2 and {(u["actor_id"], u["client_id"]) for u in uses} == {(casey["id"], taylor["id"])}

    clock.advance(hours=23, minutes=50)
    await other_client.login_as(casey)  # the session itself has timed out by now
    assert (await other_client.get(f"/clients/{taylor['id']}")).status_code == 200
    assert await events("emergency_access.expire") == []

    clock.advance(minutes=11)
    await other_client.login_as(casey)
    assert (await other_client.get(f"/clients/{taylor['id']}")).status_code == 404
    assert (await other_client.get(f"/clients/{taylor['id']}/notes")).status_code == 404
    assert "Taylor Brooks" not in (await other_client.get("/clients")).text
    expired = await events("emergency_access.expire")
    assert [(e["client_id"], e["resource_id"]) for e in expired] == [(taylor["id"], granted["resource_id"])]


async def test_the_owner_sets_how_long_it_lasts(
    client: Any,
    other_client: Any,
    clock: Any,
    olivia: dict[str, Any],
    casey: dict[str, Any],
    taylor: dict[str, Any],
) -> None:
    assert (await grant(client, olivia, casey, taylor, hours="2")).status_code == 303
    await other_client.login_as(casey)
    assert (await other_client.get(f"/clients/{taylor['id']}")).status_code == 200
    clock.advance(hours=2, minutes=1)
    await other_client.login_as(casey)
    assert (await other_client.get(f"/clients/{taylor['id']}")).status_code == 404


async def test_the_owners_dashboard_lists_grants_in_force(
    client: Any, clock: Any, olivia: dict[str, Any], casey: dict[str, Any], taylor: dict[str, Any]
) -> None:
    assert (await grant(client, olivia, casey, taylor)).status_code == 303
    home = await client.get("/")
    assert "Emergency access in force" in home.text
    assert "Casey" in home.text and "Taylor Brooks" in home.text and "Morgan is out sick" in home.text

    clock.advance(hours=25)
    await client.login_as(olivia)
    home = await client.get("/")
    assert "Taylor Brooks" not in home.text and "No emergency access granted." in home.text
    assert len(await events("emergency_access.expire")) == 1


async def test_ending_a_grant_early_is_audited_and_shuts_the_door(
    client: Any, other_client: Any, olivia: dict[str, Any], casey: dict[str, Any], taylor: dict[str, Any]
) -> None:
    await grant(client, olivia, casey, taylor)
    [granted] = await events("emergency_access.grant")
    response = await client.post(f"/emergency-access/{granted['resource_id']}/revoke", data={})
    assert response.status_code == 303
    await other_client.login_as(casey)
    assert (await other_client.get(f"/clients/{taylor['id']}")).status_code == 404
    [revoked] = await events("emergency_access.revoke")
    assert (revoked["actor_id"], revoked["client_id"]) == (olivia["id"], taylor["id"])
    again = await client.post(f"/emergency-access/{granted['resource_id']}/revoke", data={})
    assert again.status_code == 404


async def test_an_expiry_is_written_to_the_log_once_even_with_nobody_looking(
    client: Any, clock: Any, olivia: dict[str, Any], casey: dict[str, Any], taylor: dict[str, Any]
) -> None:
    from portal.operations.emergency_access import record_ended_grants

    await grant(client, olivia, casey, taylor, hours="1")
    assert await record_ended_grants() == 0
    clock.advance(hours=1, seconds=1)
    assert await record_ended_grants() == 1  # what the worker's housekeeping does
    assert await record_ended_grants() == 0
    [expired] = await events("emergency_access.expire")
    assert (expired["client_id"], expired["actor_label"]) == (taylor["id"], "system:emergency-access")
