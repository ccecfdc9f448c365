"""What the program pages share: the choices their forms offer, and the header of a program's workflow pages."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from portal.cases.vocabulary import LEVELS_OF_CARE
from portal.network.programs import PAY_UNITS
from portal.network.vocabulary import (
    ACCREDITATIONS,
    APPROACHES,
    CONDITIONS,
    CONTACT_ROLES,
    CREDENTIAL_KINDS,
    DECISIONS,
    DESK_CHECKS,
    EXCLUSIONS,
    GENDERS,
    INCIDENT_KINDS,
    LANGUAGES,
    PAYMENT,
    POPULATIONS,
    PROGRAM_TYPES,
    SITE_VISIT_CHECKLIST,
)


def level_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """Levels of care grouped by framework (ASAM 3rd, ASAM 4th, mental-health settings)."""
    return [
        (framework, [(level.code, level.label) for level in levels])
        for framework, levels in groupby(LEVELS_OF_CARE.values(), key=lambda level: level.framework)
    ]


PROGRAM_CHOICES: dict[str, Any] = {
    "level_groups": level_groups(),
    "program_types": PROGRAM_TYPES,
    "populations": POPULATIONS,
    "genders": GENDERS,
    "languages": LANGUAGES,
    "conditions": CONDITIONS,
    "approaches": APPROACHES,
    "payment_options": PAYMENT,
    "accreditations": ACCREDITATIONS,
    "exclusions": EXCLUSIONS,
    "pay_units": list(PAY_UNITS.items()),
    "contact_roles": list(CONTACT_ROLES.items()),
    "credential_kinds": list(CREDENTIAL_KINDS.items()),
    "decisions": DECISIONS,
    "desk_checks": DESK_CHECKS,
    "site_visit_checklist": SITE_VISIT_CHECKLIST,
    "incident_kinds": list(INCIDENT_KINDS.items()),
}


def program_path(program_id: int, suffix: str = "") -> str:
    return f"/network/programs/{program_id}{suffix}"
