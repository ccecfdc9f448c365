"""The superbill PDF read back with pypdf: the NPI, the tax id, each ICD-10 code, each date of service as a single
date, each code with its units and place of service, total paid and a zero balance, the CMS-1500 boxes, page
numbers and the family's cover page — and no note text, no time-entry description. A PNG of its first pages is
kept with the e2e artifacts (tests/e2e/artifacts/<engine>/superbill_pdf/)."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from portal.billing.superbills import issue_superbill, superbill_json, superbill_pdf_bytes
from portal.billing.tables import Superbill
from tests.billing.conftest import bea_principal
from tests.billing.pages_support import DEC_1
from tests.billing.superbill_support import CASEY_NPI, DIAGNOSES, EIN, ENTRY_TEXT, NOTE_TEXT, ready_november

ARTIFACTS = Path(__file__).resolve().parents[1] / "e2e" / "artifacts" / os.environ.get("PORTAL_TEST_ENGINE", "sqlite")


@pytest.fixture(autouse=True)
def december(clock: Any) -> Any:
    clock.set(DEC_1)
    return clock


def text_of(data: bytes) -> str:
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


async def test_the_superbill_pdf(
    db: None, bea: dict[str, Any], casey: dict[str, Any], jordan: dict[str, Any], jordan_agreement: int
) -> None:
    await ready_november(bea, casey, jordan, jordan_agreement)
    superbill_id = await issue_superbill(bea_principal(bea), jordan["id"], "2026-11")
    data = await superbill_pdf_bytes(bea_principal(bea), superbill_id)
    text = text_of(data)
    row = await Superbill.select().where(Superbill.id == superbill_id).first()
    assert row is not None and row["pdf"] is not None  # stored as a file when issued

    assert CASEY_NPI in text and "Casey Morales, LCSW" in text
    assert EIN in text and "Tax id (EIN)" in text
    for code in DIAGNOSES:
        assert code in text, code
    # Each line: one date (never a range), its place of service, code, units — see NOVEMBER_TIME.
    for line in (
        "11/03/2026 11 T1016 HO Case management, each 15 minutes ABC 3 45",
        "11/05/2026 11 T1016 HO Case management, each 15 minutes ABC 2 23",
        "11/10/2026 11 99368",
        "11/17/2026 11 99366",
        "11/24/2026 11 G9012 Other specified case management service ABC 3 38",
    ):
        assert line in text, line
    assert "11/12/2026" not in text  # 7 minutes earn no unit
    assert not re.search(r"\d{2}/\d{2}/\d{4} ?[-–] ?\d{2}/\d{2}/\d{4}", text)  # no date range anywhere
    # $8,500 paid is more than the lines at full rate ($805): each line paid at full rate, zero balance.
    assert "Total charge $805.00" in text and "Amount paid $805.00" in text and "Balance due $0.00" in text
    assert "Accept assignment No" in text
    for box in ("24A", "24B", "24D", "24E", "24F", "24G", "24J", "21", "25", "26", "27", "28", "29", "31", "33", "1a"):
        assert box in text, box
    assert "Jordan Rivera" in text and "HZN123456789" in text and "GRP-7781" in text
    assert "How to submit it" in text and "Horizon Claims, PO Box 1609" in text  # the family's cover page
    # The filing deadline on the cover: the earliest date of service (November 3rd) plus the plan's 180 days.
    assert "180 days from each date of service, so by May 2, 2027 for all of them" in text
    assert "Page 1 of 2" in text and "Page 2 of 2" in text
    assert "Paid in full: $8,500.00 received 12/02/2026 (a monthly retainer; $805.00 of it applies" in text
    for secret in (NOTE_TEXT, ENTRY_TEXT, "relapse", "Blue Ridge", "Weekly call"):
        assert secret not in text, secret

    document = await superbill_json(bea_principal(bea), superbill_id)
    assert document["statement_number"] == row["statement_number"] and document["accept_assignment"] is False
    assert [line["service_date"] for line in document["lines"]][:2] == ["2026-11-03", "2026-11-05"]
    assert document["totals"] == {"charge_cents": 80500, "paid_cents": 80500, "balance_cents": 0}
    assert ENTRY_TEXT not in str(document) and NOTE_TEXT not in str(document)

    _keep_png(data)


def _keep_png(data: bytes) -> None:
    """Page 1 (the cover) and page 2 (the superbill) as PNGs next to the e2e screenshots, for a person to look at."""
    if shutil.which("pdftoppm") is None:  # pragma: no cover (installed on every machine that runs the suite)
        pytest.fail("pdftoppm (poppler-utils) is needed to keep a picture of the superbill.")
    directory = ARTIFACTS / "superbill_pdf"
    directory.mkdir(parents=True, exist_ok=True)
    pdf = directory / "superbill.pdf"
    pdf.write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "2", str(pdf), str(directory / "page")],
        check=True,
        timeout=60,
    )
    pages = sorted(directory.glob("page-*.png"))
    assert len(pages) == 2 and all(page.stat().st_size > 10_000 for page in pages)


async def test_a_retainer_below_the_full_rate_is_spread_pro_rata(
    db: None, bea: dict[str, Any], casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    """A $500 retainer for $805 of services at full rate: each line's charge is its share of $500, to the cent."""
    from portal.cases.tables import Relative
    from tests.billing.conftest import make_agreement

    pat = await Relative.select().where(Relative.email == "pat@example.com").first()
    agreement = await make_agreement(
        bea_principal(bea), jordan["id"], payer_relative=pat["id"], payer_name="", payer_email="", monthly_fee="500"
    )
    await ready_november(bea, casey, jordan, agreement)
    superbill_id = await issue_superbill(bea_principal(bea), jordan["id"], "2026-11")
    document = await superbill_json(bea_principal(bea), superbill_id)
    charges = [line["charge_cents"] for line in document["lines"]]
    assert sum(charges) == 50000 and document["totals"]["balance_cents"] == 0
    assert all(line["charge_cents"] == line["paid_cents"] <= line["full_rate_cents"] for line in document["lines"])
    # 3 units of T1016 at $60 = $180 of $805 → $111.80; the last cent goes by largest remainder.
    assert charges[0] == 11180
    text = text_of(await superbill_pdf_bytes(bea_principal(bea), superbill_id))
    assert "Total charge $500.00" in text and "Amount paid $500.00" in text and "Balance due $0.00" in text


