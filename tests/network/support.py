"""Helpers for the program-network tests: a fixed "now", acting as a person, a complete program form, and
programs walked through the vetting workflow by the services."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from typing import Any

from portal.network import credentials, programs, vetting
from portal.network.tables import Program
from portal.network.vocabulary import DESK_CHECKS
from portal.policy import Principal, Role

# Friday 20 November 2026, 15:00 UTC = 10:00 in New York (the practice's time zone).
NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
TODAY = date(2026, 11, 20)

XSS = "<script>alert(1)</script>"
XSS_IMG = '"><img src=x onerror=alert(2)>'

PROGRAM_FORM: dict[str, Any] = {
    "name": "Pine Ridge Recovery",
    "program_name": "Young Adult Residential",
    "parent_company": "Evergreen Health Partners",
    "phone_main": "(434) 555-0100",
    "phone_admissions": "(434) 555-0101",
    "website": "pineridge.example",
    "street1": "12 Ridge Road",
    "city": "Charlottesville",
    "state": "VA",
    "zip_code": "22902",
    "program_types": ["residential", "co_occurring"],
    "levels_of_care": ["asam3:3.5", "asam3:3.1"],
    "populations": ["young_adults"],
    "genders": ["all"],
    "languages": ["english", "spanish"],
    "conditions": ["co_occurring", "trauma", "opioids"],
    "approaches": ["dbt", "mat_accepted", "family_program"],
    "payment": ["private_pay", "out_of_network"],
    "accreditations": ["joint_commission"],
    "age_min": "18",
    "age_max": "26",
    "length_of_stay": "60–90 days",
    "beds": "24",
    "psychiatry": "Psychiatrist on site twice a week",
    "nursing": "Nursing 24/7",
    "academics": "",
    "exclusion_criteria": "No active psychosis; medically stable.",
    "exclusions": ["active_psychosis"],
    "in_network_insurers": "Aetna\nCigna",
    "accepts_out_of_network": "on",
    "private_pay": "32,000",
    "private_pay_unit": "month",
    "private_pay_includes": "Room, board, therapy, psychiatry",
}


def acting(person: dict[str, Any]) -> Principal:
    return Principal(user_id=person["id"], role=Role(person["role"]), email=person["email"], name=person["name"])


async def add_program(person: dict[str, Any], **changes: Any) -> int:
    return await programs.create_program(acting(person), {**PROGRAM_FORM, **changes})


async def program(program_id: int) -> dict[str, Any]:
    row = await Program.select().where(Program.id == program_id).output(load_json=True).first()
    assert row is not None
    return row


async def add_license(person: dict[str, Any], program_id: int, expires_on: date, **changes: Any) -> int:
    data = {
        "kind": "license",
        "name": "VA DBHDS residential SUD license",
        "number": "RSUD-1234",
        "issuer": "Virginia DBHDS",
        "expires_on": expires_on.isoformat(),
        "verified_on": "2026-11-02",
        "source": "https://dbhds.virginia.gov/licensing",
        **changes,
    }
    return await credentials.add_credential(acting(person), program_id, data)


def all_checks(result: str = "pass") -> list[dict[str, Any]]:
    return [
        {"check": key, "result": result, "evidence": f"Looked up {key} on 2026-11-19", "file": None}
        for key in DESK_CHECKS
    ]


SITE_VISIT: dict[str, Any] = {
    "visited_on": "2026-11-18",
    "mode": "in_person",
    "hours": "5",
    "check_safety": "good",
    "check_clinical_staff": "good",
    "check_milieu": "concern",
    "notes": "Met the clinical director; milieu skews older.",
}

DECISION: dict[str, Any] = {
    "decision": "approved",
    "levels": ["asam3:3.5"],
    "populations": ["young_adults"],
    "conditions": ["co_occurring"],
    "rationale": "Desk review clean; strong co-occurring track.",
    "next_review_on": "2027-11-20",
}


async def approve(person: dict[str, Any], program_id: int, **decision: Any) -> int:
    """Open a review, pass every desk check, visit, and approve."""
    principal = acting(person)
    await vetting.open_review(principal, program_id, {"reason": "initial", "intake_source": "Referred by Dr. Reyes"})
    await vetting.record_desk_checks(principal, program_id, all_checks())
    await vetting.record_site_visit(principal, program_id, {**SITE_VISIT, "visitor": str(person["id"])})
    return await vetting.record_decision(principal, program_id, {**DECISION, **decision})


def png_bytes() -> bytes:
    """A real 2x2 PNG."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))
    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def form_of(**changes: Any) -> dict[str, Any]:
    """The program form as a browser posts it (lists for checkbox groups)."""
    return {**PROGRAM_FORM, **changes}


async def audit_actions(prefix: str) -> list[str]:
    from portal.audit.tables import AuditEvent

    rows = (
        await AuditEvent.select(AuditEvent.action).where(AuditEvent.action.like(prefix + "%")).order_by(AuditEvent.seq)
    )
    return [r["action"] for r in rows]
