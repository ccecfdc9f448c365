"""The named people of every test: a practice with owner Olivia, case managers Casey and Morgan, biller Bea,
and Jordan's parents Pat and Sam."""

from __future__ import annotations

from typing import Any

PASSWORD = "correct horse battery staple 42"

PEOPLE = {
    "olivia@example.com": ("Olivia Bennett", "owner"),
    "casey@example.com": ("Casey Morales", "case_manager"),
    "morgan@example.com": ("Morgan Lee", "case_manager"),
    "bea@example.com": ("Bea Carter", "billing"),
    "pat@example.com": ("Pat Rivera", "family"),
    "sam@example.com": ("Sam Rivera", "family"),
}


async def seed() -> None:
    from portal.accounts import services
    from portal.core.tables import Practice
    from portal.policy import Principal, Role

    system = Principal.system("tests")
    await Practice.update({Practice.name: "Harbor Case Management", Practice.require_staff_mfa: False}).where(
        Practice.id == 1
    )
    for email, (name, role) in PEOPLE.items():
        await services.create_user(system, email=email, name=name, role=Role(role), password=PASSWORD)


async def get(email: str) -> dict[str, Any]:
    from portal.accounts.tables import User

    row = await User.select().where(User.email == email).first()
    assert row is not None, f"{email} was not seeded"
    return row
