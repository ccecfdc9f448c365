"""The navigation each person sees, derived from the policy (a link shows only when its page would open)."""

from __future__ import annotations

from dataclasses import dataclass

from portal.policy import Action, Principal, can


@dataclass(frozen=True)
class NavItem:
    label: str
    href: str
    action: Action
    badge: str = ""  # key into the principal's unread counts (family pages)
    only_if: str = ""  # a flag the page's principal must carry in `extra` (set by the middleware), e.g. "pays"


NAV_ITEMS: list[NavItem] = [
    NavItem("Home", "/", Action.STAFF_AREA),
    NavItem("Home", "/family", Action.FAMILY_PORTAL),
    NavItem("Updates", "/family/updates", Action.FAMILY_PORTAL, badge="updates"),
    NavItem("Messages", "/family/threads", Action.FAMILY_PORTAL, badge="messages"),
    NavItem("Documents", "/family/documents", Action.FAMILY_PORTAL),
    NavItem("Billing", "/family/billing", Action.FAMILY_PORTAL, only_if="pays"),
    NavItem("My day", "/my-day", Action.CLIENTS_READ),
    NavItem("Clients", "/clients", Action.CLIENTS_READ),
    NavItem("Network", "/network", Action.NETWORK_READ),
    NavItem("Billing", "/billing", Action.BILLING_READ),
    NavItem("Users", "/users", Action.USERS_MANAGE),
    NavItem("Audit log", "/audit", Action.AUDIT_READ),
    NavItem("Retention", "/retention", Action.RECORDS_RETENTION),
    NavItem("Practice", "/settings/practice", Action.PRACTICE_MANAGE),
]


def nav_for(principal: Principal | None) -> list[NavItem]:
    if principal is None or principal.mfa_pending or principal.mfa_enrollment_required:
        return []
    return [
        item
        for item in NAV_ITEMS
        if can(principal, item.action) and (not item.only_if or principal.extra.get(item.only_if))
    ]
