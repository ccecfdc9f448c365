"""Outgoing e-mail: an outbox table written inside the caller's transaction, delivered by the worker.

Delivery is at most once: a message is marked `sending` (and committed) before the SMTP conversation starts.
A failure the server reports, or a connection that never got as far as the message, is retried with
backoff; a send that was interrupted half-way is marked `uncertain` and left for a person, never re-sent.
"""

from __future__ import annotations

import logging
import secrets
import ssl
from dataclasses import dataclass, field
from datetime import timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from urllib.parse import unquote, urlsplit

import aiosmtplib
import anyio.to_thread

from portal.clock import utcnow
from portal.db import write_transaction
from portal.mail.tables import OutboxMessage
from portal.settings import get_settings

log = logging.getLogger("portal.mail")

MAX_ATTEMPTS = 6
BACKOFF = [
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=15),
    timedelta(hours=1),
    timedelta(hours=4),
]
CLAIM_TIMEOUT = timedelta(minutes=10)


async def enqueue(to_address: str, subject: str, body_text: str, body_html: str = "") -> None:
    """Queue one message. Call inside the service's transaction so it is sent only if the work commits."""
    domain = get_settings().base_url.split("://", 1)[1].split("/", 1)[0].split(":", 1)[0] or "localhost"
    now = utcnow()
    async with write_transaction():
        await OutboxMessage.insert(
            OutboxMessage(
                message_id=make_msgid(idstring=secrets.token_hex(8), domain=domain),
                to_address=to_address,
                subject=subject[:200],
                body_text=body_text,
                body_html=body_html,
                status="pending",
                attempts=0,
                next_attempt_at=now,
                created_at=now,
            )
        )


@dataclass
class DeliveryReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    uncertain: int = 0
    errors: list[str] = field(default_factory=list)


class PermanentDeliveryError(Exception):
    pass


def build_message(row: dict) -> EmailMessage:
    settings = get_settings()
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = row["to_address"]
    message["Subject"] = row["subject"]
    message["Message-ID"] = row["message_id"]
    message["Date"] = format_datetime(row["created_at"])
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(row["body_text"])
    if row["body_html"]:
        message.add_alternative(row["body_html"], subtype="html")
    return message


async def _send(message: EmailMessage, message_id: int) -> None:
    settings = get_settings()
    if settings.smtp_url is None:
        path = Path(settings.outbox_dir, f"{utcnow().strftime('%Y%m%dT%H%M%S')}-{message_id:08d}.eml")

        def write() -> None:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(bytes(message))

        await anyio.to_thread.run_sync(write)
        return
    url = urlsplit(settings.smtp_url)
    use_tls = url.scheme == "smtps"
    start_tls = True if url.scheme == "smtp+starttls" else (False if use_tls else None)
    await aiosmtplib.send(
        message,
        hostname=url.hostname,
        port=url.port or (465 if use_tls else 25),
        username=unquote(url.username) if url.username else None,
        password=unquote(url.password) if url.password else None,
        use_tls=use_tls,
        start_tls=start_tls,
        tls_context=ssl.create_default_context() if (use_tls or start_tls) else None,
        timeout=30,
    )


async def deliver_due(batch_size: int = 20) -> DeliveryReport:
    report = DeliveryReport()
    now = utcnow()
    async with write_transaction():
        stale = await OutboxMessage.count().where(
            (OutboxMessage.status == "sending") & (OutboxMessage.claimed_at < now - CLAIM_TIMEOUT)
        )
        if stale:
            await OutboxMessage.update(
                {OutboxMessage.status: "uncertain", OutboxMessage.last_error: "delivery was interrupted"}
            ).where((OutboxMessage.status == "sending") & (OutboxMessage.claimed_at < now - CLAIM_TIMEOUT))
            report.uncertain += stale
    due = (
        await OutboxMessage.select()
        .where((OutboxMessage.status == "pending") & (OutboxMessage.next_attempt_at <= now))
        .order_by(OutboxMessage.id)
        .limit(batch_size)
    )
    for row in due:
        async with write_transaction():
            claimed = (
                await OutboxMessage.update(
                    {
                        OutboxMessage.status: "sending",
                        OutboxMessage.claimed_at: utcnow(),
                        OutboxMessage.attempts: row["attempts"] + 1,
                    }
                )
                .where((OutboxMessage.id == row["id"]) & (OutboxMessage.status == "pending"))
                .returning(OutboxMessage.id)
            )
        if not claimed:
            continue  # another worker took it
        attempts = row["attempts"] + 1
        try:
            await _send(build_message(row), row["id"])
        except (aiosmtplib.SMTPException, OSError) as exc:
            error = f"{type(exc).__name__}: {str(exc)[:200]}"
            report.errors.append(error)
            if attempts >= MAX_ATTEMPTS or _is_permanent(exc):
                status, next_at = "failed", utcnow()
                report.failed += 1
            else:
                status, next_at = "pending", utcnow() + BACKOFF[min(attempts - 1, len(BACKOFF) - 1)]
                report.retried += 1
            log.warning("mail delivery failed", extra={"outbox_id": row["id"], "attempt": attempts})
            async with write_transaction():
                await OutboxMessage.update(
                    {
                        OutboxMessage.status: status,
                        OutboxMessage.next_attempt_at: next_at,
                        OutboxMessage.last_error: error[:300],
                    }
                ).where(OutboxMessage.id == row["id"])
            continue
        async with write_transaction():
            await OutboxMessage.update({OutboxMessage.status: "sent", OutboxMessage.sent_at: utcnow()}).where(
                OutboxMessage.id == row["id"]
            )
        report.sent += 1
    return report


def _is_permanent(exc: BaseException) -> bool:
    """5xx replies (bad recipient, refused) will not improve with retries."""
    code = getattr(exc, "code", None)
    return isinstance(code, int) and 500 <= code < 600


async def queue_depth() -> dict[str, int]:
    rows = await OutboxMessage.raw("SELECT status, COUNT(*) AS n FROM outbox_messages GROUP BY status")
    return {row["status"]: int(row["n"]) for row in rows}
