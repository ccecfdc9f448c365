"""Who can sign in: users, their sessions, MFA recovery codes, e-mailed links and sign-in attempts."""

from piccolo.columns import BigInt, Boolean, ForeignKey, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete

from portal.db import PortalTable


class User(PortalTable, tablename="users"):
    email = Varchar(length=254, unique=True)
    name = Varchar(length=120)
    role = Varchar(length=20, index=True)  # policy.Role
    password_hash = Text(null=True, default=None)  # None until an invitation is accepted
    active = Boolean(default=True)
    mfa_secret_encrypted = Text(null=True, default=None)
    mfa_enabled = Boolean(default=False)
    mfa_enabled_at = Timestamptz(null=True, default=None)
    # The last TOTP time-step accepted: a code is single-use, so steps at or below it are refused.
    mfa_last_step = BigInt(null=True, default=None)
    created_at = Timestamptz()
    last_login_at = Timestamptz(null=True, default=None)
    password_changed_at = Timestamptz(null=True, default=None)
    deactivated_at = Timestamptz(null=True, default=None)


class UserSession(PortalTable, tablename="user_sessions"):
    """A server-side session. The cookie holds a random token; only its SHA-256 is stored."""

    token_hash = Varchar(length=64, unique=True)
    user = ForeignKey(User, on_delete=OnDelete.cascade, index=True, null=False)
    created_at = Timestamptz()
    last_seen_at = Timestamptz()
    expires_at = Timestamptz()
    # False while the password was right but the TOTP step is still to come.
    mfa_verified = Boolean(default=False)
    ip = Varchar(length=64, default="")
    user_agent = Varchar(length=300, default="")


class RecoveryCode(PortalTable, tablename="mfa_recovery_codes"):
    user = ForeignKey(User, on_delete=OnDelete.cascade, index=True, null=False)
    code_hash = Varchar(length=64)
    used_at = Timestamptz(null=True, default=None)


class EmailToken(PortalTable, tablename="email_tokens"):
    """Single-use links sent by e-mail: invitations and password resets."""

    purpose = Varchar(length=20)  # "invite" or "reset"
    token_hash = Varchar(length=64, unique=True)
    user = ForeignKey(User, on_delete=OnDelete.cascade, index=True, null=False)
    created_at = Timestamptz()
    expires_at = Timestamptz()
    used_at = Timestamptz(null=True, default=None)


class AuthAttempt(PortalTable, tablename="auth_attempts"):
    """Failed and successful sign-in, MFA and reset attempts, for per-account and per-IP rate limits."""

    kind = Varchar(length=10)  # "login", "mfa", "reset"
    account_key = Varchar(length=64, index=True)  # SHA-256 of the normalised e-mail address
    ip = Varchar(length=64, index=True)
    succeeded = Boolean(default=False)
    # A success clears its own account's earlier failures (never another account's, never the IP's).
    cleared = Boolean(default=False)
    at = Timestamptz(index=True)
