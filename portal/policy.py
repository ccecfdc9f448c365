"""Who may do what: the single authority (DESIGN.md §4).

Controllers put `guard(Action.X)` on every route that is not on `PUBLIC_ROUTES`; services call
`require(principal, Action.X)` again before a write. A test walks the route table and fails on any route
that is neither public nor guarded by a guard made here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler


class Role(StrEnum):
    OWNER = "owner"
    CASE_MANAGER = "case_manager"
    BILLING = "billing"
    FAMILY = "family"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.OWNER: "Owner",
    Role.CASE_MANAGER: "Case manager",
    Role.BILLING: "Billing",
    Role.FAMILY: "Family",
}

STAFF_ROLES = frozenset({Role.OWNER, Role.CASE_MANAGER, Role.BILLING})


class Action(StrEnum):
    # Any signed-in person, about themselves.
    ACCOUNT_SELF = "account.self"
    # Owner only.
    USERS_MANAGE = "users.manage"
    PRACTICE_MANAGE = "practice.manage"
    AUDIT_READ = "audit.read"
    # Staff areas.
    STAFF_AREA = "staff.area"
    # Clinical case records (further limited to the clients one is assigned to: see client_scope()).
    CLIENTS_READ = "clients.read"
    CLIENTS_WRITE = "clients.write"
    CLIENTS_CREATE = "clients.create"
    CARE_TEAM_DIRECTORY = "care_team.directory"
    # The family portal: relatives' own pages (further limited by access grants: portal/families/access.py),
    # and the staff side of it (relatives, grants, updates, messages, documents of clients one may see).
    FAMILY_PORTAL = "family.portal"
    FAMILY_MANAGE = "family.manage"
    # Billing: agreements, invoices, payments, reports (no clinical data). Writing off is the owner's call.
    BILLING_READ = "billing.read"
    BILLING_WRITE = "billing.write"
    BILLING_DECIDE = "billing.decide"
    # The program network: staff who place clients. Vetting notes, incidents and outcomes are internal.
    NETWORK_READ = "network.read"
    NETWORK_WRITE = "network.write"
    # Superbills and out-of-network claims (families reach theirs through a billing grant, in portal.families).
    SUPERBILLS_READ = "superbills.read"
    SUPERBILLS_WRITE = "superbills.write"
    # Operations: the client's right of access, retention (archive, legal hold, purge), emergency access.
    CLIENT_EXPORT = "client.export"
    RECORDS_RETENTION = "records.retention"
    EMERGENCY_ACCESS_GRANT = "emergency_access.grant"


RULES: dict[Action, frozenset[Role]] = {
    Action.ACCOUNT_SELF: frozenset(Role),
    Action.USERS_MANAGE: frozenset({Role.OWNER}),
    Action.PRACTICE_MANAGE: frozenset({Role.OWNER}),
    Action.AUDIT_READ: frozenset({Role.OWNER}),
    Action.STAFF_AREA: STAFF_ROLES,
    Action.CLIENTS_READ: frozenset({Role.OWNER, Role.CASE_MANAGER}),
    Action.CLIENTS_WRITE: frozenset({Role.OWNER, Role.CASE_MANAGER}),
    Action.CLIENTS_CREATE: frozenset({Role.OWNER, Role.CASE_MANAGER}),
    Action.CARE_TEAM_DIRECTORY: frozenset({Role.OWNER, Role.CASE_MANAGER}),
    Action.FAMILY_PORTAL: frozenset({Role.FAMILY}),
    Action.FAMILY_MANAGE: frozenset({Role.OWNER, Role.CASE_MANAGER}),
    Action.BILLING_READ: frozenset({Role.OWNER, Role.BILLING}),
    Action.BILLING_WRITE: frozenset({Role.OWNER, Role.BILLING}),
    Action.BILLING_DECIDE: frozenset({Role.OWNER}),
    Action.NETWORK_READ: frozenset({Role.OWNER, Role.CASE_MANAGER}),
    Action.NETWORK_WRITE: frozenset({Role.OWNER, Role.CASE_MANAGER}),
    Action.SUPERBILLS_READ: frozenset({Role.OWNER, Role.BILLING}),
    Action.SUPERBILLS_WRITE: frozenset({Role.OWNER, Role.BILLING}),
    Action.CLIENT_EXPORT: frozenset({Role.OWNER}),
    Action.RECORDS_RETENTION: frozenset({Role.OWNER}),
    Action.EMERGENCY_ACCESS_GRANT: frozenset({Role.OWNER}),
}

# Routes anyone may call without signing in. Everything else needs a guard from `guard()`.
PUBLIC_ROUTES: frozenset[str] = frozenset(
    {
        "/",
        "/healthz",
        "/login",
        "/logout",
        "/login/mfa",
        "/password/forgot",
        "/password/reset/{token:str}",
        "/invitations/{token:str}",
        "/api/v1/auth/login",
        "/api/v1/auth/logout",
        "/api/v1/auth/password-reset",
        # Stripe's deliveries: authenticated by their signature (portal.billing.webhooks), not by a session.
        "/api/v1/billing/stripe/webhook",
        "/static/{file_path:path}",
        "/schema",
        "/schema/openapi.json",
        "/schema/{path:str}",
        # Prometheus scrapes: its own guard (portal.metrics): a bearer token, or only from the machine itself.
        "/metrics",
    }
)


@dataclass(frozen=True)
class Principal:
    """The person (or system job) acting, with where the request came from, for policy and audit."""

    user_id: int | None
    role: Role | None
    email: str
    name: str
    session_id: int | None = None
    ip: str = ""
    user_agent: str = ""
    mfa_enabled: bool = False
    # Password accepted but the TOTP step of sign-in is still to come.
    mfa_pending: bool = False
    # Staff who must enrol MFA before doing anything else.
    mfa_enrollment_required: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_family(self) -> bool:
        return self.role == Role.FAMILY

    @property
    def label(self) -> str:
        return self.email

    @classmethod
    def system(cls, name: str) -> Principal:
        """The CLI, the worker or a migration acting on its own behalf (full authority, audited as such)."""
        return cls(user_id=None, role=Role.OWNER, email=f"system:{name}", name=name)

    @classmethod
    def anonymous(cls, ip: str = "", user_agent: str = "") -> Principal:
        return cls(user_id=None, role=None, email="anonymous", name="anonymous", ip=ip, user_agent=user_agent)


def can(principal: Principal | None, action: Action) -> bool:
    if principal is None or principal.role is None or principal.mfa_pending:
        return False
    return principal.role in RULES[action]


def require(principal: Principal, action: Action) -> None:
    """Services call this before acting, so a route that forgot its guard still cannot write."""
    if not can(principal, action):
        raise PermissionDeniedException("You do not have permission to do that.")


class MfaEnrollmentRequired(PermissionDeniedException):
    """Staff must enrol MFA first; HTML requests are sent to the enrolment page."""


class MfaChallengePending(NotAuthorizedException):
    """The password was right; the TOTP step of sign-in is still to come."""


@dataclass(frozen=True)
class PolicyGuard:
    """A Litestar guard made by `guard()`; the route-table test recognises routes guarded by it."""

    action: Action
    allow_mfa_enrollment: bool = False

    async def __call__(self, connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        principal: Principal | None = connection.scope.get("user")
        if principal is None:
            raise NotAuthorizedException("Please sign in.")
        if principal.mfa_pending:
            raise MfaChallengePending("Enter the code from your authenticator app to finish signing in.")
        if principal.mfa_enrollment_required and not self.allow_mfa_enrollment:
            raise MfaEnrollmentRequired("Set up two-factor authentication before continuing.")
        if not can(principal, self.action):
            raise PermissionDeniedException("You do not have permission to do that.")


def guard(action: Action, *, allow_mfa_enrollment: bool = False) -> PolicyGuard:
    return PolicyGuard(action=action, allow_mfa_enrollment=allow_mfa_enrollment)


def is_policy_guard(obj: object) -> bool:
    return isinstance(obj, PolicyGuard)


# --------------------------------------------------------------------------- client scope


# Row ids are Piccolo `Serial` columns: INTEGER (32-bit) on PostgreSQL.
MAX_ROW_ID = 2**31 - 1


def client_scope(principal: Principal, *, emergency: bool = True) -> Any:
    """A where-clause on `Client.id` for the clients this person may see (case managers: the clients they are
    assigned to now, and those an active emergency grant lets them into unless `emergency` is False; the owner:
    every client not archived). Billing and family roles see no clinical record."""
    from portal.cases.tables import Client, ClientAssignment
    from portal.operations.emergency_access import granted_client_ids

    if principal.role == Role.OWNER:
        return Client.archived_at.is_null()
    if principal.role == Role.CASE_MANAGER and principal.user_id is not None:
        assigned = ClientAssignment.select(ClientAssignment.client).where(
            (ClientAssignment.case_manager == principal.user_id) & ClientAssignment.ended_at.is_null()
        )
        scope: Any = Client.id.is_in(assigned)
        if emergency:
            scope = scope | Client.id.is_in(granted_client_ids(principal.user_id))
        return scope & Client.archived_at.is_null()
    return Client.id == -1


async def require_client(principal: Principal, client_id: int, action: Action = Action.CLIENTS_READ) -> None:
    """Raise NotFound unless this person may act on this client: an invisible client looks like a missing one."""
    from portal.cases.tables import Client
    from portal.errors import NotFound
    from portal.operations.emergency_access import use_grant

    # An id beyond the integer column's range (a typed or crafted URL) is simply not found, not a database error.
    # A case manager not assigned to the client gets in only through an active emergency grant (each use audited).
    if (
        not can(principal, action)
        or not 0 < client_id <= MAX_ROW_ID
        or not (
            await Client.exists().where((Client.id == client_id) & client_scope(principal, emergency=False))
            or await use_grant(principal, client_id)
        )
    ):
        raise NotFound("No such client.")


def unguarded_routes(app: Any) -> list[str]:
    """Every `METHOD path` of `app` that is neither on PUBLIC_ROUTES nor guarded by a policy guard.

    Litestar's automatic OPTIONS handlers (which answer CORS pre-flight and run no code of ours) are skipped.
    """
    problems: list[str] = []
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            methods = set(getattr(handler, "http_methods", {"ASGI"}))
            if methods == {"OPTIONS"}:
                continue
            if route.path in PUBLIC_ROUTES:
                continue
            if not any(is_policy_guard(g) for g in handler.resolve_guards()):
                problems.extend(f"{method} {route.path}" for method in sorted(methods))
    return sorted(problems)
