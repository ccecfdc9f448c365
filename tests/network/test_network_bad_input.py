"""Bad input on the network's forms and API is answered with the field's error (400), never a 500: an age of
"old", a rate of "lots", an unknown level of care, an expiry of "soon" … and ids nobody has are 404."""

from __future__ import annotations

from typing import Any

import pytest

from portal.network.tables import Availability, Credential, Program, ProgramContact
from tests.network.support import NOW, add_program, form_of


@pytest.fixture(autouse=True)
def frozen(clock: Any) -> Any:
    clock.set(NOW)
    return clock


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"age_min": "old"}, "Youngest age must be a whole number"),
        ({"age_min": "30", "age_max": "20"}, "The oldest age cannot be below the youngest"),
        ({"age_max": "500"}, "Oldest age must be at most 120"),
        ({"private_pay": "lots"}, "Private-pay rate: enter an amount in dollars"),
        ({"private_pay": "12.345"}, "Private-pay rate: enter an amount in dollars"),
        ({"private_pay": "99999999999"}, "Private-pay rate is too large"),
        ({"private_pay_unit": "fortnight"}, "Choose one of the listed options for rate unit"),
        ({"levels_of_care": ["asam3:3.5", "asam9:9"]}, "Unknown level of care: &#39;asam9:9&#39;"),
        ({"populations": "martians"}, "Unknown population"),
        ({"exclusions": "everyone"}, "Unknown exclusion"),
        ({"beds": "-1"}, "Beds must be at least 0"),
        ({"state": "Virginia"}, "two-letter US state code"),
        ({"zip_code": "2290"}, "Use a ZIP code like 10001"),
        ({"latitude": "38.1", "longitude": ""}, "Enter both latitude and longitude"),
        ({"latitude": "north", "longitude": "-78"}, "Latitude must be a number"),
        ({"latitude": "95", "longitude": "-78"}, "Latitude must be between -90 and 90"),
        ({"npi": "1234567890"}, "An NPI is 10 digits with a valid check digit"),
        ({"phone_main": "call me"}, "Enter a phone number"),
        ({"website": "not a website"}, "Enter a web address"),
        ({"name": ""}, "Facility name is required"),
        ({"name": "x" * 201}, "Facility name must be at most 200 characters"),
        ({"in_network_insurers": "y" * 101}, "at most 100 characters"),
    ],
)
async def test_program_form_errors(client: Any, casey: dict[str, Any], changes: dict[str, Any], message: str) -> None:
    await client.login_as(casey)
    response = await client.post("/network/programs", data=form_of(**changes))
    assert response.status_code == 400
    assert message in response.text
    assert 'aria-invalid="true"' in response.text or "error" in response.text
    assert await Program.count() == 0


async def test_edit_form_errors_keep_what_was_typed(client: Any, casey: dict[str, Any]) -> None:
    program_id = await add_program(casey)
    await client.login_as(casey)
    response = await client.post(
        f"/network/programs/{program_id}/edit", data=form_of(private_pay="lots", city="Crozet")
    )
    assert response.status_code == 400
    assert 'value="lots"' in response.text and 'value="Crozet"' in response.text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "license", "name": "VA license", "expires_on": "soon"}, "Expiry date: use a date like"),
        ({"kind": "license", "name": "VA license", "expires_on": "2026-13-45"}, "Expiry date: use a date like"),
        ({"kind": "diploma", "name": "VA license"}, "Choose one of the listed options for kind"),
        ({"kind": "license", "name": ""}, "Name is required"),
        (
            {"kind": "license", "name": "VA", "verified_on": "2030-01-01", "source": "x"},
            "cannot be dated in the future",
        ),
        ({"kind": "license", "name": "VA", "verified_on": "2026-11-01"}, "Say where it was verified"),
        ({"kind": "license", "name": "VA", "expires_on": "3000-01-01"}, "Expiry date is out of range"),
    ],
)
async def test_credential_form_errors(client: Any, casey: dict[str, Any], data: dict[str, Any], message: str) -> None:
    program_id = await add_program(casey)
    await client.login_as(casey)
    response = await client.post(f"/network/programs/{program_id}/credentials", data=data)
    assert response.status_code == 400
    assert message in response.text
    assert await Credential.count() == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"observed_on": "yesterday", "beds_available": "3"}, "Date: use a date like"),
        ({"observed_on": "2026-11-19", "beds_available": "a few"}, "Beds available must be a whole number"),
        ({"observed_on": "2026-12-25", "beds_available": "3"}, "cannot be dated in the future"),
        ({"observed_on": "2026-11-19"}, "Say what you learned"),
    ],
)
async def test_availability_form_errors(client: Any, casey: dict[str, Any], data: dict[str, Any], message: str) -> None:
    program_id = await add_program(casey)
    await client.login_as(casey)
    response = await client.post(f"/network/programs/{program_id}/availability", data=data)
    assert response.status_code == 400 and message in response.text
    assert await Availability.count() == 0


