"""The navigation each person sees, derived from the policy (a link shows only when its page would open)."""

from __future__ import annotations

from dataclasses import dataclass

from portal.policy import Action, Principal, can


@dataclass(frozen=True)
class NavItem:
    label: str
    href: str
    action: Action


NAV_ITEMS: list[NavItem] = [
    NavItem("Home", "/", Action.STAFF_AREA),
    NavItem("Home", "/family", Action.FAMILY_PORTAL),
    NavItem("Updates", "/family/updates", Action.FAMILY_PORTAL),
    NavItem("Messages", "/family/threads", Action.FAMILY_PORTAL),
    NavItem("Documents", "/family/documents", Action.FAMILY_PORTAL),
    NavItem("My day", "/my-day", Action.CLIENTS_READ),
    NavItem("Clients", "/clients", Action.CLIENTS_READ),
    NavItem("Users", "/users", Action.USERS_MANAGE),
    NavItem("Audit log", "/audit", Action.AUDIT_READ),
    NavItem("Practice", "/settings/practice", Action.PRACTICE_MANAGE),
]


def nav_for(principal: Principal | None) -> list[NavItem]:
    if principal is None or principal.mfa_pending or principal.mfa_enrollment_required:
        return []
    return [item for item in NAV_ITEMS if can(principal, item.action)]
