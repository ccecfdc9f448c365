"""One payment gateway interface, two implementations: offline (the default: staff record payments) and Stripe
(when PORTAL_STRIPE_SECRET_KEY is set). Domain code calls `current()` and never knows which it got."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

from portal.settings import get_settings


@dataclass(frozen=True)
class IssueResult:
    stripe_invoice_id: str = ""
    hosted_url: str = ""


@dataclass(frozen=True)
class RefundResult:
    stripe_refund_id: str | None = None


class PaymentGateway(Protocol):
    name: str

    async def issue(self, invoice: dict[str, Any], lines: list[dict[str, Any]]) -> IssueResult: ...

    async def void(self, invoice: dict[str, Any]) -> None: ...

    async def refund(self, payment: dict[str, Any], amount_cents: int, refund_key: str) -> RefundResult: ...

    async def charge_saved_method(self, invoice: dict[str, Any]) -> bool: ...


class OfflineGateway:
    """No card processor: invoices are issued in the portal; staff record checks, wires, ACH and cash."""

    name = "offline"
    # Issuing calls nothing outside the portal, so the monthly run creates and issues each invoice in one
    # transaction (invoicing.IssueNow). A gateway without this attribute issues after the invoice is committed.
    issues_locally = True

    async def issue(self, invoice: dict[str, Any], lines: list[dict[str, Any]]) -> IssueResult:
        return IssueResult()

    async def void(self, invoice: dict[str, Any]) -> None:
        return None

    async def refund(self, payment: dict[str, Any], amount_cents: int, refund_key: str) -> RefundResult:
        # Money goes back by the route it came (a check, a wire); the portal records that it did.
        return RefundResult()

    async def charge_saved_method(self, invoice: dict[str, Any]) -> bool:
        return False


_override: PaymentGateway | None = None


def current() -> PaymentGateway:
    if _override is not None:
        return _override
    settings = get_settings()
    if settings.stripe_secret_key:
        from portal.billing.stripe_gateway import StripeGateway

        return StripeGateway(settings.stripe_secret_key, settings.stripe_api_base)
    return OfflineGateway()


def use(gateway: PaymentGateway | None) -> None:
    """Tests and benchmarks choose the gateway explicitly."""
    global _override
    _override = gateway


@contextmanager
def using(gateway: PaymentGateway) -> Iterator[None]:
    """This gateway for the block, then whichever was in use before (the demo bills offline this way)."""
    previous = _override
    use(gateway)
    try:
        yield
    finally:
        use(previous)
