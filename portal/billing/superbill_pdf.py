"""The superbill PDF (WeasyPrint), rendered from the frozen snapshot of an issued superbill, so a later edit of a
profile, a plan or the catalogue never changes a document already given to a family.

Page 1 is a cover for the family: how to submit it and what to expect (an estimate is never a promise). Then the
superbill itself, every field labelled with its CMS-1500 box so an insurer's clerk can key it: provider (31, 24J,
33, 33a, 33b, 25), patient (2, 3, 5), insured (1a, 4, 6, 7, 11), diagnoses (21), lines (24A–24G), totals (28, 29),
statement number and issue date (26), accept assignment = No (27), the clinician's signature (31). Page numbers
come from the CSS @page counter. Nothing of a note or a time entry's description is in the snapshot, so none can
reach the PDF. The renderer is the invoices' one (`portal.billing.pdf`): no network, data: URLs only.

The data is set here in fixed-pitch columns, one preformatted block per section, as a CMS-1500 is printed (NUCC
asks for a fixed-pitch face so a clerk's eye or an OCR reader finds each field). It is also what makes the page
cheap: WeasyPrint spends most of a page's time per box (a table cell or an inline element costs ~0.7 ms), so a
ten-column table of 14 lines took ~100 ms; one block of aligned text takes a few (bench/superbills.py).
"""

from __future__ import annotations

import base64
import textwrap
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import anyio.to_thread
from jinja2 import Environment, FileSystemLoader, select_autoescape

from portal.billing.catalogue import PLACES_OF_SERVICE
from portal.billing.pdf import html_to_pdf, stylesheet
from portal.templating import money

TEMPLATES = Path(__file__).resolve().parent / "templates" / "superbills"
PLAN_TYPES = {"ppo": "PPO", "pos": "POS", "hmo": "HMO", "epo": "EPO", "other": "Other"}
RELATIONSHIPS = {"self": "Self", "spouse": "Spouse", "child": "Child", "other": "Other"}


def us_date(value: Any) -> str:
    """One date, MM/DD/YYYY as on a CMS-1500 (never a range)."""
    if not value:
        return "—"
    day = value if isinstance(value, date) else date.fromisoformat(str(value))
    return day.strftime("%m/%d/%Y")


def long_date(value: Any) -> str:
    if not value:
        return "—"
    day = value if isinstance(value, date) else date.fromisoformat(str(value))
    return day.strftime("%B %-d, %Y")


# (box, name, width, right-aligned) of the services block; widths in characters of the fixed-pitch face.
LINE_COLUMNS: tuple[tuple[str, str, int, bool], ...] = (
    ("24A", "Date", 10, False),
    ("24B", "POS", 3, False),
    ("24D", "Code", 5, False),
    ("24D", "Modifiers", 11, False),
    ("", "Description", 40, False),
    ("24E", "Dx ptr", 6, False),
    ("24G", "Units", 5, True),
    ("", "Minutes", 7, True),
    ("24F", "Charge", 10, True),
    ("", "Paid", 10, True),
)
GUTTER = "  "
FIELD_BOX, FIELD_LABEL, FIELD_VALUE = 3, 23, 33  # a half-page column: 3 + 2 + 23 + 2 + 33 characters


def _row(values: Sequence[str], columns: Sequence[tuple[str, str, int, bool]] = LINE_COLUMNS) -> str:
    cells = [
        value.rjust(width) if right else value.ljust(width)
        for value, (_, _, width, right) in zip(values, columns, strict=True)
    ]
    return GUTTER.join(cells).rstrip()


def field_block(fields: Sequence[tuple[str, str, Any]], value_width: int = FIELD_VALUE) -> str:
    """Rows of "box  label  value"; a long value wraps under itself (never under the label)."""
    indent = " " * (FIELD_BOX + FIELD_LABEL + 2 * len(GUTTER))
    rows = []
    for box, label, value in fields:
        parts = textwrap.wrap(str(value if value not in (None, "") else "—"), value_width) or ["—"]
        rows.append(GUTTER.join([box.ljust(FIELD_BOX), label.ljust(FIELD_LABEL), parts[0]]))
        rows.extend(indent + part for part in parts[1:])
    return "\n".join(rows)


