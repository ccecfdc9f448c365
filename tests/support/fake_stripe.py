"""A small fake of the Stripe API for tests: the real `stripe` SDK talks to it over HTTP (DESIGN.md §3).

It answers the endpoints the portal calls with Stripe-shaped JSON, parses the SDK's form encoding
(`metadata[portal_invoice_id]=12`), replays Idempotency-Keys the way Stripe does (same key and parameters:
the stored response; same key, other parameters: 400), records every request for assertions, injects faults
(`fail_next`: a 500 before the endpoint runs, which Stripe does not store, or a response held back past the
client's timeout after the work was done and stored), declines charges on request, and serves a hosted
invoice page whose Pay button marks the invoice paid and POSTs a signed `invoice.paid` webhook to the portal.
"""

from __future__ import annotations

import html
import json
import re
import secrets
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import stripe

API_VERSION = "2026-10-28.endive"
Answer = tuple[int, dict[str, Any]]


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: str
    params: dict[str, Any]

    @property
    def idempotency_key(self) -> str | None:
        return self.headers.get("idempotency-key")


@dataclass
class Fault:
    method: str
    path: re.Pattern[str]
    times: int
    mode: str  # "error": 500 before the endpoint runs; "timeout": do the work, answer after `delay` seconds
    delay: float = 0.0


@dataclass
class Stored:
    method: str
    path: str
    params: dict[str, Any]
    status: int
    body: dict[str, Any]


def parse_form(text: str) -> dict[str, Any]:
    """`a[b][0]=x&c=y` → {"a": {"b": ["x"]}, "c": "y"} (the SDK's encoding of nested parameters)."""
    root: dict[str, Any] = {}
    for key, value in parse_qsl(text, keep_blank_values=True):
        parts = [name or index for name, index in re.findall(r"([^\[\]]+)|\[([^\[\]]*)\]", key)]
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return _listify(root)


