"""The backup file format: chunked AES-GCM that refuses a wrong key, and any edit, reordering or truncation."""

from __future__ import annotations

import io
import os
import struct

import pytest

from portal.operations import backup_crypto
from portal.operations.backup_crypto import BackupCryptoError, decrypt_stream, encrypt_stream

KEY = "a backup key of some length"
HEADER = len(backup_crypto.MAGIC) + backup_crypto.SALT_BYTES + backup_crypto.CHECK_BYTES + backup_crypto.PREFIX_BYTES


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(backup_crypto, "CHUNK_BYTES", 1024)


def sealed(data: bytes) -> bytes:
    out = io.BytesIO()
    encrypt_stream(io.BytesIO(data), out, KEY)
    return out.getvalue()


def opened(blob: bytes, key: str = KEY) -> bytes:
    out = io.BytesIO()
    decrypt_stream(io.BytesIO(blob), out, key)
    return out.getvalue()


def chunks(blob: bytes) -> list[bytes]:
    parts, offset = [], HEADER
    while offset < len(blob):
        (length,) = struct.unpack(">I", blob[offset : offset + 4])
        parts.append(blob[offset : offset + 4 + length])
        offset += 4 + length
    return parts


@pytest.mark.parametrize("size", [0, 1, 1024, 1025, 5000])
def test_round_trip(size: int) -> None:
    data = os.urandom(size)

    blob = sealed(data)

    assert opened(blob) == data
    assert size < 16 or data[:16] not in blob


def test_a_wrong_key_is_named_as_such() -> None:
    with pytest.raises(BackupCryptoError, match="not the key"):
        opened(sealed(b"records"), "another key of some length")


def test_a_missing_or_short_key_is_refused() -> None:
    with pytest.raises(BackupCryptoError, match="not set"):
        sealed_with = io.BytesIO()
        encrypt_stream(io.BytesIO(b"x"), sealed_with, "")
    with pytest.raises(BackupCryptoError, match="at least 16"):
        encrypt_stream(io.BytesIO(b"x"), io.BytesIO(), "short")


def test_dropping_the_last_chunks_is_detected() -> None:
    blob = sealed(os.urandom(5000))
    parts = chunks(blob)
    assert len(parts) == 5

    with pytest.raises(BackupCryptoError, match="incomplete"):
        opened(blob[:HEADER] + b"".join(parts[:3]))


def test_reordered_chunks_are_detected() -> None:
    blob = sealed(os.urandom(5000))
    parts = chunks(blob)

    with pytest.raises(BackupCryptoError, match="altered"):
        opened(blob[:HEADER] + parts[1] + parts[0] + b"".join(parts[2:]))


def test_an_edited_header_or_trailing_bytes_are_detected() -> None:
    blob = bytearray(sealed(os.urandom(3000)))
    edited = bytes(blob[: HEADER - 1]) + bytes([blob[HEADER - 1] ^ 1]) + bytes(blob[HEADER:])

    with pytest.raises(BackupCryptoError, match="altered"):
        opened(edited)
    with pytest.raises(BackupCryptoError, match="after its end"):
        opened(bytes(blob) + b"\x00")
    with pytest.raises(BackupCryptoError, match="not a Harbor Portal backup"):
        opened(b"PK\x03\x04 a zip file")
