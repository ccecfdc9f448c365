"""The background worker: delivers the e-mail outbox and does periodic housekeeping.

Run it as `portal worker` (one or more processes), or inside the web process with `portal serve --with-worker`.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from portal.accounts import throttle
from portal.mail import services as mail

log = logging.getLogger("portal.worker")

HOUSEKEEPING_EVERY = 3600.0


@dataclass
class WorkerReport:
    mail: mail.DeliveryReport = field(default_factory=mail.DeliveryReport)
    digests: int = 0


async def run_once() -> WorkerReport:
    from portal.families.notifications import send_daily_digests

    report = WorkerReport()
    report.digests = await send_daily_digests()
    report.mail = await mail.deliver_due()
    return report


async def run_forever(stop: asyncio.Event, poll_seconds: float = 2.0) -> None:
    log.info("worker started")
    since_housekeeping = HOUSEKEEPING_EVERY
    while not stop.is_set():
        try:
            report = await run_once()
            if report.mail.sent or report.mail.retried or report.mail.failed:
                log.info(
                    "outbox delivered",
                    extra={
                        "sent": report.mail.sent,
                        "retried": report.mail.retried,
                        "failed": report.mail.failed,
                    },
                )
            if since_housekeeping >= HOUSEKEEPING_EVERY:
                await throttle.prune()
                since_housekeeping = 0.0
        except Exception as exc:  # keep the worker alive; the next round retries
            log.error("worker round failed", extra={"error_type": type(exc).__name__})
        try:
            await asyncio.wait_for(stop.wait(), timeout=poll_seconds)
        except TimeoutError:
            since_housekeeping += poll_seconds
    log.info("worker stopped")
