"""Password rules and storage."""

from __future__ import annotations

from typing import Any

from portal.accounts.passwords import password_problem
from portal.accounts.tables import User


def test_passwords_need_twelve_characters() -> None:
    assert password_problem("eleven chars") is None
    assert password_problem("elevenchars") == "Use at least 12 characters."


def test_common_passwords_are_refused_whatever_their_case() -> None:
    for password in ("qwerty123456", "QWERTY123456", "1q2w3e4r5t6y", "password1234"):
        assert "commonly used" in (password_problem(password) or "")


def test_a_password_made_of_one_repeated_character_is_refused() -> None:
    assert password_problem("aaaaaaaaaaaaaaaa") is not None


def test_the_email_address_is_not_a_password() -> None:
    assert password_problem("olivia.harbor-2026!", "olivia@example.com") is not None


async def test_passwords_are_stored_as_argon2id_hashes(casey: dict[str, Any]) -> None:
    from tests.support.people import PASSWORD

    row = await User.select(User.password_hash).where(User.id == casey["id"]).first()
    assert row["password_hash"].startswith("$argon2id$")
    assert PASSWORD not in row["password_hash"]


def test_production_hashing_is_slow_enough() -> None:
    # Tests lower the cost for speed; the portal's own default is argon2id t=3, m=64 MiB (RFC 9106).
    from portal.accounts.passwords import PRODUCTION_HASHER

    assert PRODUCTION_HASHER.time_cost >= 3 and PRODUCTION_HASHER.memory_cost >= 64 * 1024
    assert PRODUCTION_HASHER.hash("x" * 12).startswith("$argon2id$v=19$m=65536,t=3")
