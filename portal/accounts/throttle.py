"""Rate limits for sign-in, MFA and password reset, kept in the database so every app process shares them.

The 11th failure within 15 minutes, for one account or from one IP address, is refused with HTTP 429.
A success clears its own account's failures only: never another account's, never the IP's.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from portal.accounts.tables import AuthAttempt
from portal.clock import utcnow
from portal.db import write_transaction
from portal.errors import TooManyAttempts

WINDOW = timedelta(minutes=15)
LIMITS = {"login": 10, "mfa": 10, "reset": 10}


def account_key(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


async def check(kind: str, email: str, ip: str) -> None:
    since = utcnow() - WINDOW
    limit = LIMITS[kind]
    base = (AuthAttempt.kind == kind) & (AuthAttempt.succeeded == False) & (AuthAttempt.at >= since)  # noqa: E712
    by_account = await AuthAttempt.count().where(
        base & (AuthAttempt.account_key == account_key(email)) & (AuthAttempt.cleared == False)  # noqa: E712
    )
    by_ip = await AuthAttempt.count().where(base & (AuthAttempt.ip == ip)) if ip else 0
    if by_account >= limit or by_ip >= limit:
        raise TooManyAttempts("Too many attempts. Wait 15 minutes and try again.")


async def record_failure(kind: str, email: str, ip: str) -> None:
    async with write_transaction():
        await AuthAttempt.insert(
            AuthAttempt(kind=kind, account_key=account_key(email), ip=ip, succeeded=False, at=utcnow())
        )


async def record_success(kind: str, email: str, ip: str) -> None:
    async with write_transaction():
        key = account_key(email)
        await AuthAttempt.update({AuthAttempt.cleared: True}).where(
            (AuthAttempt.kind == kind) & (AuthAttempt.account_key == key) & (AuthAttempt.succeeded == False)  # noqa: E712
        )
        await AuthAttempt.insert(AuthAttempt(kind=kind, account_key=key, ip=ip, succeeded=True, at=utcnow()))


async def prune(older_than: timedelta = timedelta(days=1)) -> int:
    """Drop attempts far outside the window (the worker calls this)."""
    cutoff = utcnow() - older_than
    async with write_transaction():
        count = await AuthAttempt.count().where(AuthAttempt.at < cutoff)
        await AuthAttempt.delete().where(AuthAttempt.at < cutoff)
    return count