async def test_lines_of_two_clinicians_name_each_rendering_npi(
    db: None, bea: dict[str, Any], casey: dict[str, Any], morgan: dict[str, Any], jordan: dict[str, Any],
    jordan_agreement: int,
) -> None:  # fmt: skip
    from datetime import date

    from portal.billing import clinicians
    from tests.billing.superbill_support import log_time

    await ready_november(bea, casey, jordan, jordan_agreement)
    await clinicians.save_clinician(
        bea_principal(bea),
        morgan["id"],
        {"display_name": "Morgan Lee, LMHC", "credentials": "LMHC", "npi": "1555555550"},
    )
    await log_time(jordan["id"], morgan["id"], date(2026, 11, 3), 30, "care_coordination")
    superbill_id = await issue_superbill(bea_principal(bea), jordan["id"], "2026-11")
    text = text_of(await superbill_pdf_bytes(bea_principal(bea), superbill_id))
    # Casey logged more minutes: Casey signs; Morgan's line of the same day and code stands on its own.
    assert "Casey Morales, LCSW" in text and "Rendering NPI (24J) 1555555550" in text
    assert text.count("Rendering NPI (24J) 1234567893") == 5
    # The NPI is printed under its own line's description, after the line's columns.
    assert re.search(r"11/03/2026 11 T1016 HO Case management, each 15 minutes ABC 2 30 \$[\d.,]+ \$[\d.,]+ "
                     r"Rendering NPI \(24J\) 1555555550", text)  # fmt: skip


def test_a_long_description_wraps_in_its_own_column() -> None:
    """Fixed-pitch services block: a description longer than its column continues under itself, so the units,
    charge and paid columns stay aligned and no word of it is lost."""
    from portal.billing.superbill_pdf import LINE_COLUMNS, lines_block

    description = "Interprofessional telephone and internet consultation with a program's attending psychiatrist"
    line = {"service_date": "2026-11-03", "place_of_service": "02", "code": "99451", "modifiers": ["HO"],
            "description": description, "diagnosis_pointers": "AB", "units": 1, "minutes": 35,
            "charge_cents": 12_000, "paid_cents": 12_000, "rendering_npi": "1234567893"}  # fmt: skip
    header, body = lines_block([line, {**line, "description": "Case management", "service_date": "2026-11-04"}])
    rows = body.split("\n")
    assert len(rows) == 4  # the long description takes three rows; the short one, one
    description_start = header.split("\n")[1].index("Description")
    assert rows[0].startswith("11/03/2026  02   99451  HO") and rows[0].endswith("$120.00")
    assert all(row[:description_start].strip() == "" for row in rows[1:3])
    assert " ".join(row.strip() if i else row[description_start:][: LINE_COLUMNS[4][2]].strip()
                    for i, row in enumerate(rows[:3])) == description  # fmt: skip
    assert rows[3].index("$120.00") == rows[0].index("$120.00")  # the money columns line up
