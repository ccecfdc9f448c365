"""Accounts: sign-in, MFA, invitations, password resets and user administration.

Every function here is one unit of work that owns its transaction and writes its audit events.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from portal.accounts import mfa, sessions, throttle
from portal.accounts.passwords import hash_password, password_problem, verify_password
from portal.accounts.tables import EmailToken, RecoveryCode, User
from portal.audit import services as audit
from portal.clock import utcnow
from portal.core.services import get_practice
from portal.db import is_unique_violation, write_transaction
from portal.errors import DomainError, Forbidden, Invalid, NotFound
from portal.mail import services as mail
from portal.policy import STAFF_ROLES, Action, Principal, Role, require
from portal.settings import get_settings

INVITATION_LIFETIME = timedelta(hours=72)
RESET_LIFETIME = timedelta(hours=1)
EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")


class InvalidCredentials(DomainError):
    status_code = 401


class MfaCodeRequired(DomainError):
    status_code = 401


def normalise_email(email: str) -> str:
    return email.strip().lower()


def validate_email(email: str) -> str:
    email = normalise_email(email)
    if len(email) > 254 or not EMAIL_RE.match(email):
        raise Invalid(email="Enter a valid e-mail address.")
    return email


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def _user_by_email(email: str) -> dict[str, Any] | None:
    return await User.select().where(User.email == normalise_email(email)).first()


async def get_user(user_id: int) -> dict[str, Any]:
    row = await User.select().where(User.id == user_id).first()
    if row is None:
        raise NotFound("No such user.")
    return row


async def mfa_enrollment_required(user: dict[str, Any]) -> bool:
    if user["mfa_enabled"]:
        return False
    practice = await get_practice()
    if user["role"] in STAFF_ROLES:
        return practice.require_staff_mfa
    return practice.require_family_mfa


def principal_for(
    user: dict[str, Any],
    *,
    session_id: int | None = None,
    ip: str = "",
    user_agent: str = "",
    mfa_pending: bool = False,
    mfa_enrollment_required: bool = False,
) -> Principal:
    return Principal(
        user_id=user["id"],
        role=Role(user["role"]),
        email=user["email"],
        name=user["name"],
        session_id=session_id,
        ip=ip,
        user_agent=user_agent,
        mfa_enabled=user["mfa_enabled"],
        mfa_pending=mfa_pending,
        mfa_enrollment_required=mfa_enrollment_required,
    )


# --------------------------------------------------------------------------- sign-in


@dataclass(frozen=True)
class SignIn:
    token: str
    user_id: int
    mfa_pending: bool


async def sign_in(
    email: str,
    password: str,
    *,
    ip: str,
    user_agent: str,
    previous_token: str | None = None,
    second_factor: str | None = None,
    second_factor_in_same_request: bool = False,
) -> SignIn:
    """Check the password (and the second factor when given); start a fresh session.

    With MFA on and no second factor given, the session starts in the `mfa_pending` state, which only
    allows the MFA step. The JSON API passes the code in the same request instead.
    """
    email = normalise_email(email)
    anonymous = Principal.anonymous(ip=ip, user_agent=user_agent)
    await throttle.check("login", email, ip)
    user = await _user_by_email(email)
    password_ok = await verify_password(user["password_hash"] if user else None, password)
    if user is None or not password_ok or not user["active"]:
        await throttle.record_failure("login", email, ip)
        reason = "unknown_account" if user is None else ("inactive" if not user["active"] else "bad_password")
        actor = anonymous if user is None else principal_for(user, ip=ip, user_agent=user_agent)
        await audit.record(
            actor,
            "auth.login.failure",
            resource_type="user",
            resource_id=user["id"] if user else "",
            detail={"reason": reason},
        )
        raise InvalidCredentials("The e-mail address or password is incorrect.")

    await sessions.delete_session_by_token(previous_token)
    mfa_verified = not user["mfa_enabled"]
    if user["mfa_enabled"] and second_factor is None and second_factor_in_same_request:
        raise MfaCodeRequired("An authentication code is required: send it as `totp`.")
    if user["mfa_enabled"] and second_factor is not None:
        await throttle.check("mfa", email, ip)
        method = await _consume_second_factor(user, second_factor)
        if method is None:
            await throttle.record_failure("mfa", email, ip)
            await throttle.record_failure("login", email, ip)
            await audit.record(
                principal_for(user, ip=ip, user_agent=user_agent),
                "auth.mfa.failure",
                resource_type="user",
                resource_id=user["id"],
            )
            raise InvalidCredentials("The authentication code is incorrect or was already used.")
        await throttle.record_success("mfa", email, ip)
        mfa_verified = True

    await throttle.record_success("login", email, ip)
    token = await sessions.create_session(user["id"], mfa_verified=mfa_verified, ip=ip, user_agent=user_agent)
    async with write_transaction():
        await User.update({User.last_login_at: utcnow()}).where(User.id == user["id"])
        await audit.record(
            principal_for(user, ip=ip, user_agent=user_agent),
            "auth.login.success" if mfa_verified else "auth.login.password_ok",
            resource_type="user",
            resource_id=user["id"],
            detail={"mfa": user["mfa_enabled"]},
        )
    return SignIn(token=token, user_id=user["id"], mfa_pending=not mfa_verified)


async def complete_mfa_sign_in(token: str, code: str, *, ip: str, user_agent: str) -> str:
    """The second step of an HTML sign-in. Returns a new session token (the id changes again)."""
    loaded = await sessions.load_session(token)
    if loaded is None or loaded.mfa_verified:
        raise InvalidCredentials("Your sign-in has expired. Please sign in again.")
    user = loaded.user
    await throttle.check("mfa", user["email"], ip)
    method = await _consume_second_factor(user, code)
    actor = principal_for(user, ip=ip, user_agent=user_agent)
    if method is None:
        await throttle.record_failure("mfa", user["email"], ip)
        await audit.record(actor, "auth.mfa.failure", resource_type="user", resource_id=user["id"])
        raise Invalid(code="That code is incorrect or was already used.")
    await throttle.record_success("mfa", user["email"], ip)
    await sessions.delete_session_by_id(loaded.session_id)
    new_token = await sessions.create_session(user["id"], mfa_verified=True, ip=ip, user_agent=user_agent)
    await audit.record(
        actor, "auth.login.success", resource_type="user", resource_id=user["id"], detail={"mfa": method}
    )
    return new_token


async def _consume_second_factor(user: dict[str, Any], code: str) -> str | None:
    """Accept a TOTP code newer than the last one used, or an unused recovery code; mark it used."""
    code = code.strip()
    if mfa.looks_like_recovery_code(code):
        async with write_transaction():
            used = (
                await RecoveryCode.update({RecoveryCode.used_at: utcnow()})
                .where(
                    (RecoveryCode.user == user["id"])
                    & (RecoveryCode.code_hash == mfa.hash_recovery_code(code))
                    & RecoveryCode.used_at.is_null()
                )
                .returning(RecoveryCode.id)
            )
        return "recovery_code" if used else None
    secret = mfa.decrypt_secret(user["mfa_secret_encrypted"] or "")
    if secret is None:
        return None
    step = mfa.matching_step(secret, code, user["mfa_last_step"])
    if step is None:
        return None
    # Compare-and-set, so two requests racing with the same code cannot both succeed.
    async with write_transaction():
        updated = (
            await User.update({User.mfa_last_step: step})
            .where((User.id == user["id"]) & (User.mfa_last_step.is_null() | (User.mfa_last_step < step)))
            .returning(User.id)
        )
    return "totp" if updated else None


async def sign_out(principal: Principal | None, token: str | None) -> None:
    await sessions.delete_session_by_token(token)
    if principal is not None and principal.user_id is not None:
        await audit.record(principal, "auth.logout", resource_type="user", resource_id=principal.user_id)


# --------------------------------------------------------------------------- MFA enrolment


@dataclass(frozen=True)
class MfaEnrollment:
    secret: str
    uri: str
    qr_svg: str


async def begin_mfa_enrollment(principal: Principal) -> MfaEnrollment:
    require(principal, Action.ACCOUNT_SELF)
    assert principal.user_id is not None
    user = await get_user(principal.user_id)
    if user["mfa_enabled"]:
        raise Invalid("Two-factor authentication is already on. Turn it off first to enrol a new device.")
    secret = mfa.decrypt_secret(user["mfa_secret_encrypted"] or "") if user["mfa_secret_encrypted"] else None
    if secret is None:
        secret = mfa.new_secret()
        async with write_transaction():
            await User.update({User.mfa_secret_encrypted: mfa.encrypt_secret(secret)}).where(
                User.id == principal.user_id
            )
    uri = mfa.provisioning_uri(secret, user["email"])
    return MfaEnrollment(secret=secret, uri=uri, qr_svg=mfa.qr_svg(uri))


async def confirm_mfa_enrollment(principal: Principal, code: str) -> list[str]:
    """Turn MFA on once the person proves their app works; returns ten fresh recovery codes."""
    require(principal, Action.ACCOUNT_SELF)
    assert principal.user_id is not None
    user = await get_user(principal.user_id)
    if user["mfa_enabled"]:
        raise Invalid("Two-factor authentication is already on.")
    secret = mfa.decrypt_secret(user["mfa_secret_encrypted"] or "")
    step = mfa.matching_step(secret, code, None) if secret else None
    if step is None:
        raise Invalid(code="That code does not match. Check the time on your phone and try the next code.")
    codes = mfa.generate_recovery_codes()
    async with write_transaction():
        await User.update({User.mfa_enabled: True, User.mfa_enabled_at: utcnow(), User.mfa_last_step: step}).where(
            User.id == principal.user_id
        )
        await _replace_recovery_codes(principal.user_id, codes)
        await audit.record(principal, "mfa.enabled", resource_type="user", resource_id=principal.user_id)
    return codes


async def _replace_recovery_codes(user_id: int, codes: list[str]) -> None:
    await RecoveryCode.delete().where(RecoveryCode.user == user_id)
    await RecoveryCode.insert(*[RecoveryCode(user=user_id, code_hash=mfa.hash_recovery_code(c)) for c in codes])


async def regenerate_recovery_codes(principal: Principal, password: str) -> list[str]:
    require(principal, Action.ACCOUNT_SELF)
    assert principal.user_id is not None
    user = await get_user(principal.user_id)
    if not user["mfa_enabled"]:
        raise Invalid("Turn on two-factor authentication first.")
    if not await verify_password(user["password_hash"], password):
        raise Invalid(password="Your password is incorrect.")
    codes = mfa.generate_recovery_codes()
    async with write_transaction():
        await _replace_recovery_codes(principal.user_id, codes)
        await audit.record(
            principal, "mfa.recovery_codes.regenerated", resource_type="user", resource_id=principal.user_id
        )
    return codes


async def unused_recovery_code_count(user_id: int) -> int:
    return await RecoveryCode.count().where((RecoveryCode.user == user_id) & RecoveryCode.used_at.is_null())


async def disable_mfa(principal: Principal, password: str) -> None:
    require(principal, Action.ACCOUNT_SELF)
    assert principal.user_id is not None
    user = await get_user(principal.user_id)
    practice = await get_practice()
    required = practice.require_staff_mfa if user["role"] in STAFF_ROLES else practice.require_family_mfa
    if required:
        raise Forbidden("The practice requires two-factor authentication; it cannot be turned off.")
    if not await verify_password(user["password_hash"], password):
        raise Invalid(password="Your password is incorrect.")
    async with write_transaction():
        await User.update({User.mfa_enabled: False, User.mfa_secret_encrypted: None, User.mfa_last_step: None}).where(
            User.id == principal.user_id
        )
        await RecoveryCode.delete().where(RecoveryCode.user == principal.user_id)
        await audit.record(principal, "mfa.disabled", resource_type="user", resource_id=principal.user_id)


# --------------------------------------------------------------------------- passwords


async def change_password(principal: Principal, current_password: str, new_password: str) -> None:
    require(principal, Action.ACCOUNT_SELF)
    assert principal.user_id is not None
    user = await get_user(principal.user_id)
    if not await verify_password(user["password_hash"], current_password):
        raise Invalid(current_password="Your current password is incorrect.")
    problem = password_problem(new_password, user["email"])
    if problem:
        raise Invalid(new_password=problem)
    new_hash = await hash_password(new_password)
    async with write_transaction():
        await User.update({User.password_hash: new_hash, User.password_changed_at: utcnow()}).where(
            User.id == principal.user_id
        )
        await sessions.delete_user_sessions(principal.user_id, except_session_id=principal.session_id)
        await audit.record(principal, "account.password.changed", resource_type="user", resource_id=user["id"])


async def _issue_email_token(user_id: int, purpose: str, lifetime: timedelta) -> str:
    token = secrets.token_urlsafe(32)
    now = utcnow()
    await EmailToken.update({EmailToken.used_at: now}).where(
        (EmailToken.user == user_id) & (EmailToken.purpose == purpose) & EmailToken.used_at.is_null()
    )
    await EmailToken.insert(
        EmailToken(
            purpose=purpose,
            token_hash=_token_hash(token),
            user=user_id,
            created_at=now,
            expires_at=now + lifetime,
        )
    )
    return token


async def _valid_token(token: str, purpose: str) -> dict[str, Any] | None:
    if not token or len(token) > 128:
        return None
    row = (
        await EmailToken.select(EmailToken.id, EmailToken.expires_at, EmailToken.used_at, EmailToken.user.id)
        .where((EmailToken.token_hash == _token_hash(token)) & (EmailToken.purpose == purpose))
        .first()
    )
    if row is None or row["used_at"] is not None or row["expires_at"] <= utcnow():
        return None
    return row


async def request_password_reset(email: str, *, ip: str, user_agent: str) -> None:
    """Send a reset link if the address has an active account. The caller says the same thing either way."""
    email = normalise_email(email)
    await throttle.check("reset", email, ip)
    await throttle.record_failure("reset", email, ip)  # every request counts toward the limit
    user = await _user_by_email(email)
    if user is None or not user["active"] or user["password_hash"] is None:
        return
    practice = await get_practice()
    async with write_transaction():
        token = await _issue_email_token(user["id"], "reset", RESET_LIFETIME)
        link = f"{get_settings().base_url}/password/reset/{token}"
        await mail.enqueue(
            user["email"],
            f"Reset your {practice.name} portal password",
            f"Someone asked to reset the password of your {practice.name} portal account.\n\n"
            f"Choose a new password here (the link works once, for one hour):\n{link}\n\n"
            "If this was not you, you can ignore this message; your password has not changed.\n",
        )
        await audit.record(
            principal_for(user, ip=ip, user_agent=user_agent),
            "auth.password_reset.requested",
            resource_type="user",
            resource_id=user["id"],
        )


async def reset_link_is_valid(token: str) -> bool:
    return await _valid_token(token, "reset") is not None


async def reset_password(token: str, new_password: str, *, ip: str, user_agent: str) -> None:
    row = await _valid_token(token, "reset")
    if row is None:
        raise Invalid("This link has expired or was already used. Ask for a new one.")
    user = await get_user(row["user.id"])
    problem = password_problem(new_password, user["email"])
    if problem:
        raise Invalid(password=problem)
    new_hash = await hash_password(new_password)
    async with write_transaction():
        used = (
            await EmailToken.update({EmailToken.used_at: utcnow()})
            .where((EmailToken.id == row["id"]) & EmailToken.used_at.is_null())
            .returning(EmailToken.id)
        )
        if not used:
            raise Invalid("This link has expired or was already used. Ask for a new one.")
        await User.update({User.password_hash: new_hash, User.password_changed_at: utcnow()}).where(
            User.id == user["id"]
        )
        await sessions.delete_user_sessions(user["id"])
        await audit.record(
            principal_for(user, ip=ip, user_agent=user_agent),
            "auth.password_reset.completed",
            resource_type="user",
            resource_id=user["id"],
        )


# --------------------------------------------------------------------------- invitations and users


async def create_user(
    principal: Principal, *, email: str, name: str, role: Role, password: str | None = None
) -> dict[str, Any]:
    """Create an account directly (CLI, demo). With no password the person must be invited to set one."""
    require(principal, Action.USERS_MANAGE)
    email = validate_email(email)
    name = name.strip()
    if not name or len(name) > 120:
        raise Invalid(name="Enter a name (at most 120 characters).")
    password_hash = None
    if password is not None:
        problem = password_problem(password, email)
        if problem:
            raise Invalid(password=problem)
        password_hash = await hash_password(password)
    try:
        async with write_transaction():
            rows = await User.insert(
                User(
                    email=email,
                    name=name,
                    role=role.value,
                    password_hash=password_hash,
                    active=True,
                    created_at=utcnow(),
                    password_changed_at=utcnow() if password_hash else None,
                )
            ).returning(User.id)
            user_id = rows[0]["id"]
            await audit.record(
                principal,
                "user.create",
                resource_type="user",
                resource_id=user_id,
                detail={"role": role.value},
            )
    except Exception as exc:
        if is_unique_violation(exc):
            raise Invalid(email="There is already an account with this e-mail address.") from None
        raise
    return await get_user(user_id)


async def invite_user(principal: Principal, *, email: str, name: str, role: Role) -> dict[str, Any]:
    """Create the account without a password and e-mail a single-use link (72 h) to set one."""
    require(principal, Action.USERS_MANAGE)
    async with write_transaction():
        user = await create_user(principal, email=email, name=name, role=role)
        await _send_invitation(principal, user)
    return user


async def invite_family_member(principal: Principal, *, email: str, name: str) -> tuple[dict[str, Any], bool]:
    """A case manager invites a relative. An existing family account is reused (one person, several clients):
    returns (user, invited) where `invited` is False when the person already had an account."""
    require(principal, Action.FAMILY_MANAGE)
    email = validate_email(email)
    existing = await _user_by_email(email)
    if existing is not None:
        if existing["role"] != Role.FAMILY.value:
            raise Invalid(email="This address belongs to a staff account; use the relative's own address.")
        return existing, False
    system = Principal.system("family-invitation")
    async with write_transaction():
        user = await create_user(system, email=email, name=name, role=Role.FAMILY)
        await _send_invitation(principal, user)
    return user, True


async def resend_family_invitation(principal: Principal, user_id: int) -> None:
    require(principal, Action.FAMILY_MANAGE)
    user = await get_user(user_id)
    if user["role"] != Role.FAMILY.value or user["password_hash"] is not None:
        raise Invalid("This person has already set a password.")
    async with write_transaction():
        await _send_invitation(principal, user)


async def resend_invitation(principal: Principal, user_id: int) -> None:
    require(principal, Action.USERS_MANAGE)
    user = await get_user(user_id)
    if user["password_hash"] is not None:
        raise Invalid("This person has already set a password.")
    async with write_transaction():
        await _send_invitation(principal, user)


async def _send_invitation(principal: Principal, user: dict[str, Any]) -> None:
    practice = await get_practice()
    token = await _issue_email_token(user["id"], "invite", INVITATION_LIFETIME)
    link = f"{get_settings().base_url}/invitations/{token}"
    await mail.enqueue(
        user["email"],
        f"Your invitation to the {practice.name} portal",
        f"{practice.name} has invited you to its secure portal.\n\n"
        f"Choose your password here (the link works once, for 72 hours):\n{link}\n\n"
        "If you were not expecting this, you can ignore this message.\n",
    )
    await audit.record(principal, "user.invite", resource_type="user", resource_id=user["id"])


async def invitation_is_valid(token: str) -> bool:
    return await _valid_token(token, "invite") is not None


async def accept_invitation(token: str, password: str, *, ip: str, user_agent: str) -> dict[str, Any]:
    row = await _valid_token(token, "invite")
    if row is None:
        raise Invalid("This invitation has expired or was already used. Ask the practice for a new one.")
    user = await get_user(row["user.id"])
    problem = password_problem(password, user["email"])
    if problem:
        raise Invalid(password=problem)
    new_hash = await hash_password(password)
    async with write_transaction():
        used = (
            await EmailToken.update({EmailToken.used_at: utcnow()})
            .where((EmailToken.id == row["id"]) & EmailToken.used_at.is_null())
            .returning(EmailToken.id)
        )
        if not used:
            raise Invalid("This invitation has expired or was already used. Ask the practice for a new one.")
        await User.update({User.password_hash: new_hash, User.password_changed_at: utcnow()}).where(
            User.id == user["id"]
        )
        await audit.record(
            principal_for(user, ip=ip, user_agent=user_agent),
            "user.invitation.accepted",
            resource_type="user",
            resource_id=user["id"],
        )
    return user


async def list_users(*, include_family: bool = True) -> list[dict[str, Any]]:
    query = (
        User.select(
            User.id,
            User.email,
            User.name,
            User.role,
            User.active,
            User.mfa_enabled,
            User.last_login_at,
            User.password_hash,
        )
        .order_by(User.role)
        .order_by(User.name)
    )
    if not include_family:
        query = query.where(User.role != Role.FAMILY.value)
    rows = await query
    for row in rows:
        # Never hand a hash to a template; say only whether a password has been set.
        row["has_password"] = row.pop("password_hash") is not None
    return rows


async def _active_owner_count() -> int:
    return await User.count().where((User.role == Role.OWNER.value) & (User.active == True))  # noqa: E712


async def change_role(principal: Principal, user_id: int, role: Role) -> None:
    require(principal, Action.USERS_MANAGE)
    user = await get_user(user_id)
    if user_id == principal.user_id:
        raise Invalid("You cannot change your own role.")
    if (user["role"] == Role.FAMILY.value) != (role == Role.FAMILY):
        raise Invalid("Family accounts and staff accounts cannot be converted into each other.")
    async with write_transaction():
        await User.update({User.role: role.value}).where(User.id == user_id)
        if user["role"] == Role.OWNER.value and await _active_owner_count() == 0:
            raise Invalid("The practice must keep at least one active owner.")
        # A new role is a new set of permissions: end the old sessions so none keeps the old ones.
        await sessions.delete_user_sessions(user_id)
        await audit.record(
            principal,
            "user.role.change",
            resource_type="user",
            resource_id=user_id,
            detail={"from": user["role"], "to": role.value},
        )


async def deactivate_user(principal: Principal, user_id: int) -> None:
    """Deactivation ends every session of that person at once."""
    require(principal, Action.USERS_MANAGE)
    user = await get_user(user_id)
    if user_id == principal.user_id:
        raise Invalid("You cannot deactivate yourself.")
    async with write_transaction():
        await User.update({User.active: False, User.deactivated_at: utcnow()}).where(User.id == user_id)
        if user["role"] == Role.OWNER.value and await _active_owner_count() == 0:
            raise Invalid("The practice must keep at least one active owner.")
        await sessions.delete_user_sessions(user_id)
        await audit.record(principal, "user.deactivate", resource_type="user", resource_id=user_id)


async def reactivate_user(principal: Principal, user_id: int) -> None:
    require(principal, Action.USERS_MANAGE)
    await get_user(user_id)
    async with write_transaction():
        await User.update({User.active: True, User.deactivated_at: None}).where(User.id == user_id)
        await audit.record(principal, "user.reactivate", resource_type="user", resource_id=user_id)


async def deactivate_user_by_email(principal: Principal, email: str) -> dict[str, Any]:
    user = await _user_by_email(email)
    if user is None:
        raise NotFound(f"No account for {normalise_email(email)}.")
    await deactivate_user(principal, user["id"])
    return user
