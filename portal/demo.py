"""The demo practice: Harbor Case Management, its people and its work. Later domains add their data here.

The demo is loaded as a story (portal/demo_story.py): the people join months ago and the case work follows
day by day, through the services, so every record and audit event carries the time it would have had.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from portal.accounts import services as accounts
from portal.accounts.tables import User
from portal.billing.demo import plan_billing_work
from portal.billing.superbill_demo import plan_superbill_work
from portal.cases.demo import plan_case_work
from portal.clock import utcnow
from portal.core.services import get_practice
from portal.core.tables import Practice
from portal.db import write_transaction
from portal.demo_story import Story
from portal.families.demo import plan_family_work
from portal.network.demo import plan_network_work
from portal.policy import Principal, Role

PRACTICE_NAME = "Harbor Case Management"
# The practice's people have had their accounts for a while before the demo's case work begins.
PEOPLE_JOINED_DAYS_AGO = 150

DEMO_PEOPLE: list[tuple[str, str, Role]] = [
    ("olivia@example.com", "Olivia Bennett", Role.OWNER),
    ("casey@example.com", "Casey Morales", Role.CASE_MANAGER),
    ("morgan@example.com", "Morgan Lee", Role.CASE_MANAGER),
    ("bea@example.com", "Bea Carter", Role.BILLING),
    ("pat@example.com", "Pat Rivera", Role.FAMILY),
    ("sam@example.com", "Sam Rivera", Role.FAMILY),
    ("robin.brooks@example.com", "Robin Brooks", Role.FAMILY),
]


class DemoNotEmpty(RuntimeError):
    pass


@dataclass
class DemoResult:
    password: str
    generated_password: bool
    people: list[tuple[str, str, str]] = field(default_factory=list)


def generate_demo_password() -> str:
    # Four short words' worth of entropy, readable when printed to a terminal.
    return "harbor-" + "-".join(secrets.token_hex(3) for _ in range(3))


def _remembered_password_file() -> Path:
    return Path(os.environ.get("PORTAL_VAR_DIR", "var")) / "demo-password.txt"


def remembered_demo_password() -> str | None:
    """The generated demo password, so `make run` can print the sign-ins again on later starts."""
    path = _remembered_password_file()
    return path.read_text().strip() if path.exists() else None


def _remember_password(password: str) -> None:
    path = _remembered_password_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(password + "\n")
    path.chmod(0o600)


async def database_is_empty() -> bool:
    return await User.count() == 0


async def load_demo(password: str | None = None) -> DemoResult:
    """Create the demo practice on an empty database (refuses otherwise, so it never mixes with real data)."""
    if not await database_is_empty():
        raise DemoNotEmpty("The database already has users; the demo only loads into an empty database.")
    generated = password is None
    password = password or generate_demo_password()
    system = Principal.system("demo")
    result = DemoResult(password=password, generated_password=generated)
    async with write_transaction():
        await Practice.update({Practice.name: PRACTICE_NAME, Practice.require_staff_mfa: False}).where(Practice.id == 1)
        story = Story(utcnow(), (await get_practice()).time_zone)

        async def create_people() -> None:
            for email, name, role in DEMO_PEOPLE:
                await accounts.create_user(system, email=email, name=name, role=role, password=password)
                result.people.append((name, email, role.value))

        story.at(story.moment(PEOPLE_JOINED_DAYS_AGO, "09:00"), create_people)
        cast = plan_case_work(story, people_exist_days_ago=PEOPLE_JOINED_DAYS_AGO)
        plan_family_work(story, cast, people_exist_days_ago=PEOPLE_JOINED_DAYS_AGO)
        plan_network_work(story, cast, people_exist_days_ago=PEOPLE_JOINED_DAYS_AGO)
        billing = plan_billing_work(story, cast)
        plan_superbill_work(story, cast, billing)
        await story.run()
    if generated:
        _remember_password(password)
    return result