def lines_block(lines: Sequence[dict[str, Any]]) -> tuple[str, str]:
    """The services as (header, body): one row per line, a long description wrapping in its own column, and the
    line's rendering NPI (24J) under it when more than one clinician rendered the month's services."""
    header = _row([box for box, _, _, _ in LINE_COLUMNS]) + "\n" + _row([name for _, name, _, _ in LINE_COLUMNS])
    several_npis = len({line.get("rendering_npi") for line in lines}) > 1
    description_width = LINE_COLUMNS[4][2]
    indent = " " * (sum(width for _, _, width, _ in LINE_COLUMNS[:4]) + 4 * len(GUTTER))
    rows = []
    for line in lines:
        description = textwrap.wrap(str(line["description"]), description_width) or [""]
        if several_npis:
            description.append(f"Rendering NPI (24J) {line.get('rendering_npi', '')}")
        rows.append(
            _row(
                [
                    us_date(line["service_date"]),
                    str(line["place_of_service"]),
                    str(line["code"]),
                    " ".join(line["modifiers"]),
                    description[0],
                    str(line["diagnosis_pointers"]),
                    str(line["units"]),
                    str(line["minutes"]),
                    money(line["charge_cents"]),
                    money(line["paid_cents"]),
                ]
            )
        )
        rows.extend(indent + part for part in description[1:])
    return header, "\n".join(rows)


_ENVIRONMENT = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True))
_ENVIRONMENT.filters.update(money=money, us_date=us_date, long_date=long_date, fields=field_block)
_ENVIRONMENT.globals.update(places=PLACES_OF_SERVICE, plan_types=PLAN_TYPES, relationships=RELATIONSHIPS)


def superbill_html(snapshot: dict[str, Any], signature: str = "", *, cover: bool = True) -> str:
    """`signature`: a data: URL of the clinician's signature image, or empty. `cover`: the family's cover page
    first (every issued superbill has it; without it, only the superbill page, e.g. to time it)."""
    lines_header, lines_body = lines_block(snapshot["lines"])
    return _ENVIRONMENT.get_template("pdf.html").render(
        s=snapshot,
        signature=signature,
        cover=cover,
        lines_header=lines_header,
        lines_body=lines_body,
        file_by=file_by(snapshot),
    )


def file_by(snapshot: dict[str, Any]) -> date | None:
    """The timely-filing deadline printed on the cover: the earliest date of service plus the plan's limit (the
    same rule as the claim tracker's, portal.billing.claims.deadline_from)."""
    from portal.billing.claims import deadline_from

    days = (snapshot.get("insured") or {}).get("timely_filing_days")
    dates = [date.fromisoformat(str(line["service_date"])[:10]) for line in snapshot.get("lines") or []]
    if not days or not dates:
        return None
    return deadline_from(min(dates), str(snapshot.get("period", "")), int(days))


def render_superbill_sync(snapshot: dict[str, Any], signature: str = "", *, cover: bool = True) -> bytes:
    """Blocking (a worker thread): the template's stylesheet (pdf.css) is parsed once per process."""
    html = superbill_html(snapshot, signature, cover=cover)
    return html_to_pdf(html, stylesheets=[stylesheet(TEMPLATES / "pdf.css")])


async def _signature(snapshot: dict[str, Any]) -> str:
    file_id = (snapshot.get("clinician") or {}).get("signature_file_id")
    if not file_id:
        return ""
    from portal.errors import NotFound
    from portal.files.services import get_info, read_bytes

    try:
        info = await get_info(int(file_id))
        if info.content_type not in {"image/png", "image/jpeg"}:
            return ""
        data = await read_bytes(info)
    except NotFound:
        return ""
    return f"data:{info.content_type};base64," + base64.b64encode(data).decode()


async def render_superbill(snapshot: dict[str, Any], *, cover: bool = True) -> bytes:
    signature = await _signature(snapshot)
    return await anyio.to_thread.run_sync(lambda: render_superbill_sync(snapshot, signature, cover=cover))
