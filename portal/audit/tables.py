"""The audit log: append-only and hash-chained (HMAC-SHA256 keyed from the secret key)."""

from piccolo.columns import BigInt, Integer, Text, Timestamptz, Varchar

from portal.db import PortalTable


class AuditEvent(PortalTable, tablename="audit_events"):
    seq = BigInt(unique=True)  # position in the chain: 1, 2, 3 … without gaps
    occurred_at = Timestamptz(index=True)
    # Plain columns, not foreign keys: the log outlives users and clients and is never cascaded.
    actor_id = Integer(null=True, default=None, index=True)
    actor_label = Varchar(length=254, default="")  # e-mail of the actor, or "system:cli"
    actor_role = Varchar(length=20, default="")
    action = Varchar(length=80, index=True)
    resource_type = Varchar(length=40, default="")
    resource_id = Varchar(length=64, default="")
    client_id = Integer(null=True, default=None, index=True)
    ip = Varchar(length=64, default="")
    user_agent = Varchar(length=300, default="")
    detail = Text(default="{}")  # canonical JSON; identifiers and reason codes, never PHI
    prev_hash = Varchar(length=64)
    hash = Varchar(length=64)


class AuditChainHead(PortalTable, tablename="audit_chain_head"):
    """One row: the last sequence number and hash. Appenders lock it, so the chain has one order."""

    seq = BigInt(default=0)
    hash = Varchar(length=64)
