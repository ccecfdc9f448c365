"""POST /api/v1/billing/stripe/webhook: Stripe's deliveries, authenticated by their signature (no session).

Public by signature (portal.policy.PUBLIC_ROUTES) and exempt from CSRF (portal.app.CSRF_EXEMPT_PATHS), and
nothing else. The handler reads the raw body, because the signature covers its exact bytes, and hands it to
portal.billing.webhooks; 400 for anything unsigned or stale, 200 once an event is applied or was already.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, MediaType, Request, Response, post

from portal.billing import webhooks

WEBHOOK_PATH = "/api/v1/billing/stripe/webhook"


class StripeWebhookController(Controller):
    path = WEBHOOK_PATH
    include_in_schema = False

    @post("", status_code=200, media_type=MediaType.JSON)
    async def receive(self, request: Request[Any, Any, Any]) -> Response[dict[str, Any]]:
        payload = await request.body()
        try:
            outcome = await webhooks.receive(payload, request.headers.get("stripe-signature"))
        except webhooks.BadWebhook as exc:
            return Response({"status_code": 400, "detail": str(exc)}, status_code=400)
        detail = "already processed" if outcome == "duplicate" else outcome
        return Response({"received": True, "detail": detail}, status_code=200)
