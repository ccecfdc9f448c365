"""The document lists (the practice's tab, the relative's page and API) run the same number of SQL statements
with 5 documents and with 60, each shared: no query per document or per share."""

from __future__ import annotations

from typing import Any

from portal.families.tables import Document, DocumentShare
from portal.files.tables import StoredFile
from tests.families.messages_support import now, share_document
from tests.support.queries import count_queries


async def add_documents_in_bulk(client_id: int, author_id: int, relative_id: int, file_id: int, count: int) -> None:
    rows = await Document.insert(
        *[
            Document(client=client_id, file=file_id, title=f"Letter {n}", uploaded_by=author_id, created_at=now())
            for n in range(count)
        ]
    ).returning(Document.id)
    await DocumentShare.insert(
        *[DocumentShare(document=r["id"], relative=relative_id, shared_by=author_id, shared_at=now()) for r in rows]
    )


async def measure(client: Any, paths: list[str]) -> dict[str, int]:
    counts = {}
    for path in paths:
        with count_queries() as counter:
            response = await client.get(path)
        assert response.status_code == 200, path
        counts[path] = counter.count
    return counts


async def test_query_counts_do_not_grow_with_documents(
    client: Any, casey: dict[str, Any], pat: dict[str, Any], jordan: dict[str, Any], jordan_family: dict[str, Any]
) -> None:
    pat_id = jordan_family["pat"]["id"]
    await share_document(casey, jordan, [pat_id])
    file_id = (await StoredFile.select(StoredFile.id).first())["id"]
    await add_documents_in_bulk(jordan["id"], casey["id"], pat_id, file_id, 4)
    staff = [f"/clients/{jordan['id']}/documents?per_page=100"]
    family = ["/family/documents?per_page=100", "/api/v1/family/documents?per_page=100"]

    await client.login_as(casey)
    await measure(client, staff)
    staff_5 = await measure(client, staff)
    await client.login_as(pat)
    await measure(client, family)
    family_5 = await measure(client, family)

    await add_documents_in_bulk(jordan["id"], casey["id"], pat_id, file_id, 55)
    family_60 = await measure(client, family)
    await client.login_as(casey)
    await measure(client, staff)
    staff_60 = await measure(client, staff)
    print(f"\nSQL statements with 5 documents: {staff_5} {family_5}\nwith 60: {staff_60} {family_60}")
    assert staff_5 == staff_60 and family_5 == family_60
