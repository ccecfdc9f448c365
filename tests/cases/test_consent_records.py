"""Recording releases: what a valid authorization needs, lifetime caps, evidence, and revocation."""

from __future__ import annotations

from typing import Any

import pytest

from portal.cases.tables import CareTeamMember, Consent, ConsentLifetimeRule
from portal.files.tables import StoredFile

MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


async def therapist_of(client_id: int) -> int:
    row = await CareTeamMember.select(CareTeamMember.party).where(CareTeamMember.client == client_id).first()
    return int(row["party"])


def release_form(party_id: int, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "recipient_type": "party",
        "recipient_party": str(party_id),
        "categories": ["coordination_notes", "placements"],
        "purposes": ["care_coordination"],
        "effective_on": "2026-01-01",
        "expires_on": "2026-12-31",
        "signed_by_name": "Jordan Rivera",
        "signer_capacity": "self",
        "signed_on": "2026-01-01",
        "esignature_name": "Jordan Rivera",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


async def test_a_release_with_a_typed_signature_keeps_the_time_and_address(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    await client.login_as(casey)
    party = await therapist_of(jordan["id"])
    response = await client.post(f"/clients/{jordan['id']}/consents", data=release_form(party))
    assert response.status_code == 303, response.text
    row = await Consent.select().where(Consent.client == jordan["id"]).first()
    assert row["esignature_name"] == "Jordan Rivera"
    assert row["esignature_ip"] == "127.0.0.1" and row["esignature_at"] is not None
    page = await client.get(f"/clients/{jordan['id']}/consents")
    assert "To Dana Reyes" in page.text and "Active" in page.text


async def test_a_signed_pdf_is_kept_as_evidence_and_can_be_downloaded(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    await client.login_as(casey)
    form = release_form(await therapist_of(jordan["id"]), esignature_name=None)
    form["_csrf_token"] = await client.csrf_token()
    response = await client.http.post(
        f"/clients/{jordan['id']}/consents",
        data=form,
        files={"evidence_file": ("signed release.pdf", MINIMAL_PDF, "application/pdf")},
    )
    assert response.status_code == 303, response.text
    row = await Consent.select().where(Consent.client == jordan["id"]).first()
    stored = await StoredFile.select().where(StoredFile.id == row["evidence_file"]).first()
    assert stored["content_type"] == "application/pdf" and stored["original_name"] == "signed release.pdf"
    download = await client.get(f"/clients/{jordan['id']}/consents/{row['id']}/evidence")
    assert download.content == MINIMAL_PDF
    assert download.headers["content-disposition"].startswith("attachment")
    assert download.headers["cache-control"] == "no-store"


async def test_a_fake_pdf_is_refused(client: Any, casey: dict[str, Any], jordan: dict[str, Any]) -> None:
    await client.login_as(casey)
    form = release_form(await therapist_of(jordan["id"]), esignature_name=None)
    form["_csrf_token"] = await client.csrf_token()
    response = await client.http.post(
        f"/clients/{jordan['id']}/consents",
        data=form,
        files={"evidence_file": ("release.pdf", b"<html>not a pdf</html>", "application/pdf")},
    )
    assert response.status_code == 400
    assert "Only PDF, PNG, JPEG or Word" in response.text
    assert await Consent.count().where(Consent.client == jordan["id"]) == 0


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"esignature_name": None}, "evidence", "Upload the signed release"),
        ({"esignature_name": "Someone Else"}, "esignature_name", "must match the signer"),
        ({"categories": None}, "categories", "Choose at least one"),
        ({"purposes": None}, "purposes", "Choose at least one"),
        ({"expires_on": None}, "expires_on", "Give an expiry date"),
        ({"expires_on": "2025-12-31"}, "expires_on", "before the effective date"),
        ({"until_revoked": "on", "expires_on": None}, "until_revoked", "Only a Part 2 consent"),
        ({"categories": ["substance_use_records"]}, "covers_part2", "Part 2 consent"),
        (
            {"recipient_type": "class", "recipient_class": "my treating providers"},
            "recipient_class",
            "may name a class",
        ),
        ({"recipient_party": "999999"}, "recipient_party", "care team"),
        ({"effective_on": "someday"}, "effective_on", "use a date like"),
        ({"categories": ["gossip"]}, "categories", "Unknown category"),
    ],
)
async def test_invalid_releases_are_refused_with_the_reason_next_to_the_field(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any], overrides: dict[str, Any], field: str, message: str
) -> None:
    await client.login_as(casey)
    response = await client.post(
        f"/clients/{jordan['id']}/consents", data=release_form(await therapist_of(jordan["id"]), **overrides)
    )
    assert response.status_code == 400
    assert message in response.text, response.text
    assert await Consent.count().where(Consent.client == jordan["id"]) == 0


async def test_a_part2_tpo_consent_may_name_a_class_and_last_until_revoked(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    await client.login_as(casey)
    form = release_form(
        0,
        recipient_type="class",
        recipient_party=None,
        recipient_class="my treating providers",
        covers_part2="on",
        purposes=["treatment", "payment"],
        until_revoked="on",
        expires_on=None,
        categories=["substance_use_records", "diagnoses"],
    )
    response = await client.post(f"/clients/{jordan['id']}/consents", data=form)
    assert response.status_code == 303, response.text
    row = await Consent.select().where(Consent.client == jordan["id"]).first()
    assert row["until_revoked"] is True and row["expires_on"] is None


async def test_a_jurisdiction_cap_limits_the_lifetime(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    await ConsentLifetimeRule.insert(ConsentLifetimeRule(jurisdiction="NJ", max_days=365))
    await client.login_as(casey)
    party = await therapist_of(jordan["id"])
    too_long = await client.post(
        f"/clients/{jordan['id']}/consents", data=release_form(party, jurisdiction="NJ", expires_on="2027-06-01")
    )
    assert too_long.status_code == 400 and "NJ limits a release to 365 days" in too_long.text
    within = await client.post(
        f"/clients/{jordan['id']}/consents", data=release_form(party, jurisdiction="NJ", expires_on="2026-12-31")
    )
    assert within.status_code == 303


async def test_revoking_shows_on_the_page_and_cannot_be_repeated(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    await client.login_as(casey)
    await client.post(f"/clients/{jordan['id']}/consents", data=release_form(await therapist_of(jordan["id"])))
    consent = await Consent.select(Consent.id).where(Consent.client == jordan["id"]).first()
    response = await client.post(f"/clients/{jordan['id']}/consents/{consent['id']}/revoke", data={"note": "by letter"})
    assert response.status_code == 303
    page = await client.get(f"/clients/{jordan['id']}/consents")
    assert "Revoked" in page.text and "by letter" in page.text
    again = await client.post(f"/clients/{jordan['id']}/consents/{consent['id']}/revoke", data={})
    assert again.status_code == 404


async def test_free_text_in_a_release_is_escaped(client: Any, casey: dict[str, Any], jordan: dict[str, Any]) -> None:
    payload = '<script>alert("x")</script>'
    await client.login_as(casey)
    form = release_form(await therapist_of(jordan["id"]), signed_by_name=payload, esignature_name=payload)
    assert (await client.post(f"/clients/{jordan['id']}/consents", data=form)).status_code == 303
    consent = await Consent.select(Consent.id).where(Consent.client == jordan["id"]).first()
    await client.post(f"/clients/{jordan['id']}/consents/{consent['id']}/revoke", data={"note": payload})
    page = await client.get(f"/clients/{jordan['id']}/consents")
    assert payload not in page.text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page.text
