"""Server-side sessions.

The cookie carries a random 256-bit token; the database stores only its SHA-256. A new token is issued at
every sign-in and again after the MFA step, and the token the browser brought is dropped, so a session id
planted before sign-in is never the session after it (no fixation).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from portal.accounts.tables import User, UserSession
from portal.clock import utcnow
from portal.db import write_transaction
from portal.settings import get_settings

COOKIE_NAME = "portal_session"
# Refresh last_seen at most this often: enough precision for a 30-minute idle timeout, few writes.
TOUCH_INTERVAL = timedelta(seconds=60)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class LoadedSession:
    session_id: int
    user: dict[str, Any]
    mfa_verified: bool
    last_seen_at: datetime


async def create_session(user_id: int, *, mfa_verified: bool, ip: str, user_agent: str) -> str:
    settings = get_settings()
    token = secrets.token_urlsafe(32)
    now = utcnow()
    async with write_transaction():
        await UserSession.insert(
            UserSession(
                token_hash=hash_token(token),
                user=user_id,
                created_at=now,
                last_seen_at=now,
                expires_at=now + timedelta(hours=settings.session_absolute_hours),
                mfa_verified=mfa_verified,
                ip=ip[:64],
                user_agent=user_agent[:300],
            )
        )
    return token


async def load_session(token: str | None) -> LoadedSession | None:
    """The live session for a cookie token, or None (and the stale row removed) when it has timed out."""
    if not token or len(token) > 128:
        return None
    rows = (
        await UserSession.select(
            UserSession.id,
            UserSession.last_seen_at,
            UserSession.expires_at,
            UserSession.mfa_verified,
            *UserSession.user.all_columns(),
        )
        .where(UserSession.token_hash == hash_token(token))
        .output(nested=True)
    )
    if not rows:
        return None
    row = rows[0]
    now = utcnow()
    idle_limit = timedelta(minutes=get_settings().session_idle_minutes)
    user = row["user"]
    if row["expires_at"] <= now or row["last_seen_at"] + idle_limit <= now or not user["active"]:
        await delete_session_by_id(row["id"])
        return None
    if now - row["last_seen_at"] >= TOUCH_INTERVAL:
        async with write_transaction():
            await UserSession.update({UserSession.last_seen_at: now}).where(UserSession.id == row["id"])
    return LoadedSession(
        session_id=row["id"], user=user, mfa_verified=row["mfa_verified"], last_seen_at=row["last_seen_at"]
    )


async def delete_session_by_token(token: str | None) -> None:
    if not token:
        return
    async with write_transaction():
        await UserSession.delete().where(UserSession.token_hash == hash_token(token))


async def delete_session_by_id(session_id: int) -> None:
    async with write_transaction():
        await UserSession.delete().where(UserSession.id == session_id)


async def delete_user_sessions(user_id: int, *, except_session_id: int | None = None) -> None:
    async with write_transaction():
        query = UserSession.delete().where(UserSession.user == user_id)
        if except_session_id is not None:
            query = query.where(UserSession.id != except_session_id)
        await query


async def active_session_count(user_id: int) -> int:
    return await UserSession.count().where(UserSession.user == user_id)


async def user_exists(user_id: int) -> bool:
    return await User.exists().where(User.id == user_id)
