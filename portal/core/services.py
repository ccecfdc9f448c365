"""The practice's own settings."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from portal.audit import services as audit
from portal.clock import utcnow
from portal.core.tables import Practice
from portal.db import write_transaction
from portal.errors import Invalid
from portal.policy import Action, Principal, require


@dataclass(frozen=True)
class PracticeSettings:
    name: str
    time_zone: str
    require_staff_mfa: bool
    require_family_mfa: bool
    roi_required_for_providers: bool
    no_contact_alert_days: int


async def get_practice() -> PracticeSettings:
    row = await Practice.select().where(Practice.id == 1).first()
    if row is None:
        raise RuntimeError("The practice row is missing: run `portal migrate`.")
    return PracticeSettings(
        name=row["name"],
        time_zone=row["time_zone"],
        require_staff_mfa=row["require_staff_mfa"],
        require_family_mfa=row["require_family_mfa"],
        roi_required_for_providers=row["roi_required_for_providers"],
        no_contact_alert_days=row["no_contact_alert_days"],
    )


def validate_time_zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid(time_zone=f"Unknown time zone {name!r}; use a name like America/New_York.") from None
    if name not in available_timezones():
        raise Invalid(time_zone=f"Unknown time zone {name!r}; use a name like America/New_York.")
    return name


async def update_practice(
    principal: Principal,
    *,
    name: str,
    time_zone: str,
    require_staff_mfa: bool,
    require_family_mfa: bool,
) -> PracticeSettings:
    require(principal, Action.PRACTICE_MANAGE)
    name = name.strip()
    errors: dict[str, str] = {}
    if not name or len(name) > 200:
        errors["name"] = "Enter the practice's name (at most 200 characters)."
    try:
        validate_time_zone(time_zone)
    except Invalid as exc:
        errors.update(exc.field_errors)
    if errors:
        raise Invalid(**errors)
    async with write_transaction():
        before = await get_practice()
        await Practice.update(
            {
                Practice.name: name,
                Practice.time_zone: time_zone,
                Practice.require_staff_mfa: require_staff_mfa,
                Practice.require_family_mfa: require_family_mfa,
                Practice.updated_at: utcnow(),
            }
        ).where(Practice.id == 1)
        changed = {
            key: value
            for key, value in {
                "name": name != before.name,
                "time_zone": time_zone != before.time_zone,
                "require_staff_mfa": require_staff_mfa != before.require_staff_mfa,
                "require_family_mfa": require_family_mfa != before.require_family_mfa,
            }.items()
            if value
        }
        await audit.record(
            principal,
            "practice.update",
            resource_type="practice",
            resource_id=1,
            detail={"changed": sorted(changed)},
        )
    return await get_practice()
