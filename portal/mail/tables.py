"""The e-mail outbox: services write here inside their transaction; the worker delivers."""

from piccolo.columns import Integer, Text, Timestamptz, Varchar

from portal.db import PortalTable


class OutboxMessage(PortalTable, tablename="outbox_messages"):
    message_id = Varchar(length=200, unique=True)  # the Message-ID header, stable across retries
    to_address = Varchar(length=254)
    subject = Varchar(length=200)
    body_text = Text()
    body_html = Text(default="")
    # pending -> sending -> sent; pending -> (retry) -> failed after the last attempt;
    # sending that never finished -> uncertain (not retried: a message is never sent twice).
    status = Varchar(length=12, default="pending", index=True)
    attempts = Integer(default=0)
    next_attempt_at = Timestamptz(index=True)
    claimed_at = Timestamptz(null=True, default=None)
    sent_at = Timestamptz(null=True, default=None)
    last_error = Varchar(length=300, default="")
    created_at = Timestamptz()
