"""PDFs with WeasyPrint: invoices, payer statements, payment receipts and Good Faith Estimates.

HTML from Jinja templates (templates/pdf/, autoescaped) becomes a PDF in a worker thread, never on the event loop
(a page takes ~100 ms of CPU), at most two at a time. The renderer fetches nothing: no network, no files, only
data: URLs. Only DejaVu fonts exist on the servers; the font is set on `html` so page-margin boxes (page numbers)
inherit it. Nothing clinical goes in: lines read "Case management services — November 2026".
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import anyio.to_thread
from jinja2 import Environment, FileSystemLoader, select_autoescape

from portal.billing.gfe import GoodFaithEstimate
from portal.billing.invoicing import PAYMENT_METHODS
from portal.billing.ledger import InvoiceDetail, Statement
from portal.billing.profile import PracticeProfile, get_profile
from portal.templating import format_date, format_datetime, money

TEMPLATES = Path(__file__).resolve().parent / "templates" / "pdf"
# At most two renders at once, whatever the event loop (a lock held in the worker thread, never on the loop).
_RENDERING = threading.BoundedSemaphore(2)


def _environment() -> Environment:
    environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True))
    environment.filters.update(money=money, date=format_date, datetime=format_datetime)
    environment.globals["payment_methods"] = PAYMENT_METHODS
    return environment


_ENVIRONMENT = _environment()


@functools.cache
def font_configuration() -> Any:
    """One WeasyPrint FontConfiguration per process, shared by every render (and the stylesheets parsed with it)."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


@functools.cache
def stylesheet(path: Path) -> Any:
    """A CSS file parsed once per process, for `html_to_pdf(..., stylesheets=[...])`."""
    from weasyprint import CSS

    return CSS(string=path.read_text(encoding="utf-8"), font_config=font_configuration())


def html_to_pdf(html: str, stylesheets: Sequence[Any] = ()) -> bytes:
    """Blocking: call through `render` (a worker thread). `stylesheets`: pre-parsed `stylesheet(...)` objects."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols=["data"], allow_redirects=False)
    with _RENDERING:
        document = HTML(string=html, url_fetcher=fetcher, base_url=None)
        if not stylesheets:
            return bytes(document.write_pdf())
        return bytes(document.write_pdf(stylesheets=list(stylesheets), font_config=font_configuration()))


def render_html(template: str, **context: Any) -> str:
    return _ENVIRONMENT.get_template(template).render(**context)


async def render(template: str, **context: Any) -> bytes:
    html = render_html(template, **context)
    return await anyio.to_thread.run_sync(html_to_pdf, html)


async def render_invoice(detail: InvoiceDetail, profile: PracticeProfile | None = None) -> bytes:
    return await render("invoice.html", d=detail, invoice=detail.invoice, practice=profile or await get_profile())


async def render_statement(statement: Statement, profile: PracticeProfile | None = None) -> bytes:
    return await render("statement.html", s=statement, practice=profile or await get_profile())


async def render_receipt(
    payment: dict[str, Any], detail: InvoiceDetail, profile: PracticeProfile | None = None
) -> bytes:
    return await render(
        "receipt.html", payment=payment, d=detail, invoice=detail.invoice, practice=profile or await get_profile()
    )


async def render_good_faith_estimate(estimate: GoodFaithEstimate, profile: PracticeProfile | None = None) -> bytes:
    return await render("good_faith_estimate.html", e=estimate, practice=profile or await get_profile())
