"""TOTP (RFC 6238) with single-use codes, and recovery codes. Secrets are encrypted at rest."""

from __future__ import annotations

import base64
import hashlib
import secrets

import pyotp
import segno
from cryptography.fernet import Fernet, InvalidToken

from portal.clock import utcnow
from portal.settings import get_settings

ISSUER = "Harbor Portal"
RECOVERY_CODE_COUNT = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i


def _fernet() -> Fernet:
    key = hashlib.sha256(b"portal-mfa-secret\x00" + get_settings().secret_key.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def new_secret() -> str:
    return pyotp.random_base32()


def encrypt_secret(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def decrypt_secret(token: str) -> str | None:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        return None


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """An inline SVG QR code (no external image, no inline script: fits the CSP)."""
    qr = segno.make(uri, error="m")
    return str(qr.svg_inline(scale=5, dark="#111827", light="#ffffff", title="QR code for your authenticator app"))


def matching_step(secret: str, code: str, last_step: int | None) -> int | None:
    """The time-step a code belongs to (now ±1 step), if it is valid and newer than the last one used."""
    code = "".join(ch for ch in code if ch.isdigit())
    if len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    now_step = int(utcnow().timestamp()) // totp.interval
    for step in (now_step - 1, now_step, now_step + 1):
        if last_step is not None and step <= last_step:
            continue
        if secrets.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def generate_recovery_codes() -> list[str]:
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def normalise_recovery_code(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


def hash_recovery_code(code: str) -> str:
    return hashlib.sha256(normalise_recovery_code(code).encode()).hexdigest()


def looks_like_recovery_code(code: str) -> bool:
    return len(normalise_recovery_code(code)) == 10 and not normalise_recovery_code(code).isdigit()