def _listify(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    converted = {key: _listify(value) for key, value in node.items()}
    if converted and all(key.isdigit() for key in converted):
        return [converted[key] for key in sorted(converted, key=int)]
    return converted


def _error(status: int, kind: str, message: str, **extra: Any) -> Answer:
    return status, {"error": {"type": kind, "message": message, **extra}}


class FakeStripe:
    def __init__(self, *, webhook_secret: str = "whsec_test", webhook_url: str | None = None) -> None:
        self.webhook_secret = webhook_secret
        self.webhook_url = webhook_url
        self.lock = threading.RLock()
        self.requests: list[RecordedRequest] = []
        self.objects: dict[str, dict[str, dict[str, Any]]] = {
            kind: {} for kind in ("customer", "invoiceitem", "invoice", "payment_intent", "charge", "refund")
        }
        self.events: list[dict[str, Any]] = []
        self.deliveries: list[tuple[str, int]] = []  # (event id, the portal's status) for webhooks it POSTed
        self._stored: dict[str, Stored] = {}
        self._faults: list[Fault] = []
        self._declines = 0
        self._numbers = 0
        self._server: ThreadingHTTPServer | None = None
        self._routes: list[tuple[str, re.Pattern[str], Callable[..., Answer]]] = [
            ("POST", re.compile(r"/v1/customers"), self._create_customer),
            ("GET", re.compile(r"/v1/customers/(?P<id>[\w]+)"), self._retrieve("customer")),
            ("POST", re.compile(r"/v1/invoiceitems"), self._create_invoice_item),
            ("POST", re.compile(r"/v1/invoices"), self._create_invoice),
            ("GET", re.compile(r"/v1/invoices/(?P<id>in_\w+)"), self._retrieve("invoice")),
            ("DELETE", re.compile(r"/v1/invoices/(?P<id>in_\w+)"), self._delete_invoice),
            ("POST", re.compile(r"/v1/invoices/(?P<id>in_\w+)/finalize"), self._finalize_invoice),
            ("POST", re.compile(r"/v1/invoices/(?P<id>in_\w+)/void"), self._void_invoice),
            ("POST", re.compile(r"/v1/invoices/(?P<id>in_\w+)/pay"), self._pay_invoice),
            ("POST", re.compile(r"/v1/refunds"), self._create_refund),
        ]

    # ------------------------------------------------------------------ lifecycle

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the fake first"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> FakeStripe:
        fake = self

        class Handler(_Handler):
            stripe = fake

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        server.block_on_close = False
        self._server = server
        threading.Thread(target=server.serve_forever, name="fake-stripe", daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    # ------------------------------------------------------------------ what tests arrange and inspect

    def fail_next(
        self, path: str, *, times: int = 1, mode: str = "error", delay: float = 2.0, method: str = "POST"
    ) -> None:
        """The next `times` calls whose path matches the regex `path` fail (mode "error") or time out ("timeout")."""
        assert mode in {"error", "timeout"}
        with self.lock:
            self._faults.append(Fault(method, re.compile(path), times, mode, delay))

    def decline_next_payments(self, times: int = 1) -> None:
        with self.lock:
            self._declines += times

    def calls(self, method: str | None = None, path: str | None = None) -> list[RecordedRequest]:
        with self.lock:
            return [
                r
                for r in self.requests
                if (method is None or r.method == method) and (path is None or re.fullmatch(path, r.path))
            ]

    def invoices(self) -> list[dict[str, Any]]:
        with self.lock:
            return list(self.objects["invoice"].values())

    def event(self, kind: str, obj: dict[str, Any], *, created: int | None = None) -> dict[str, Any]:
        """A Stripe-shaped event around a copy of `obj`, remembered in `events`."""
        with self.lock:
            event = {
                "id": _new_id("evt"),
                "object": "event",
                "api_version": API_VERSION,
                "created": created if created is not None else int(time.time()),
                "data": {"object": json.loads(json.dumps(obj))},
                "livemode": False,
                "pending_webhooks": 1,
                "request": {"id": None, "idempotency_key": None},
                "type": kind,
            }
            self.events.append(event)
            return event

    def last_event(self, kind: str) -> dict[str, Any]:
        with self.lock:
            return next(e for e in reversed(self.events) if e["type"] == kind)

    def sign(self, payload: str, *, timestamp: int | None = None, secret: str | None = None) -> str:
        return stripe.WebhookSignature.generate_signature_header(
            payload, secret or self.webhook_secret, timestamp=timestamp
        )

    def signed(self, event: dict[str, Any], **kwargs: Any) -> tuple[str, dict[str, str]]:
        """(raw body, headers) of a webhook delivery of `event`."""
        payload = json.dumps(event)
        return payload, {"Stripe-Signature": self.sign(payload, **kwargs), "Content-Type": "application/json"}

    def pay(self, invoice_id: str, *, payment_method: str = "pm_card_visa") -> dict[str, Any]:
        """The payer pays on the hosted page: the invoice is paid, and the `invoice.paid` event is returned."""
        with self.lock:
            status, body = self._settle(self.objects["invoice"][invoice_id], payment_method)
            assert status == 200, body
            return self.last_event("invoice.paid")

    def deliver(self, event: dict[str, Any]) -> int:
        """POST a signed delivery of `event` to the portal's webhook URL, as Stripe would."""
        assert self.webhook_url, "no webhook_url configured"
        payload, headers = self.signed(event)
        request = urllib.request.Request(self.webhook_url, data=payload.encode(), headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                status = int(response.status)
        except urllib.error.HTTPError as exc:
            status = exc.code
        self.deliveries.append((event["id"], status))
        return status

    # ------------------------------------------------------------------ request handling

    def handle(self, method: str, target: str, headers: dict[str, str], body: str) -> tuple[int, dict[str, Any], float]:
        """(status, JSON body, seconds to wait before answering) for one API request."""
        parts = urlsplit(target)
        params = parse_form(body if method == "POST" else parts.query)
        with self.lock:
            self.requests.append(RecordedRequest(method, parts.path, headers, body, params))
            if not headers.get("authorization", "").startswith("Bearer sk_"):
                return (*_error(401, "invalid_request_error", "Invalid API Key provided."), 0.0)
            fault = self._take_fault(method, parts.path)
            if fault is not None and fault.mode == "error":
                return (*_error(500, "api_error", "Something went wrong on Stripe's end."), 0.0)
            key = headers.get("idempotency-key")
            if method == "POST" and key and key in self._stored:
                stored = self._stored[key]
                if (stored.method, stored.path, stored.params) != (method, parts.path, params):
                    return (
                        *_error(
                            400,
                            "idempotency_error",
                            "Keys for idempotent requests can only be used with the same parameters they were first "
                            "used with.",
                        ),
                        0.0,
                    )
                return stored.status, {**stored.body, "_replayed": True}, 0.0
            status, answer = self._route(method, parts.path, params)
            if method == "POST" and key:
                self._stored[key] = Stored(method, parts.path, params, status, answer)
            return status, answer, fault.delay if fault is not None else 0.0

    def _take_fault(self, method: str, path: str) -> Fault | None:
        for fault in self._faults:
            if fault.times > 0 and fault.method == method and fault.path.fullmatch(path):
                fault.times -= 1
                return fault
        return None

    def _route(self, method: str, path: str, params: dict[str, Any]) -> Answer:
        for route_method, pattern, endpoint in self._routes:
            match = pattern.fullmatch(path)
            if route_method == method and match:
                return endpoint(params, **match.groupdict())
        return _error(404, "invalid_request_error", f"Unrecognized request URL ({method}: {path}).")

    # ------------------------------------------------------------------ endpoints

    def _retrieve(self, kind: str) -> Callable[..., Answer]:
        def retrieve(params: dict[str, Any], id: str) -> Answer:
            obj = self.objects[kind].get(id)
            if obj is None:
                return _error(404, "invalid_request_error", f"No such {kind}: '{id}'", code="resource_missing")
            return 200, obj

        return retrieve

    def _create_customer(self, params: dict[str, Any]) -> Answer:
        customer = {
            "id": _new_id("cus"),
            "object": "customer",
            "created": int(time.time()),
            "email": params.get("email"),
            "name": params.get("name"),
            "metadata": params.get("metadata", {}),
            "invoice_settings": {"default_payment_method": None},
            "livemode": False,
        }
        self.objects["customer"][customer["id"]] = customer
        return 200, customer

    def _create_invoice_item(self, params: dict[str, Any]) -> Answer:
        item = {
            "id": _new_id("ii"),
            "object": "invoiceitem",
            "amount": int(params["amount"]),
            "currency": params.get("currency", "usd"),
            "customer": params["customer"],
            "description": params.get("description"),
            "invoice": params.get("invoice"),
            "metadata": params.get("metadata", {}),
            "quantity": 1,
            "date": int(time.time()),
            "livemode": False,
        }
        invoice = self.objects["invoice"].get(item["invoice"] or "")
        if invoice is not None:
            if invoice["status"] != "draft":
                return _error(400, "invalid_request_error", "Invoice is not a draft.", code="invoice_not_editable")
            line = {k: item[k] for k in ("amount", "currency", "description", "metadata", "quantity")}
            invoice["lines"]["data"].append(
                {"id": _new_id("il"), "object": "line_item", "invoice": invoice["id"], **line}
            )
            invoice["lines"]["total_count"] += 1
            for total in ("amount_due", "amount_remaining", "subtotal", "total"):
                invoice[total] += item["amount"]
        self.objects["invoiceitem"][item["id"]] = item
        return 200, item

    def _create_invoice(self, params: dict[str, Any]) -> Answer:
        if params.get("customer") not in self.objects["customer"]:
            return _error(400, "invalid_request_error", "No such customer.", param="customer")
        invoice_id = _new_id("in")
        invoice = {
            "id": invoice_id,
            "object": "invoice",
            "customer": params["customer"],
            "status": "draft",
            "collection_method": params.get("collection_method", "charge_automatically"),
            "days_until_due": int(params["days_until_due"]) if "days_until_due" in params else None,
            "due_date": None,
            "auto_advance": params.get("auto_advance") == "true",
            "currency": params.get("currency", "usd"),
            "default_payment_method": params.get("default_payment_method"),
            "metadata": params.get("metadata", {}),
            "lines": {
                "object": "list",
                "data": [],
                "has_more": False,
                "total_count": 0,
                "url": f"/v1/invoices/{invoice_id}/lines",
            },
            "amount_due": 0,
            "amount_paid": 0,
            "amount_remaining": 0,
            "subtotal": 0,
            "total": 0,
            "attempt_count": 0,
            "attempted": False,
            "next_payment_attempt": None,
            "hosted_invoice_url": None,
            "invoice_pdf": None,
            "number": None,
            "payments": {"object": "list", "data": [], "has_more": False},
            "status_transitions": {"finalized_at": None, "paid_at": None, "voided_at": None},
            "created": int(time.time()),
            "livemode": False,
        }
        self.objects["invoice"][invoice_id] = invoice
        return 200, invoice

    def _delete_invoice(self, params: dict[str, Any], id: str) -> Answer:
        invoice = self.objects["invoice"].get(id)
        if invoice is None or invoice["status"] != "draft":
            return _error(400, "invalid_request_error", "Only draft invoices can be deleted.")
        del self.objects["invoice"][id]
        return 200, {"id": id, "object": "invoice", "deleted": True}

    def _finalize_invoice(self, params: dict[str, Any], id: str) -> Answer:
        invoice = self.objects["invoice"].get(id)
        if invoice is None:
            return _error(404, "invalid_request_error", f"No such invoice: '{id}'", code="resource_missing")
        if invoice["status"] != "draft":
            return _error(
                400, "invalid_request_error", "This invoice is already finalized.", code="invoice_not_editable"
            )
        self._numbers += 1
        now = int(time.time())
        invoice.update(
            status="open",
            number=f"FAKE-{self._numbers:04d}",
            hosted_invoice_url=f"{self.url}/hosted/{id}",
            invoice_pdf=f"{self.url}/hosted/{id}/pdf",
            auto_advance=params.get("auto_advance", "true" if invoice["auto_advance"] else "false") == "true",
        )
        invoice["status_transitions"]["finalized_at"] = now
        if invoice["days_until_due"] is not None:
            invoice["due_date"] = now + 86400 * int(invoice["days_until_due"])
        if invoice["amount_due"] == 0:
            invoice.update(status="paid")
        self.event("invoice.finalized", invoice)
        return 200, invoice

    def _void_invoice(self, params: dict[str, Any], id: str) -> Answer:
        invoice = self.objects["invoice"].get(id)
        if invoice is None or invoice["status"] not in {"open", "uncollectible"}:
            return _error(400, "invalid_request_error", "You can only void open or uncollectible invoices.")
        invoice["status"] = "void"
        invoice["amount_remaining"] = 0
        invoice["status_transitions"]["voided_at"] = int(time.time())
        self.event("invoice.voided", invoice)
        return 200, invoice

    def _pay_invoice(self, params: dict[str, Any], id: str) -> Answer:
        invoice = self.objects["invoice"].get(id)
        if invoice is None or invoice["status"] != "open":
            return _error(400, "invalid_request_error", "Invoice is already paid or not open.")
        method = params.get("payment_method") or invoice.get("default_payment_method")
        if not method:
            return _error(400, "invalid_request_error", "There is no payment method to charge.")
        return self._settle(invoice, method)

    def _settle(self, invoice: dict[str, Any], payment_method: str) -> Answer:
        invoice["attempt_count"] += 1
        invoice["attempted"] = True
        if self._declines > 0:
            self._declines -= 1
            invoice["next_payment_attempt"] = None
            self.event("invoice.payment_failed", invoice)
            return _error(
                402,
                "card_error",
                "Your card has insufficient funds.",
                code="card_declined",
                decline_code="insufficient_funds",
            )
        now = int(time.time())
        intent_id, charge_id = _new_id("pi"), _new_id("ch")
        amount = invoice["amount_remaining"]
        self.objects["charge"][charge_id] = {
            "id": charge_id,
            "object": "charge",
            "amount": amount,
            "amount_refunded": 0,
            "refunded": False,
            "currency": invoice["currency"],
            "payment_intent": intent_id,
            "payment_method": payment_method,
            "status": "succeeded",
            "refunds": {"object": "list", "data": [], "has_more": False},
            "livemode": False,
        }
        self.objects["payment_intent"][intent_id] = {
            "id": intent_id,
            "object": "payment_intent",
            "amount": amount,
            "latest_charge": charge_id,
            "status": "succeeded",
        }
        invoice_payment = {
            "id": _new_id("inpay"),
            "object": "invoice_payment",
            "amount_paid": amount,
            "amount_requested": amount,
            "currency": invoice["currency"],
            "invoice": invoice["id"],
            "is_default": True,
            "payment": {"type": "payment_intent", "payment_intent": intent_id},
            "status": "paid",
            "status_transitions": {"paid_at": now, "canceled_at": None},
            "created": now,
            "livemode": False,
        }
        invoice["payments"]["data"].append(invoice_payment)
        invoice.update(status="paid", amount_paid=invoice["amount_paid"] + amount, amount_remaining=0)
        invoice["status_transitions"]["paid_at"] = now
        self.event("invoice_payment.paid", invoice_payment)
        self.event("invoice.paid", invoice)
        return 200, invoice

    def _create_refund(self, params: dict[str, Any]) -> Answer:
        charge = self.objects["charge"].get(params.get("charge", ""))
        if charge is None and params.get("payment_intent") in self.objects["payment_intent"]:
            charge = self.objects["charge"][self.objects["payment_intent"][params["payment_intent"]]["latest_charge"]]
        if charge is None:
            return _error(400, "invalid_request_error", "No such charge or payment intent.")
        unrefunded = charge["amount"] - charge["amount_refunded"]
        amount = int(params.get("amount", unrefunded))
        if amount > unrefunded or amount <= 0:
            return _error(
                400,
                "invalid_request_error",
                f"Refund amount ({amount}) is greater than unrefunded amount ({unrefunded}).",
                code="amount_too_large",
            )
        refund = {
            "id": _new_id("re"),
            "object": "refund",
            "amount": amount,
            "charge": charge["id"],
            "payment_intent": charge["payment_intent"],
            "currency": charge["currency"],
            "metadata": params.get("metadata", {}),
            "reason": params.get("reason"),
            "status": "succeeded",
            "created": int(time.time()),
        }
        self.objects["refund"][refund["id"]] = refund
        charge["amount_refunded"] += amount
        charge["refunded"] = charge["amount_refunded"] == charge["amount"]
        charge["refunds"]["data"].insert(0, refund)
        self.event("refund.created", refund)
        self.event("charge.refunded", charge)
        return 200, refund

    # ------------------------------------------------------------------ the hosted invoice page

    def hosted_page(self, invoice_id: str) -> tuple[int, str]:
        with self.lock:
            invoice = self.objects["invoice"].get(invoice_id)
        if invoice is None:
            return 404, "<!doctype html><title>Not found</title><p>No such invoice.</p>"
        amount = f"${invoice['amount_remaining'] / 100:,.2f}"
        if invoice["status"] == "open":
            action = (
                f'<form method="post" action="/hosted/{invoice_id}/pay">'
                f'<button type="submit" id="pay">Pay {amount}</button></form>'
            )
        else:
            action = f'<p id="status">This invoice is {html.escape(invoice["status"])}.</p>'
        page = (
            "<!doctype html><html><head><meta charset=utf-8><meta name=viewport content='width=device-width'>"
            "<title>Fake Stripe — invoice</title></head><body>"
            f"<h1>Invoice {html.escape(invoice['number'] or invoice_id)}</h1>"
            f"<p>Amount due: <strong>{amount}</strong></p>{action}</body></html>"
        )
        return 200, page

    def hosted_pay(self, invoice_id: str) -> tuple[int, str]:
        with self.lock:
            invoice = self.objects["invoice"].get(invoice_id)
            if invoice is None or invoice["status"] != "open":
                return self.hosted_page(invoice_id)
            status, _ = self._settle(invoice, "pm_card_visa")
            event = self.last_event("invoice.paid" if status == 200 else "invoice.payment_failed")
        if self.webhook_url:
            self.deliver(event)
        return self.hosted_page(invoice_id)


class _Handler(BaseHTTPRequestHandler):
    stripe: FakeStripe

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _read_body(self) -> str:
        length = int(self.headers.get("content-length") or 0)
        return self.rfile.read(length).decode() if length else ""

    def _dispatch(self) -> None:
        body = self._read_body()
        path = urlsplit(self.path).path
        hosted = re.fullmatch(r"/hosted/(in_\w+)(/pay)?", path)
        if hosted:
            if self.command == "POST" and hosted.group(2):
                status, page = self.stripe.hosted_pay(hosted.group(1))
            else:
                status, page = self.stripe.hosted_page(hosted.group(1))
            self._send(status, page.encode(), "text/html; charset=utf-8")
            return
        headers = {key.lower(): value for key, value in self.headers.items()}
        status, answer, delay = self.stripe.handle(self.command, self.path, headers, body)
        replayed = bool(answer.pop("_replayed", False))
        if delay:
            time.sleep(delay)  # the work is done and stored; the answer comes too late for the client
        extra = {"Idempotent-Replayed": "true"} if replayed else {}
        self._send(status, json.dumps(answer).encode(), "application/json", extra)

    def _send(self, status: int, payload: bytes, content_type: str, extra: dict[str, str] | None = None) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("Request-Id", _new_id("req"))
            self.send_header("Stripe-Version", API_VERSION)
            for key, value in (extra or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (a timeout fault)

    do_GET = _dispatch
    do_POST = _dispatch
    do_DELETE = _dispatch


def _new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(12)}"
