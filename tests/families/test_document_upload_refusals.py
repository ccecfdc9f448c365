"""Uploads to the family space are checked by what the bytes are: a ".pdf" that is not a PDF, a file over 20 MB,
a name that is a path and a web page are each refused with a message that says what is wrong, on the practice's
form, the relatives' form and as message attachments; nothing is stored. A real PDF comes back byte for byte."""

from __future__ import annotations

from typing import Any

import pytest

from portal.families.tables import Document, MessageAttachment, Thread
from portal.files.services import MAX_BYTES
from portal.files.tables import StoredFile
from tests.families.messages_support import real_pdf

HTML_PAGE = b"<!doctype html><html><body><script>alert(1)</script></body></html>"

REFUSED = [
    pytest.param(
        "report.pdf", b"MZ\x90\x00 this is a Windows program, not a PDF", "is not a real PDF file", id="fake-pdf"
    ),
    pytest.param("scan.pdf", b"%PDF-1.4\n" + b"0" * MAX_BYTES, "is larger than 20 MB", id="oversized"),
    pytest.param("../../etc/passwd.pdf", real_pdf(), "is a path, not a file name", id="path-traversal"),
    pytest.param("page.html", HTML_PAGE, "Only PDF, PNG, JPEG or Word (.docx) files can be uploaded", id="html"),
]


async def nothing_stored() -> bool:
    return await StoredFile.count() == 0 and await Document.count() == 0 and await MessageAttachment.count() == 0


@pytest.mark.parametrize(("name", "data", "message"), REFUSED)
async def test_the_practice_form_refuses_it_with_a_clear_message(
    client: Any,
    casey: dict[str, Any],
    jordan: dict[str, Any],
    jordan_family: dict[str, Any],
    name: str,
    data: bytes,
    message: str,
) -> None:
    await client.login_as(casey)
    response = await client.post(
        f"/clients/{jordan['id']}/documents",
        data={"title": "Plan", "relatives": str(jordan_family["pat"]["id"])},
        files={"file": (name, data, "application/pdf")},
    )
    assert response.status_code == 400, response.status_code
    assert message in response.text
    assert await nothing_stored()


@pytest.mark.parametrize(("name", "data", "message"), REFUSED)
async def test_the_family_form_refuses_it_with_a_clear_message(
    client: Any, pat: dict[str, Any], jordan_family: dict[str, Any], name: str, data: bytes, message: str
) -> None:
    await client.login_as(pat)
    response = await client.post(
        "/family/documents",
        data={"client": str(jordan_family["pat"]["client"]), "title": "Letter"},
        files={"file": (name, data, "application/pdf")},
    )
    assert response.status_code == 400, response.status_code
    assert message in response.text and 'id="f-file-error"' in response.text
    assert await nothing_stored()


@pytest.mark.parametrize(("name", "data", "message"), REFUSED)
async def test_a_message_attachment_is_refused_and_the_message_kept_for_another_try(
    client: Any,
    pat: dict[str, Any],
    jordan: dict[str, Any],
    jordan_family: dict[str, Any],
    name: str,
    data: bytes,
    message: str,
) -> None:
    await client.login_as(pat)
    response = await client.post(
        "/family/threads",
        data={"client": str(jordan["id"]), "subject": "Insurance card", "body": "Here is the card."},
        files={"attachments": (name, data, "application/pdf")},
    )
    assert response.status_code == 400, response.status_code
    assert message in response.text
    assert "Here is the card." in response.text  # what they typed is still there
    assert await Thread.count() == 0 and await nothing_stored()


async def test_a_real_pdf_round_trips_byte_for_byte(
    client: Any, casey: dict[str, Any], pat: dict[str, Any], jordan: dict[str, Any], jordan_family: dict[str, Any]
) -> None:
    pdf = real_pdf()
    await client.login_as(casey)
    uploaded = await client.post(
        f"/clients/{jordan['id']}/documents",
        data={"title": "Discharge plan", "relatives": str(jordan_family["pat"]["id"])},
        files={"file": ("Discharge plan (final).pdf", pdf, "application/pdf")},
    )
    assert uploaded.status_code == 303, uploaded.text
    document = await Document.select().first()
    stored = await StoredFile.select().where(StoredFile.id == document["file"]).first()
    assert stored["original_name"] == "Discharge plan (final).pdf" and stored["size_bytes"] == len(pdf)
    assert str(stored["uuid"]) not in ("", "Discharge plan (final).pdf")

    await client.login_as(pat)
    for path in (f"/family/documents/{document['id']}", f"/api/v1/family/documents/{document['id']}"):
        download = await client.get(path)
        assert download.status_code == 200
        assert download.content == pdf
        assert download.headers["content-type"] == "application/pdf"
        assert download.headers["cache-control"] == "no-store"
        assert download.headers["content-disposition"].startswith('attachment; filename="Discharge plan (final).pdf"')


async def test_a_much_bigger_upload_is_refused_before_it_is_read_and_still_says_why(
    client: Any, pat: dict[str, Any], jordan_family: dict[str, Any]
) -> None:
    await client.login_as(pat)
    response = await client.post(
        "/family/documents",
        data={"client": str(jordan_family["pat"]["client"]), "title": "Scan"},
        files={"file": ("scan.pdf", b"%PDF-1.4\n" + b"0" * (30 * 1024 * 1024), "application/pdf")},
    )
    assert response.status_code == 413
    assert "files can be at most 20 MB" in response.text
    assert await nothing_stored()
