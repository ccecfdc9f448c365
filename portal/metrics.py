"""`/metrics` in Prometheus text format: request rates and latencies, the worker's queues and failed e-mail.

Request metrics come from Litestar's Prometheus middleware with `group_path=True`, so the `path` label is the
route template (`/api/v1/clients/{client_id:int}`), never a concrete path or a query string: labels carry no
client information, and an unmatched path never reaches the middleware (no label per typed URL). The queue
gauges are read from the database at each scrape.

Who may scrape: with `PORTAL_METRICS_TOKEN` set, a request that sends `Authorization: Bearer <token>`; without
it, only a direct request from the machine itself (127.0.0.1 or ::1, no X-Forwarded-For: a reverse proxy on the
same host forwards requests from elsewhere). Everyone else gets a 404, as if there were nothing here.
"""

from __future__ import annotations

import hmac
import logging
import os
from typing import Any

from litestar import Controller, get
from litestar.connection import ASGIConnection
from litestar.exceptions import NotFoundException
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware import DefineMiddleware
from litestar.plugins.prometheus import PrometheusConfig
from litestar.response import Response
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Gauge, generate_latest, multiprocess

from portal.settings import get_settings

log = logging.getLogger("portal.metrics")

METRICS_PATH = "/metrics"
LOOPBACK = {"127.0.0.1", "::1"}

PROMETHEUS = PrometheusConfig(
    app_name="portal",
    prefix="portal",
    group_path=True,
    exclude=[r"^/static/"],
)

OUTBOX_MESSAGES = Gauge(
    "portal_outbox_messages", "E-mail in the outbox by delivery status, at the last scrape.", ["status"]
)
OUTBOX_PENDING = Gauge(
    "portal_outbox_pending", "E-mail waiting for the worker (pending or being sent): the worker's mail queue depth."
)
EMAILS_FAILED = Gauge(
    "portal_emails_failed", "E-mail that will not be delivered: failed after the last attempt, or interrupted."
)
JOBS_QUEUED = Gauge("portal_jobs_queued", "Background jobs queued or running, by kind.", ["kind"])
OUTBOX_STATUSES = ("pending", "sending", "sent", "failed", "uncertain")


def metrics_middleware() -> DefineMiddleware:
    return PROMETHEUS.middleware


def scrape_allowed(connection: ASGIConnection[Any, Any, Any, Any]) -> bool:
    token = get_settings().metrics_token
    if token:
        sent = connection.headers.get("authorization", "")
        scheme, _, value = sent.partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(value.strip().encode(), token.encode())
    client = connection.scope.get("client")
    host = client[0] if client else ""
    return host in LOOPBACK and "x-forwarded-for" not in connection.headers


def metrics_guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    if not scrape_allowed(connection):
        raise NotFoundException()


async def refresh_gauges() -> None:
    """Read the queues now: the outbox by status and the billing runs and program imports not yet finished."""
    from portal.billing.tables import BillingRun
    from portal.mail.services import queue_depth
    from portal.network.tables import ImportBatch

    depth = await queue_depth()
    for status in sorted(set(OUTBOX_STATUSES) | set(depth)):
        OUTBOX_MESSAGES.labels(status=status).set(depth.get(status, 0))
    OUTBOX_PENDING.set(depth.get("pending", 0) + depth.get("sending", 0))
    EMAILS_FAILED.set(depth.get("failed", 0) + depth.get("uncertain", 0))
    unfinished = ["queued", "running"]
    JOBS_QUEUED.labels(kind="billing_run").set(await BillingRun.count().where(BillingRun.status.is_in(unfinished)))
    JOBS_QUEUED.labels(kind="program_import").set(await ImportBatch.count().where(ImportBatch.status.is_in(unfinished)))


def _registry() -> CollectorRegistry:
    """The process's registry; with several worker processes (PROMETHEUS_MULTIPROC_DIR set, as Litestar's own
    PrometheusController does) the sum over all of them."""
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ or "prometheus_multiproc_dir" in os.environ:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return REGISTRY


class MetricsController(Controller):
    """The scrape endpoint (not in the OpenAPI document: it is for the monitoring system, not for people)."""

    path = METRICS_PATH
    include_in_schema = False
    guards = [metrics_guard]

    @get("/", cache=False)
    async def scrape(self) -> Response[bytes]:
        try:
            await refresh_gauges()
        except Exception as exc:  # the request metrics are still worth answering with
            log.error("reading the queue gauges failed", extra={"error_type": type(exc).__name__})
        return Response(generate_latest(_registry()), media_type=CONTENT_TYPE_LATEST)
