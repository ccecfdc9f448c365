"""Documents from the practice reach a relative only through the consent gate, with the document's category;
each share is a DocumentShare beside its Disclosure and tells the relative by e-mail. A relative's own upload is
seen by the practice and by them only. A removed document is gone for the family."""

from __future__ import annotations

from typing import Any

from portal.accounts import services as accounts
from portal.cases.tables import Disclosure
from portal.families import documents
from portal.families.tables import Document, DocumentShare
from portal.mail.tables import OutboxMessage
from portal.policy import Principal, Role
from tests.families.messages_support import PDF_BYTES, acting, add_active_relative, outbox_for, share_document
from tests.support.people import PASSWORD


async def alex_with_an_account(jordan: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    user = await accounts.create_user(
        Principal.system("tests"), email="alex@example.com", name="Alex Rivera", role=Role.FAMILY, password=PASSWORD
    )
    relative_id = await add_active_relative(jordan, "Alex Rivera", "alex@example.com", user["id"])
    return relative_id, user


async def test_a_share_passes_the_gate_with_the_documents_category(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any], jordan_family: dict[str, Any]
) -> None:
    pat = jordan_family["pat"]["id"]
    alex, _ = await alex_with_an_account(jordan)  # a release for family communication only
    await OutboxMessage.delete(force=True)
    await client.login_as(casey)

    response = await client.post(
        f"/clients/{jordan['id']}/documents",
        data={"title": "Placement summary", "category": "placements", "relatives": [str(pat), str(alex)]},
        files={"file": ("summary.pdf", PDF_BYTES, "application/pdf")},
    )

    assert response.status_code == 200  # the page, to say who was refused and why
    assert "Document uploaded, but not shared with everyone you chose." in response.text
    assert "Alex Rivera</strong>: The release for this recipient does not cover this kind of information." in (
        response.text
    )
    document = await Document.select().first()
    assert document["category"] == "placements" and document["uploaded_by"] == casey["id"]
    [share] = await DocumentShare.select().where(DocumentShare.document == document["id"])
    disclosure = await Disclosure.select().where(Disclosure.id == share["disclosure"]).output(load_json=True).first()
    assert share["relative"] == pat
    assert disclosure["resource_type"] == "family_document" and disclosure["resource_id"] == str(document["id"])
    assert disclosure["categories"] == ["placements"] and disclosure["purpose"] == "family_involvement"
    assert [m["subject"] for m in await outbox_for("pat@example.com")] == [
        "You have a new document from Harbor Case Management"
    ]
    assert await outbox_for("alex@example.com") == []
    listing = (await client.get(f"/clients/{jordan['id']}/documents")).text
    assert "Shared with Pat Rivera" in listing

    shared_later = await client.post(
        f"/clients/{jordan['id']}/documents/{document['id']}/shares", data={"relatives": str(alex)}
    )
    assert shared_later.status_code == 403  # still not covered


async def test_substance_use_records_need_a_part_2_release(
    casey: dict[str, Any], jordan: dict[str, Any], jordan_family: dict[str, Any]
) -> None:
    document_id, refused = await documents.upload_as_practice(
        acting(casey),
        jordan["id"],
        {"title": "Lab results", "category": "substance_use_records"},
        (PDF_BYTES, "labs.pdf"),
        [jordan_family["pat"]["id"]],
    )
    assert [r.name for r in refused] == ["Pat Rivera"]
    assert await DocumentShare.count().where(DocumentShare.document == document_id) == 0


async def test_a_relatives_upload_is_seen_by_the_practice_and_by_them_only(
    client: Any, casey: dict[str, Any], pat: dict[str, Any], jordan: dict[str, Any], jordan_family: dict[str, Any]
) -> None:
    _, alex = await alex_with_an_account(jordan)
    await client.login_as(pat)
    uploaded = await client.post(
        "/family/documents",
        data={"client": str(jordan["id"]), "title": "Insurance card"},
        files={"file": ("card.pdf", PDF_BYTES, "application/pdf")},
    )
    assert uploaded.status_code == 303, uploaded.text
    document = await Document.select().first()
    assert document["uploaded_by_relative"] == jordan_family["pat"]["id"]
    assert "Insurance card" in (await client.get("/family/documents")).text
    assert (await client.get(f"/family/documents/{document['id']}")).status_code == 200

    await client.login_as(alex)
    assert "Insurance card" not in (await client.get("/family/documents")).text
    assert (await client.get(f"/family/documents/{document['id']}")).status_code == 404
    assert (await client.get(f"/api/v1/family/documents/{document['id']}")).status_code == 404

    await client.login_as(casey)
    listing = (await client.get(f"/clients/{jordan['id']}/documents")).text
    assert "Insurance card" in listing and "uploaded by Pat Rivera (family)" in listing
    assert (await client.get(f"/clients/{jordan['id']}/documents/{document['id']}")).status_code == 200


async def test_a_removed_document_is_gone_for_the_family(
    client: Any, casey: dict[str, Any], pat: dict[str, Any], jordan: dict[str, Any], jordan_family: dict[str, Any]
) -> None:
    document_id, _ = await share_document(casey, jordan, [jordan_family["pat"]["id"]])
    await client.login_as(casey)
    removed = await client.post(f"/clients/{jordan['id']}/documents/{document_id}/remove", data={})
    assert removed.status_code == 303
    await client.login_as(pat)
    assert (await client.get(f"/family/documents/{document_id}")).status_code == 404
    assert (await client.get("/api/v1/family/documents")).json()["items"] == []
