"""JSON shapes of the accounts API."""

from __future__ import annotations

from typing import Annotated

import msgspec

Email = Annotated[str, msgspec.Meta(min_length=3, max_length=254)]
Password = Annotated[str, msgspec.Meta(min_length=1, max_length=256)]
Code = Annotated[str, msgspec.Meta(min_length=1, max_length=20)]


class LoginRequest(msgspec.Struct, forbid_unknown_fields=True):
    email: Email
    password: Password
    totp: Code | None = None


class PasswordResetRequest(msgspec.Struct, forbid_unknown_fields=True):
    email: Email


class Me(msgspec.Struct):
    id: int
    email: str
    name: str
    role: str
    mfa_enabled: bool
    mfa_enrollment_required: bool


class Accepted(msgspec.Struct):
    detail: str
