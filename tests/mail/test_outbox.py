"""The e-mail outbox: delivery through SMTP, retries with backoff, never sending a message twice."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from portal.mail import services as mail
from portal.mail.tables import OutboxMessage
from tests.support.smtp import RecordingSmtpServer, free_port


async def queue_one(to: str = "pat@example.com") -> None:
    await mail.enqueue(to, "You have a new update from Harbor Case Management", "Sign in to read it: http://x/")


async def status_of(to: str = "pat@example.com") -> dict[str, Any]:
    return await OutboxMessage.select().where(OutboxMessage.to_address == to).first()


async def test_queued_mail_is_delivered_over_smtp_once(
    db: None, smtp_server: RecordingSmtpServer, settings_override: Any
) -> None:
    settings_override(smtp_url=smtp_server.url)
    await queue_one()
    first = await mail.deliver_due()
    second = await mail.deliver_due()
    assert (first.sent, second.sent) == (1, 0)
    [message] = smtp_server.wait_for(1)
    assert message["Subject"] == "You have a new update from Harbor Case Management"
    assert message["Message-ID"].strip() == (await status_of())["message_id"]
    row = await status_of()
    assert row["status"] == "sent" and row["attempts"] == 1 and row["sent_at"] is not None


async def test_a_server_that_is_down_means_a_retry_later_with_backoff(
    db: None, clock: Any, settings_override: Any, smtp_server: RecordingSmtpServer
) -> None:
    settings_override(smtp_url=f"smtp://127.0.0.1:{free_port()}")  # nothing listens there
    await queue_one()
    report = await mail.deliver_due()
    assert report.retried == 1 and report.sent == 0
    row = await status_of()
    assert row["status"] == "pending" and row["attempts"] == 1
    assert row["next_attempt_at"] > clock.now()
    # Not due yet: nothing happens.
    assert (await mail.deliver_due()).retried == 0
    # The server is back and the backoff has passed: delivered, once.
    settings_override(smtp_url=smtp_server.url)
    clock.advance(minutes=1, seconds=1)
    assert (await mail.deliver_due()).sent == 1
    assert len(smtp_server.wait_for(1)) == 1
    assert (await status_of())["attempts"] == 2


async def test_after_the_last_attempt_a_message_is_marked_failed(db: None, clock: Any, settings_override: Any) -> None:
    settings_override(smtp_url=f"smtp://127.0.0.1:{free_port()}")
    await queue_one()
    for _ in range(mail.MAX_ATTEMPTS):
        await mail.deliver_due()
        clock.advance(hours=5)
    row = await status_of()
    assert row["status"] == "failed" and row["attempts"] == mail.MAX_ATTEMPTS
    assert row["last_error"]


async def test_a_message_interrupted_mid_send_is_never_sent_again(
    db: None, clock: Any, settings_override: Any, smtp_server: RecordingSmtpServer
) -> None:
    # A worker claimed the message (status "sending") and died before it could record the outcome.
    await queue_one()
    await OutboxMessage.update({OutboxMessage.status: "sending", OutboxMessage.claimed_at: clock.now()}).where(
        OutboxMessage.to_address == "pat@example.com"
    )
    settings_override(smtp_url=smtp_server.url)
    assert (await mail.deliver_due()).sent == 0  # still within the claim: another worker may be sending it
    clock.advance(minutes=11)
    report = await mail.deliver_due()
    assert report.sent == 0 and report.uncertain == 1
    assert (await status_of())["status"] == "uncertain"
    assert smtp_server.messages == []


async def test_without_smtp_messages_are_written_as_eml_files(db: None, settings_override: Any, tmp_path: Path) -> None:
    settings_override(smtp_url=None, outbox_dir=tmp_path / "outbox")
    await queue_one()
    assert (await mail.deliver_due()).sent == 1
    [eml] = list((tmp_path / "outbox").glob("*.eml"))
    content = eml.read_text()
    assert "Subject: You have a new update from Harbor Case Management" in content
    assert "To: pat@example.com" in content


async def test_mail_queued_in_a_unit_of_work_that_fails_is_never_sent(db: None) -> None:
    from portal.db import write_transaction

    try:
        async with write_transaction():
            await queue_one("ghost@example.com")
            raise RuntimeError("the unit of work failed after queueing")
    except RuntimeError:
        pass
    assert await OutboxMessage.count().where(OutboxMessage.to_address == "ghost@example.com") == 0
