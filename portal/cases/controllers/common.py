"""What every client page shows at the top: name, status, age, case manager, risk, Part 2 flag; and the tabs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from portal.cases import clients
from portal.cases.vocabulary import CLIENT_STATUSES, LEVELS_OF_CARE, RISK_LEVELS
from portal.clock import local_today
from portal.core.services import get_practice
from portal.policy import Principal

CLIENT_TABS = [
    ("overview", "Overview", ""),
    ("notes", "Notes", "/notes"),
    ("care-team", "Care team", "/care-team"),
    ("consents", "Releases", "/consents"),
    ("placements", "Placements", "/placements"),
    ("tasks", "Tasks", "/tasks"),
    ("time", "Time", "/time"),
    ("timeline", "Timeline", "/timeline"),
    ("family", "Family", "/family"),
    ("updates", "Updates", "/updates"),
    ("messages", "Messages", "/messages"),
    ("documents", "Documents", "/documents"),
    ("disclosures", "Disclosures", "/disclosures"),
]


@dataclass(frozen=True)
class ClientHeader:
    client: dict[str, Any]
    name: str
    age: int | None
    status_label: str
    primary_case_manager: dict[str, Any] | None
    risk_level: str
    risk_label: str
    recommended_level: str
    time_zone: str
    tab: str
    tabs: list[tuple[str, str, str]]


async def client_header(principal: Principal, client_id: int, tab: str) -> ClientHeader:
    """Loads the client (audited as a view of this tab) and what the header shows, in a fixed number of queries."""
    client = await clients.get_client(principal, client_id, page=tab)
    practice = await get_practice()
    primary = (await clients.primary_case_managers([client_id])).get(client_id)
    assessment = await clients.get_assessment(client_id)
    risk = assessment.get("risk_level") or ""
    level = LEVELS_OF_CARE.get(client["recommended_level"] or "")
    return ClientHeader(
        client=client,
        name=clients.display_name(client),
        age=clients.age_on(client["date_of_birth"], local_today(practice.time_zone)),
        status_label=CLIENT_STATUSES.get(client["status"], client["status"]),
        primary_case_manager=primary,
        risk_level=risk,
        risk_label=RISK_LEVELS.get(risk, ""),
        recommended_level=level.label if level else "",
        time_zone=practice.time_zone,
        tab=tab,
        tabs=CLIENT_TABS,
    )
