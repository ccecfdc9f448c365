"""The superbill PDF (WeasyPrint), rendered from the frozen snapshot of an issued superbill, so a later edit of a
profile, a plan or the catalogue never changes a document already given to a family.

Page 1 is a cover for the family: how to submit it and what to expect (an estimate is never a promise). Then the
superbill itself, every field labelled with its CMS-1500 box so an insurer's clerk can key it: provider (31, 24J,
33, 33a, 33b, 25), patient (2, 3, 5), insured (1a, 4, 6, 7, 11), diagnoses (21), lines (24A–24G), totals (28, 29),
statement number and issue date (26), accept assignment = No (27), the clinician's signature (31). Page numbers
come from the CSS @page counter. Nothing of a note or a time entry's description is in the snapshot, so none can
reach the PDF. The renderer is the invoices' one (`portal.billing.pdf`): no network, data: URLs only.
"""

from __future__ import annotations

import base64
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


_ENVIRONMENT = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True))
_ENVIRONMENT.filters.update(money=money, us_date=us_date, long_date=long_date)
_ENVIRONMENT.globals.update(places=PLACES_OF_SERVICE, plan_types=PLAN_TYPES, relationships=RELATIONSHIPS)


def superbill_html(snapshot: dict[str, Any], signature: str = "", *, cover: bool = True) -> str:
    """`signature`: a data: URL of the clinician's signature image, or empty. `cover`: the family's cover page
    first (every issued superbill has it; without it, only the superbill page, e.g. to time it)."""
    return _ENVIRONMENT.get_template("pdf.html").render(s=snapshot, signature=signature, cover=cover)


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
