"""Taking the network out of the portal: the whole directory as CSV (staff), and a printable program profile to give
a family.

The profile holds program information only — what the program is, whom it serves, how to reach it, what it costs,
its credentials. Never the vetting history, incidents, outcomes, the practice's status for it, availability notes
or the notes kept on its contacts: the template gets a value object built here from an allowlist of fields, so a
field added to the program later stays out until someone adds it on purpose.
"""

from __future__ import annotations

import csv
import io
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio.to_thread
from jinja2 import Environment, FileSystemLoader, select_autoescape

from portal.audit import services as audit
from portal.core.services import get_practice
from portal.csv_export import safe_cell
from portal.network.contacts import latest_availability, list_contacts
from portal.network.credentials import expired_license_programs, list_credentials
from portal.network.programs import decorate, practice_today, program_row
from portal.network.tables import Program
from portal.policy import Action, Principal, require
from portal.templating import format_date, money

PDF_TEMPLATES = Path(__file__).resolve().parent / "templates" / "pdf"
_RENDERING = threading.BoundedSemaphore(2)

CSV_COLUMNS = [
    ("id", "id"),
    ("name", "name"),
    ("program_name", "program_name"),
    ("parent_company", "parent_company"),
    ("vetting_status", "status_label"),
    ("next_review_on", "next_review_on"),
    ("street1", "street1"),
    ("street2", "street2"),
    ("city", "city"),
    ("state", "state"),
    ("zip", "zip_code"),
    ("county", "county"),
    ("latitude", "latitude"),
    ("longitude", "longitude"),
    ("phone", "phone_main"),
    ("phone_admissions", "phone_admissions"),
    ("phone_crisis", "phone_crisis"),
    ("website", "website"),
    ("samhsa_id", "samhsa_id"),
    ("npi", "npi"),
    ("program_types", "program_types_labels"),
    ("levels_of_care", "levels_of_care_labels"),
    ("populations", "populations_labels"),
    ("ages", "ages"),
    ("genders", "genders_labels"),
    ("languages", "languages_labels"),
    ("conditions", "conditions_labels"),
    ("approaches", "approaches_labels"),
    ("payment", "payment_labels"),
    ("in_network_insurers", "in_network_insurers"),
    ("accepts_out_of_network", "accepts_out_of_network"),
    ("private_pay", "private_pay"),
    ("private_pay_unit", "private_pay_unit"),
    ("private_pay_includes", "private_pay_includes"),
    ("accreditations", "accreditations_labels"),
    ("length_of_stay", "length_of_stay"),
    ("beds", "beds"),
    ("psychiatry", "psychiatry"),
    ("nursing", "nursing"),
    ("academics", "academics"),
    ("exclusion_criteria", "exclusion_criteria"),
    ("exclusions", "exclusions_labels"),
    ("latest_availability", "availability"),
    ("source", "source"),
    ("updated_at", "updated_at"),
]


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return safe_cell("; ".join(str(v) for v in value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return safe_cell(value)


def _availability_text(row: dict[str, Any] | None) -> str:
    if row is None:
        return ""
    parts = []
    if row["beds_available"] is not None:
        parts.append(f"{row['beds_available']} beds")
    if row["waitlist_days"] is not None:
        parts.append(f"waitlist {row['waitlist_days']} days")
    if row["note"]:
        parts.append(row["note"])
    return f"{row['observed_on'].isoformat()}: {', '.join(parts)}"


async def network_csv(principal: Principal) -> tuple[str, int]:
    """(CSV text, number of programs): every program, one row each, cells safe from formula injection."""
    require(principal, Action.NETWORK_READ)
    today = await practice_today()
    rows = await Program.select().order_by(Program.name).order_by(Program.id).output(load_json=True)
    ids = [r["id"] for r in rows]
    expired = await expired_license_programs(None, today)
    availability = await latest_availability(ids)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([header for header, _ in CSV_COLUMNS])
    for row in rows:
        decorate(row, expired_license=row["id"] in expired)
        cents = row["private_pay_cents"]
        row["private_pay"] = "" if cents is None else f"{cents / 100:.2f}"
        row["private_pay_unit"] = row["private_pay_unit"] if cents is not None else ""
        row["availability"] = _availability_text(availability.get(row["id"]))
        writer.writerow([_cell(row.get(key)) for _, key in CSV_COLUMNS])
    await audit.record(principal, "network.export", resource_type="program", detail={"programs": len(rows)})
    return buffer.getvalue(), len(rows)


# --------------------------------------------------------------------------- the family profile (PDF)


@dataclass(frozen=True)
class ProfileContact:
    role: str
    name: str
    phone: str
    email: str


@dataclass(frozen=True)
class ProfileCredential:
    kind: str
    name: str
    number: str
    issuer: str
    expires_on: Any


@dataclass(frozen=True)
class ProgramProfile:
    """Exactly what a family may be given about a program."""

    name: str
    program_name: str
    parent_company: str
    address_lines: list[str]
    phone_main: str
    phone_admissions: str
    phone_crisis: str
    website: str
    program_types: list[str]
    levels_of_care: list[str]
    populations: list[str]
    ages: str
    genders: list[str]
    languages: list[str]
    conditions: list[str]
    approaches: list[str]
    length_of_stay: str
    beds: int | None
    psychiatry: str
    nursing: str
    academics: str
    exclusion_criteria: str
    payment: list[str]
    in_network_insurers: list[str]
    accepts_out_of_network: bool
    private_pay: str
    private_pay_includes: str
    accreditations: list[str]
    credentials: list[ProfileCredential]
    contacts: list[ProfileContact]


async def program_profile(program_id: int) -> ProgramProfile:
    row = decorate(await program_row(program_id))
    cents = row["private_pay_cents"]
    today = await practice_today()
    credentials = [
        ProfileCredential(c["kind_label"], c["name"], c["number"], c["issuer"], c["expires_on"])
        for c in await list_credentials(program_id, today)
        if c["state"] != "expired"
    ]
    contacts = [
        ProfileContact(c["role_label"], c["name"], c["phone"], c["email"])
        for c in await list_contacts(program_id)
        if c["role"] in ("admissions", "family_liaison", "clinical")
    ]
    return ProgramProfile(
        name=row["name"],
        program_name=row["program_name"],
        parent_company=row["parent_company"],
        address_lines=row["address_lines"],
        phone_main=row["phone_main"],
        phone_admissions=row["phone_admissions"],
        phone_crisis=row["phone_crisis"],
        website=row["website"],
        program_types=row["program_types_labels"],
        levels_of_care=row["levels_of_care_labels"],
        populations=row["populations_labels"],
        ages=row["ages"],
        genders=row["genders_labels"],
        languages=row["languages_labels"],
        conditions=row["conditions_labels"],
        approaches=row["approaches_labels"],
        length_of_stay=row["length_of_stay"],
        beds=row["beds"],
        psychiatry=row["psychiatry"],
        nursing=row["nursing"],
        academics=row["academics"],
        exclusion_criteria=row["exclusion_criteria"],
        payment=row["payment_labels"],
        in_network_insurers=list(row["in_network_insurers"] or []),
        accepts_out_of_network=bool(row["accepts_out_of_network"]),
        private_pay=f"{money(cents)} {row['private_pay_unit_label']}" if cents is not None else "",
        private_pay_includes=row["private_pay_includes"] if cents is not None else "",
        accreditations=row["accreditations_labels"],
        credentials=credentials,
        contacts=contacts,
    )


def _environment() -> Environment:
    environment = Environment(loader=FileSystemLoader(PDF_TEMPLATES), autoescape=select_autoescape(default=True))
    environment.filters.update(date=format_date)
    return environment


_ENVIRONMENT = _environment()


def html_to_pdf(html: str) -> bytes:
    """Blocking (a worker thread): the renderer fetches nothing but data: URLs."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols=["data"], allow_redirects=False)
    with _RENDERING:
        return bytes(HTML(string=html, url_fetcher=fetcher, base_url=None).write_pdf())


async def profile_pdf(principal: Principal, program_id: int) -> tuple[bytes, str]:
    """(PDF bytes, a file name) of the program's profile for a family."""
    require(principal, Action.NETWORK_READ)
    profile = await program_profile(program_id)
    practice = await get_practice()
    html = _ENVIRONMENT.get_template("profile.html").render(
        p=profile, practice_name=practice.name, prepared_on=await practice_today()
    )
    data = await anyio.to_thread.run_sync(html_to_pdf, html)
    await audit.record(principal, "program.profile.pdf", resource_type="program", resource_id=program_id)
    slug = "".join(ch if ch.isalnum() else "-" for ch in profile.name.lower()).strip("-")[:60] or "program"
    return data, f"{slug}-profile.pdf"
