"""Writing updates: a draft is saved, checked, edited and discarded; only the practice sees it; the form explains
every mistake; the recipients can be narrowed to some relatives of this client and no one else."""

from __future__ import annotations

from typing import Any

from portal.audit.tables import AuditEvent
from portal.families import updates
from portal.families.tables import Update, UpdateRecipient
from tests.families.updates_support import write_update


async def test_a_draft_is_written_edited_previewed_and_only_the_practice_sees_it(
    client: Any, other_client: Any, jordan_family: dict[str, Any], casey: dict[str, Any], jordan: dict[str, Any],
    pat: dict[str, Any],
) -> None:  # fmt: skip
    base = f"/clients/{jordan['id']}/updates"
    await client.login_as(casey)
    assert "No updates yet." in (await client.get(base)).text
    tab = (await client.get(f"/clients/{jordan['id']}")).text
    assert f'href="{base}"' in tab  # the client's tabs include Updates

    created = await client.post(
        base,
        data={
            "title": "First week",
            "body": "Settled in.\n\nFamily group on Thursday.",
            "categories": "placements",
            "recipients": "all",
        },
    )
    assert created.status_code == 303
    update_id = int(created.headers["location"].rsplit("/", 1)[1])
    page = (await client.get(f"{base}/{update_id}")).text
    assert "Draft" in page and "<p>Settled in.</p><p>Family group on Thursday.</p>" in page
    assert "Publish to 1 relative" in page and "Sam Rivera: access suspended" in page

    edit_form = (await client.get(f"{base}/{update_id}/edit")).text
    assert "Settled in.\n\nFamily group on Thursday." in edit_form and 'value="placements" checked' in edit_form
    edited = await client.post(
        f"{base}/{update_id}/edit",
        data={"title": "First week at Brookside", "body": "Settled in well.", "recipients": "all"},
    )
    assert edited.status_code == 303
    row = await updates.update_row(jordan["id"], update_id)
    assert row["title"] == "First week at Brookside" and row["categories"] == ["family_communication"]
    assert row["body_text"] == "Settled in well." and row["status"] == "draft"
    actions = [e["action"] for e in await AuditEvent.select().where(AuditEvent.resource_type == "update")]
    assert "update.create" in actions and "update.edit" in actions

    await other_client.login_as(pat)
    assert "No updates yet." in (await other_client.get("/family/updates")).text
    assert (await other_client.get(f"/family/updates/{update_id}")).status_code == 404
    assert await UpdateRecipient.count().where(UpdateRecipient.update == update_id) == 0


async def test_the_form_explains_each_mistake(
    client: Any, jordan_family: dict[str, Any], casey: dict[str, Any], jordan: dict[str, Any], taylor: dict[str, Any]
) -> None:
    await client.login_as(casey)
    base = f"/clients/{jordan['id']}/updates"

    empty = await client.post(base, data={"title": "", "body": "", "recipients": "all"})
    assert empty.status_code == 400
    assert "Title is required." in empty.text and "The update is required." in empty.text
    nobody = await client.post(base, data={"title": "t", "body": "b", "recipients": "chosen"})
    assert nobody.status_code == 400 and "Tick at least one relative" in nobody.text
    robin = jordan_family["robin"]["id"]  # Taylor's relative, not Jordan's
    crossed = await client.post(base, data={"title": "t", "body": "b", "recipients": "chosen", "relatives": str(robin)})
    assert crossed.status_code == 400 and "Choose among this client&#39;s relatives." in crossed.text
    counseling = await client.post(
        base, data={"title": "t", "body": "b", "recipients": "all", "categories": "counseling_notes"}
    )
    assert counseling.status_code == 400 and "Unknown category of information" in counseling.text
    fake_pdf = await client.post(
        base,
        data={"title": "t", "body": "b", "recipients": "all"},
        files={"attachments": ("report.pdf", b"<html>not a pdf</html>", "application/pdf")},
    )
    assert fake_pdf.status_code == 400 and "report.pdf: Only PDF, PNG, JPEG or Word (.docx) files" in fake_pdf.text
    assert await Update.count().where(Update.client == jordan["id"]) == 0


async def test_a_draft_can_be_discarded_and_is_gone(
    client: Any, jordan_family: dict[str, Any], casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    update_id = await write_update(casey, jordan)
    await client.login_as(casey)
    response = await client.post(f"/clients/{jordan['id']}/updates/{update_id}/discard", data={})
    assert response.status_code == 303
    assert (await client.get(f"/clients/{jordan['id']}/updates/{update_id}")).status_code == 404


async def test_the_api_writes_and_edits_a_draft(
    client: Any, jordan_family: dict[str, Any], casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    await client.login_as(casey)
    base = f"/api/v1/clients/{jordan['id']}/updates"
    pat = jordan_family["pat"]["id"]
    created = await client.post(base, json={"title": "Week two", "body": "Fine.", "relative_ids": [pat]})
    assert created.status_code == 201, created.text
    update_id = created.json()["id"]
    assert created.json()["relative_ids"] == [pat]

    patched = await client.request("PATCH", f"{base}/{update_id}", json={"title": "Week two, better"})
    assert patched.status_code == 200, patched.text
    assert patched.json()["title"] == "Week two, better" and patched.json()["body_html"] == "<p>Fine.</p>"
    assert patched.json()["relative_ids"] == [pat]
    listing = (await client.get(base)).json()
    assert listing["total"] == 1 and listing["items"][0]["status"] == "draft"
    unknown = await client.post(base, json={"title": "x", "body": "y", "colour": "red"})
    assert unknown.status_code == 400
    assert (await client.get(f"{base}?status=draft")).status_code == 400
