"""The background worker: delivers the e-mail outbox and does periodic housekeeping.

Run it as `portal worker` (one or more processes), or inside the web process with `portal serve --with-worker`.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from portal.accounts import throttle
from portal.mail import services as mail
from portal.operations.emergency_access import record_ended_grants

log = logging.getLogger("portal.worker")

HOUSEKEEPING_EVERY = 3600.0


@dataclass
class WorkerReport:
    mail: mail.DeliveryReport = field(default_factory=mail.DeliveryReport)
    digests: int = 0
    billing_runs: int = 0
    hours_alerts: int = 0
    collections: dict[str, int] = field(default_factory=dict)
    network_imports: int = 0
    network_reviews: int = 0  # programs put back under review (expired license, overdue review)
    superbills: int = 0  # issued for months paid in full
    claim_reminders: int = 0  # filing-deadline reminders e-mailed


async def run_once() -> WorkerReport:
    from portal.billing.collections import collect_past_due
    from portal.billing.hours import check_hours_alerts
    from portal.billing.run import run_queued_billing_runs
    from portal.families.notifications import send_daily_digests
    from portal.network.credentials import check_credentials
    from portal.network.import_jobs import run_queued_imports
    from portal.network.monitoring import check_reviews_due

    report = WorkerReport()
    report.billing_runs = await run_queued_billing_runs()
    report.hours_alerts = await check_hours_alerts()
    try:
        report.collections = await collect_past_due()
    except Exception as exc:  # collecting waits for the next round; the outbox and digests must not
        log.error("collecting past-due invoices failed", extra={"error_type": type(exc).__name__})
    try:  # superbills for months paid in full, and claim deadline reminders (portal.billing)
        from portal.billing.claims import send_deadline_reminders
        from portal.billing.superbill_automation import issue_paid_superbills

        report.superbills = (await issue_paid_superbills()).issued
        report.claim_reminders = await send_deadline_reminders()
    except Exception as exc:
        log.error("superbill automation failed", extra={"error_type": type(exc).__name__})
    report.digests = await send_daily_digests()
    report.mail = await mail.deliver_due()
    try:  # an expired license or an overdue review puts a program back under review
        report.network_reviews = await check_credentials() + await check_reviews_due()
    except Exception as exc:
        log.error("checking program credentials failed", extra={"error_type": type(exc).__name__})
    report.network_imports = await run_queued_imports()  # last: a large file must not hold up the e-mail
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
                await record_ended_grants()  # emergency access that ran out, into the audit log
                since_housekeeping = 0.0
        except Exception as exc:  # keep the worker alive; the next round retries
            log.error("worker round failed", extra={"error_type": type(exc).__name__})
        try:
            await asyncio.wait_for(stop.wait(), timeout=poll_seconds)
        except TimeoutError:
            since_housekeeping += poll_seconds
    log.info("worker stopped")
