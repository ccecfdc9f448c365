"""The billing JSON API: agreements, invoices, offline payments and the progress of monthly runs.

Lists paginate with `page` and `per_page` and filter only on an allowlist; an id nobody has answers 404.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.status_codes import HTTP_201_CREATED

from portal.billing import agreement_views, agreements, invoicing, ledger, run, run_views
from portal.billing.ledger import InvoiceDetail
from portal.billing.schemas import (
    AgreementCreate,
    AgreementOut,
    BillingRunCreate,
    BillingRunOut,
    CreditNoteOut,
    InvoiceLineOut,
    InvoiceOut,
    InvoiceSummaryOut,
    Page,
    PaymentCreate,
    PaymentOut,
    PaymentRecorded,
    RefundOut,
    skipped_out,
)
from portal.errors import Invalid
from portal.policy import Action, guard
from portal.web import current_principal, reject_unknown_query

PageNumber = Annotated[int, QueryParameter(ge=1, le=100_000, description="Page number, from 1")]
PerPage = Annotated[int, QueryParameter(ge=1, le=100, description="Items per page (at most 100)")]

# The services read form fields; the API names them as they appear in its JSON.
AGREEMENT_FIELD_NAMES = {
    "client": "client_id",
    "payer_relative": "payer_relative_id",
    "monthly_fee": "monthly_fee_cents",
    "overage_rate": "overage_rate_cents",
    "rollover_max_hours": "rollover_max_hours",
}


def _renamed(exc: Invalid, names: dict[str, str]) -> Invalid:
    return Invalid(**{names.get(key, key): message for key, message in exc.field_errors.items()})


def _dollars(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def agreement_out(row: dict[str, Any]) -> AgreementOut:
    return AgreementOut(
        id=row["id"],
        client_id=row["client"],
        status=row["status"],
        payer_relative_id=row["payer_relative"],
        payer_name=row["payer"],
        payer_email=row["payer_contact"],
        monthly_fee_cents=row["monthly_fee_cents"],
        start_date=row["start_date"],
        end_date=row["end_date"],
        billing_day=row["billing_day"],
        included_hours=row["included_hours"],
        overage_rate_cents=row["overage_rate_cents"],
        rollover_max_hours=row["rollover_max_hours"],
        autopay=row["autopay"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def invoice_summary(row: dict[str, Any]) -> InvoiceSummaryOut:
    return InvoiceSummaryOut(
        id=row["id"],
        number=row["number"],
        period=row["period"],
        client_id=row["client"],
        total_cents=row["total_cents"],
        status=row["status"],
        balance_cents=row["balance_cents"],
        due_on=row["due_on"],
    )


def payment_out(row: dict[str, Any]) -> PaymentOut:
    return PaymentOut(
        id=row["id"],
        invoice_id=row["invoice"],
        amount_cents=row["amount_cents"],
        method=row["method"],
        reference=row["reference"],
        received_on=row["received_on"],
        refunded_cents=row["refunded_cents"],
    )


def invoice_out(detail: InvoiceDetail) -> InvoiceOut:
    invoice = detail.invoice
    return InvoiceOut(
        id=invoice["id"],
        number=invoice["number"],
        period=invoice["period"],
        client_id=invoice["client"],
        agreement_id=invoice["agreement"],
        status=invoice["status"],
        payer_name=invoice["payer_name"],
        payer_email=invoice["payer_email"],
        issued_on=invoice["issued_on"],
        due_on=invoice["due_on"],
        total_cents=invoice["total_cents"],
        paid_cents=invoice["paid_cents"],
        refunded_cents=invoice["refunded_cents"],
        credited_cents=invoice["credited_cents"],
        balance_cents=detail.balance_cents,
        lines=[
            InvoiceLineOut(
                position=line["position"],
                kind=line["kind"],
                description=line["description"],
                quantity=line["quantity"],
                unit_amount_cents=line["unit_amount_cents"],
                amount_cents=line["amount_cents"],
            )
            for line in detail.lines
        ],
        payments=[payment_out(p) for p in detail.payments],
        credit_notes=[
            CreditNoteOut(id=c["id"], amount_cents=c["amount_cents"], reason=c["reason"], created_at=c["created_at"])
            for c in detail.credits
        ],
        refunds=[
            RefundOut(
                id=r["id"],
                payment_id=r["payment"],
                amount_cents=r["amount_cents"],
                reason=r["reason"],
                created_at=r["created_at"],
            )
            for r in detail.refunds
        ],
    )


def run_out(progress: run_views.RunProgress) -> BillingRunOut:
    row = progress.run
    return BillingRunOut(
        id=row["id"],
        period=row["period"],
        status=row["status"],
        total=row["total"],
        done=row["done"],
        created=row["created"],
        existing=row["existing"],
        skipped=skipped_out(progress.skipped),
        error=row["error"],
        created_at=row["created_at"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
    )


class AgreementsApiController(Controller):
    path = "/api/v1/agreements"
    tags = ["billing"]
    guards = [guard(Action.BILLING_READ)]

    @get("/")
    async def list_agreements(
        self,
        request: Request[Any, Any, Any],
        page: PageNumber = 1,
        per_page: PerPage = 25,
        status: FromQuery[str | None] = None,
        client: FromQuery[int | None] = None,
    ) -> Page[AgreementOut]:
        """Retainer agreements, newest first. Filters: `status` (draft, active, paused, ended), `client` (id)."""
        reject_unknown_query(request, {"status", "client"})
        status_filter, client_filter = agreement_views.check_list_filters({"status": status, "client": client})
        rows, total = await agreement_views.list_agreements(
            current_principal(request), status=status_filter, client=client_filter, page=page, per_page=per_page
        )
        return Page(items=[agreement_out(row) for row in rows], page=page, per_page=per_page, total=total)

    @post("/", status_code=HTTP_201_CREATED, guards=[guard(Action.BILLING_WRITE)])
    async def create_agreement(self, request: Request[Any, Any, Any], data: JSONBody[AgreementCreate]) -> AgreementOut:
        """Create a retainer agreement (a draft). The payer is a relative (`payer_relative_id`) or an outside
        payer (`payer_name`, `payer_email`). Amounts in cents."""
        values = {
            "client": data.client_id,
            "payer_relative": data.payer_relative_id,
            "payer_name": data.payer_name,
            "payer_email": data.payer_email,
            "monthly_fee": _dollars(data.monthly_fee_cents),
            "start_date": data.start_date,
            "end_date": data.end_date,
            "billing_day": data.billing_day,
            "included_hours": data.included_hours,
            "overage_rate": _dollars(data.overage_rate_cents),
            "rollover_max_hours": data.rollover_max_hours,
            "autopay": data.autopay,
        }
        try:
            agreement_id = await agreements.create_agreement(current_principal(request), values)
        except Invalid as exc:
            raise _renamed(exc, AGREEMENT_FIELD_NAMES) from None
        return agreement_out(await agreement_views.load_agreement(agreement_id))


class InvoicesApiController(Controller):
    path = "/api/v1/invoices"
    tags = ["billing"]
    guards = [guard(Action.BILLING_READ)]

    @get("/")
    async def list_invoices(
        self,
        request: Request[Any, Any, Any],
        page: PageNumber = 1,
        per_page: PerPage = 25,
        period: FromQuery[str | None] = None,
        status: FromQuery[str | None] = None,
        client: FromQuery[int | None] = None,
    ) -> Page[InvoiceSummaryOut]:
        """Invoices, newest first. Filters: `period` (YYYY-MM), `status` (draft, open, paid, void, uncollectible,
        past_due), `client` (id)."""
        reject_unknown_query(request, {"period", "status", "client"})
        filters = ledger.check_filters({"period": period, "status": status, "client": client})
        rows, total = await ledger.list_invoices(current_principal(request), filters, page=page, per_page=per_page)
        return Page(items=[invoice_summary(row) for row in rows], page=page, per_page=per_page, total=total)

    @get("/{invoice_id:int}")
    async def get_invoice(self, request: Request[Any, Any, Any], invoice_id: FromPath[int]) -> InvoiceOut:
        """One invoice with its lines, payments, credit notes and refunds."""
        return invoice_out(await ledger.invoice_detail(current_principal(request), invoice_id))

    @post("/{invoice_id:int}/payments", status_code=HTTP_201_CREATED, guards=[guard(Action.BILLING_WRITE)])
    async def record_payment(
        self, request: Request[Any, Any, Any], invoice_id: FromPath[int], data: JSONBody[PaymentCreate]
    ) -> PaymentRecorded:
        """Record an offline payment (check, wire, ach, cash) against an open invoice; no more than its balance."""
        principal = current_principal(request)
        ledger.check_id(invoice_id, "invoice")
        await invoicing.get_invoice(invoice_id)
        payment_id = await invoicing.record_offline_payment(
            principal,
            invoice_id,
            {
                "amount_cents": data.amount_cents,
                "method": data.method,
                "reference": data.reference,
                "received_on": data.received_on,
            },
        )
        detail = await ledger.invoice_detail(principal, invoice_id, audit_action="")
        payment = next(p for p in detail.payments if p["id"] == payment_id)
        return PaymentRecorded(payment=payment_out(payment), invoice=invoice_summary(detail.invoice))


class BillingRunsApiController(Controller):
    path = "/api/v1/billing/runs"
    tags = ["billing"]
    guards = [guard(Action.BILLING_READ)]

    @post("/", status_code=HTTP_201_CREATED, guards=[guard(Action.BILLING_WRITE)])
    async def start_run(self, request: Request[Any, Any, Any], data: JSONBody[BillingRunCreate]) -> BillingRunOut:
        """Queue the monthly run of a period; the worker runs it. Poll GET /api/v1/billing/runs/{id}."""
        principal = current_principal(request)
        run_id = await run.queue_billing_run(principal, data.period)
        return run_out(await run_views.run_progress(principal, run_id))

    @get("/{run_id:int}")
    async def get_run(self, request: Request[Any, Any, Any], run_id: FromPath[int]) -> BillingRunOut:
        """A run's progress (`done` of `total`) and, once done, its summary: created, existing, skipped."""
        return run_out(await run_views.run_progress(current_principal(request), run_id))
