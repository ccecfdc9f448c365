"""Password rules and hashing (argon2id, computed in a worker thread so the event loop keeps serving)."""

from __future__ import annotations

import gzip
from functools import cache
from importlib import resources

import anyio.to_thread
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 12
MAX_LENGTH = 256

# argon2id with the RFC 9106 low-memory profile (t=3, m=64 MiB, p=4).
PRODUCTION_HASHER = PasswordHasher(time_cost=3, memory_cost=64 * 1024, parallelism=4)
_hasher = PRODUCTION_HASHER


def use_fast_hashing_for_tests() -> None:
    """Tests only: a cheap argon2id so fixtures are quick. Never called by the portal itself."""
    global _hasher
    _hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@cache
def _common_passwords() -> frozenset[str]:
    data = resources.files("portal.accounts").joinpath("data/common-passwords.txt.gz").read_bytes()
    return frozenset(line.strip().lower() for line in gzip.decompress(data).decode().splitlines() if line.strip())


def password_problem(password: str, email: str | None = None) -> str | None:
    """Why a new password is refused, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters."
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    lowered = password.lower()
    if lowered in _common_passwords():
        return "This password is on a list of commonly used passwords. Choose another."
    if len(set(lowered)) < 4:
        return "This password repeats too few characters. Choose another."
    if email and email.split("@", 1)[0].lower() in lowered and len(email.split("@", 1)[0]) >= 4:
        return "Do not use your e-mail address in your password."
    return None


async def hash_password(password: str) -> str:
    return await anyio.to_thread.run_sync(_hasher.hash, password)


async def verify_password(password_hash: str | None, password: str) -> bool:
    """Constant work whether or not the account exists, so timing does not reveal accounts."""
    target = password_hash or _dummy_hash()

    def _verify() -> bool:
        try:
            return _hasher.verify(target, password)
        except (VerificationError, InvalidHashError):
            return False

    ok = await anyio.to_thread.run_sync(_verify)
    return ok and password_hash is not None


_DUMMY: dict[str, str] = {}


def _dummy_hash() -> str:
    key = repr(_hasher)
    if key not in _DUMMY:
        _DUMMY[key] = _hasher.hash("not-a-real-password-for-timing")
    return _DUMMY[key]
