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
    # A relative of Morgan's client Taylor: a family member with nothing to do with Jordan.
    "robin@example.com": ("Robin Brooks", "family"),
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


async def seed_cases() -> None:
    """Jordan Rivera (22, Casey's client) with parents Pat and Sam and a therapist; Taylor Brooks (Morgan's)."""
    from datetime import date

    from portal.accounts.tables import User
    from portal.cases import care_team, clients
    from portal.cases.tables import Relative
    from portal.policy import Principal

    system = Principal.system("tests")
    ids = {r["email"]: r["id"] for r in await User.select(User.id, User.email)}
    jordan = await clients.create_client(
        system,
        {
            "legal_name": "Jordan Rivera",
            "preferred_name": "Jordan",
            "date_of_birth": date(2004, 3, 14),
            "sex": "male",
            "status": "active",
            "city": "Montclair",
            "state": "NJ",
            "zip_code": "07042",
        },
        primary_case_manager_id=ids["casey@example.com"],
    )
    for name, email in (("Pat Rivera", "pat@example.com"), ("Sam Rivera", "sam@example.com")):
        relative_id = await clients.add_relative(
            system,
            jordan,
            {"name": name, "email": email, "relationship": "parent", "is_payer": email.startswith("pat")},
        )
        await Relative.update({Relative.user: ids[email]}).where(Relative.id == relative_id)
    await care_team.add_member(
        system,
        jordan,
        {
            "name": "Dana Reyes",
            "credentials": "LCSW",
            "party_type": "therapist",
            "npi": "1234567893",
            "role": "Individual therapist",
        },
    )
    taylor = await clients.create_client(
        system,
        {"legal_name": "Taylor Brooks", "date_of_birth": date(1999, 7, 2), "status": "active"},
        primary_case_manager_id=ids["morgan@example.com"],
    )
    robin = await clients.add_relative(
        system, taylor, {"name": "Robin Brooks", "email": "robin@example.com", "relationship": "sibling"}
    )
    await Relative.update({Relative.user: ids["robin@example.com"]}).where(Relative.id == robin)


async def client_named(legal_name: str) -> dict[str, Any]:
    from portal.cases.tables import Client

    row = await Client.select().where(Client.legal_name == legal_name).first()
    assert row is not None, f"{legal_name} was not seeded"
    return row


async def get(email: str) -> dict[str, Any]:
    from portal.accounts.tables import User

    row = await User.select().where(User.email == email).first()
    assert row is not None, f"{email} was not seeded"
    return row