async def test_decision_and_review_form_errors(client: Any, casey: dict[str, Any]) -> None:
    program_id = await add_program(casey)
    await client.login_as(casey)
    response = await client.post(f"/network/programs/{program_id}/reviews", data={"reason": "vibes"})
    assert response.status_code == 400 and "Choose one of the listed options" in response.text
    response = await client.post(f"/network/programs/{program_id}/reviews", data={"reason": "initial"})
    assert response.status_code == 400 and "Source is required" in response.text
    await client.post(f"/network/programs/{program_id}/reviews", data={"reason": "initial", "intake_source": "Web"})
    response = await client.post(
        f"/network/programs/{program_id}/decision",
        data={"decision": "approved", "levels": "asam9:9", "rationale": "", "next_review_on": "next year"},
    )
    assert response.status_code == 400
    for message in ("Unknown level", "Rationale is required", "Next review: use a date like"):
        assert message in response.text


@pytest.mark.parametrize("program_id", ["999999999", "99999999999999999999", "0"])
async def test_unknown_programs_are_not_found(client: Any, casey: dict[str, Any], program_id: str) -> None:
    await client.login_as(casey)
    for path in ("", "/edit", "/desk-review", "/decision", "/profile.pdf", "/photos/1", "/evidence/1"):
        response = await client.get(f"/network/programs/{program_id}{path}")
        assert response.status_code in (404, 400), (path, response.status_code)
    response = await client.post(f"/network/programs/{program_id}/incidents", data={"kind": "incident"})
    assert response.status_code in (404, 400)
    api = await client.get(f"/api/v1/programs/{program_id}")
    assert api.status_code in (404, 400)


async def test_ids_of_another_programs_rows_are_not_found(client: Any, casey: dict[str, Any]) -> None:
    first = await add_program(casey)
    second = await add_program(casey, name="Other")
    await client.login_as(casey)
    await client.post(f"/network/programs/{first}/contacts", data={"role": "admissions", "name": "Alex"})
    await client.post(f"/network/programs/{first}/credentials", data={"kind": "license", "name": "VA license"})
    contact = (await ProgramContact.select(ProgramContact.id).first())["id"]
    credential = (await Credential.select(Credential.id).first())["id"]
    assert (await client.get(f"/network/programs/{first}/contacts/{contact}/edit")).status_code == 200
    assert (await client.get(f"/network/programs/{second}/contacts/{contact}/edit")).status_code == 404
    assert (await client.get(f"/network/programs/{second}/credentials/{credential}/edit")).status_code == 404
    assert (await client.post(f"/network/programs/{second}/contacts/{contact}/remove", data={})).status_code == 404
    assert await ProgramContact.count() == 1
    assert (await client.get("/network/programs/picker/choose?program_id=abc")).status_code == 404
