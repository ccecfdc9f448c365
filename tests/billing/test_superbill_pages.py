"""The staff superbill pages: a client's month previewed with every problem named, the Issue button (refused with
the problems on the page, then issued), the issued list with PDF and JSON; the billing provider, clinician (with a
signature image that reaches the PDF) and service-code forms with their errors; case managers and families kept
out; every page read of client data audited."""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image
from pypdf import PdfReader

from portal.audit.tables import AuditEvent
from portal.billing.invoicing import record_offline_payment
from portal.billing.tables import ClinicianProfile, ServiceCode, Superbill
from tests.billing.conftest import bea_principal
from tests.billing.pages_support import DEC_1
from tests.billing.superbill_support import ready_november


@pytest.fixture(autouse=True)
def december(clock: Any) -> Any:
    clock.set(DEC_1)
    return clock


def png_signature() -> bytes:
    image = Image.new("RGB", (240, 60), "white")
    for x in range(20, 220):
        image.putpixel((x, 30 + (x % 17) - 8), (20, 20, 90))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


async def test_preview_refuse_then_issue(
    client: Any, bea: dict[str, Any], casey: dict[str, Any], jordan: dict[str, Any], jordan_agreement: int
) -> None:
    invoice = await ready_november(bea, casey, jordan, jordan_agreement, pay_cents=500_000)
    await client.login_as(bea)
    index = await client.get("/billing/superbills")
    assert index.status_code == 200 and f'href="/billing/superbills/clients/{jordan["id"]}"' in index.text

    page = await client.get(f"/billing/superbills/clients/{jordan['id']}?period=2026-11")
    assert page.status_code == 200
    assert "November 2026 is not paid in full: $3,500.00 is still due" in page.text
    assert "Issue the superbill" not in page.text  # no button while a problem stands
    assert "T1016" in page.text and "None issued yet." in page.text

    refused = await client.post(f"/billing/superbills/clients/{jordan['id']}/issue", data={"period": "2026-11"})
    assert refused.status_code == 422 and "must be fixed first" in refused.text
    assert "not paid in full" in refused.text and await Superbill.count() == 0

    await record_offline_payment(
        bea_principal(bea),
        invoice["id"],
        {"amount_cents": 350_000, "method": "check", "reference": "1043", "received_on": "2026-12-03"},
    )
    page = await client.get(f"/billing/superbills/clients/{jordan['id']}?period=2026-11")
    assert "Ready to issue" in page.text and "Issue the superbill for November 2026" in page.text
    issued = await client.post(
        f"/billing/superbills/clients/{jordan['id']}/issue", data={"period": "2026-11"}, follow_redirects=True
    )
    assert issued.status_code == 200 and "Superbill No. 1 issued for 2026-11." in issued.text
    row = await Superbill.select().first()
    assert row is not None
    assert f'href="/billing/superbills/{row["id"]}/pdf"' in issued.text
    pdf = await client.get(f"/billing/superbills/{row['id']}/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    document = (await client.get(f"/billing/superbills/{row['id']}/json")).json()
    assert document["statement_number"] == 1
    assert [p["amount_cents"] for p in document["payments"]] == [500_000, 350_000]

    actions = {
        r["action"] for r in await AuditEvent.select(AuditEvent.action).where(AuditEvent.client_id == jordan["id"])
    }
    assert {"superbill.preview", "superbill.list", "superbill.refused", "superbill.issue", "superbill.pdf"} <= actions


async def test_bad_months_and_unknown_ids(client: Any, bea: dict[str, Any], jordan: dict[str, Any]) -> None:
    await client.login_as(bea)
    assert (await client.get(f"/billing/superbills/clients/{jordan['id']}?period=2026-13")).status_code == 400
    bad = await client.post(f"/billing/superbills/clients/{jordan['id']}/issue", data={"period": "soon"})
    assert bad.status_code == 400 and "2026-11" in bad.text
    assert (await client.get("/billing/superbills/clients/999999")).status_code == 404
    assert (await client.get("/billing/superbills/999999/pdf")).status_code == 404
    assert (await client.get("/billing/superbills/catalogue/astrology")).status_code == 404
    assert (await client.get("/billing/superbills/clinicians/999999")).status_code == 404


async def test_provider_clinician_and_catalogue_forms(
    client: Any, bea: dict[str, Any], casey: dict[str, Any], jordan: dict[str, Any], jordan_agreement: int
) -> None:
    await ready_november(bea, casey, jordan, jordan_agreement)
    await client.login_as(bea)

    bad = await client.post(
        "/billing/superbills/provider",
        data={"legal_name": "Harbor LLC", "tax_id_type": "ein", "tax_id": "00-0000000", "npi": "1987654320"},
    )
    assert bad.status_code == 400 and "Enter a valid EIN" in bad.text and "check digit" in bad.text

    form = {"display_name": "Casey Morales, LCSW", "credentials": "LCSW", "npi": "1234567890", "license_state": "NJ"}
    wrong = await client.post(f"/billing/superbills/clinicians/{casey['id']}", data=form)
    assert wrong.status_code == 400 and "check digit" in wrong.text
    token = await client.csrf_token()
    saved = await client.http.post(
        f"/billing/superbills/clinicians/{casey['id']}",
        data={**form, "npi": "1234567893", "_csrf_token": token},
        files={"signature": ("signature.png", png_signature(), "image/png")},
    )
    assert saved.status_code in (302, 303), saved.text
    profile = await ClinicianProfile.select().where(ClinicianProfile.user == casey["id"]).first()
    assert profile is not None and profile["signature"] is not None
    listing = await client.get("/billing/superbills/clinicians")
    assert "Casey Morales, LCSW" in listing.text

    catalogue = await client.get("/billing/superbills/catalogue")
    for label in ("Care coordination", "Team conference", "Report writing", "T1016", "99368"):
        assert label in catalogue.text
    bad_code = await client.post(
        "/billing/superbills/catalogue/team_conference",
        data={"code": "ABC12", "description": "", "unit_rule": "weekly", "place_of_service": "77",
              "unit_minutes": "15", "minimum_minutes": "30", "charge": "lots"},
    )  # fmt: skip
    assert bad_code.status_code == 400
    for message in (
        "Enter a CPT code",
        "Choose a unit rule",
        "Choose a place of service",
        "enter an amount in dollars",
    ):
        assert message in bad_code.text, message
    good = await client.post(
        "/billing/superbills/catalogue/team_conference",
        data={"code": "99368", "description": "Team conference", "modifiers": "hn", "unit_rule": "per_session",
              "place_of_service": "02", "unit_minutes": "15", "minimum_minutes": "30", "charge": "160.50",
              "active": "on"},
    )  # fmt: skip
    assert good.status_code in (302, 303), good.text
    row = await ServiceCode.select().where(ServiceCode.activity == "team_conference").first()
    assert row is not None and (row["charge_cents"], row["place_of_service"], row["modifiers"]) == (16050, "02", "HN")

    issued = await client.post(
        f"/billing/superbills/clients/{jordan['id']}/issue", data={"period": "2026-11"}, follow_redirects=True
    )
    assert issued.status_code == 200
    superbill = await Superbill.select().first()
    assert superbill is not None
    reader = PdfReader(io.BytesIO((await client.get(f"/billing/superbills/{superbill['id']}/pdf")).content))
    assert len(reader.pages[1].images) == 1  # the signature on the superbill page
    text = reader.pages[1].extract_text()
    assert "11/10/2026 02 99368 HN" in " ".join(text.split())


async def test_case_managers_and_families_are_kept_out(
    client: Any, casey: dict[str, Any], pat: dict[str, Any], jordan: dict[str, Any]
) -> None:
    for person in (casey, pat):
        await client.login_as(person)
        for path in (
            "/billing/superbills",
            f"/billing/superbills/clients/{jordan['id']}",
            "/billing/superbills/catalogue",
            "/billing/superbills/clinicians",
        ):
            assert (await client.get(path)).status_code == 403, (person["email"], path)
