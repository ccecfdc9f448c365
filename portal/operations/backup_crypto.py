"""Encrypting backup archives: AES-256-GCM in 1 MiB chunks, so an archive of any size streams through.

Layout: MAGIC, a 16-byte salt, a 32-byte key check, a 7-byte nonce prefix, then chunks of
`length (4 bytes) + ciphertext`. Each chunk's nonce is the prefix, the chunk number and a "last chunk" flag,
and the header is authenticated with every chunk: reordering, dropping, truncating or editing any byte makes
decryption fail. The key is derived from PORTAL_BACKUP_KEY with scrypt and the file's salt; the key check (an
HMAC of a fixed label) tells a wrong key apart from a damaged file without decrypting anything.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import struct
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

MAGIC = b"HARBOR-PORTAL-BACKUP\x01"
CHUNK_BYTES = 1024 * 1024
SALT_BYTES = 16
CHECK_BYTES = 32
PREFIX_BYTES = 7
MIN_KEY_CHARS = 16


class BackupCryptoError(Exception):
    """The archive cannot be decrypted; the message says why (wrong key, altered or not a backup)."""


def check_key(key: str | None) -> str:
    if not key:
        raise BackupCryptoError(
            "PORTAL_BACKUP_KEY is not set. Set it to a long random secret (for example: "
            "python -c 'import secrets; print(secrets.token_urlsafe(32))') and keep a copy away from the backups."
        )
    if len(key) < MIN_KEY_CHARS:
        raise BackupCryptoError(f"PORTAL_BACKUP_KEY must be at least {MIN_KEY_CHARS} characters long.")
    return key


def _derive(key: str, salt: bytes) -> tuple[bytes, bytes]:
    material = Scrypt(salt=salt, length=64, n=2**14, r=8, p=1).derive(key.encode())
    aead_key, check_key_bytes = material[:32], material[32:]
    check = hmac.new(check_key_bytes, b"harbor-portal-backup-key-check", hashlib.sha256).digest()
    return aead_key, check


def _nonce(prefix: bytes, index: int, last: bool) -> bytes:
    return prefix + struct.pack(">IB", index, 1 if last else 0)


def encrypt_stream(source: BinaryIO, target: BinaryIO, key: str) -> None:
    salt = os.urandom(SALT_BYTES)
    prefix = os.urandom(PREFIX_BYTES)
    aead_key, check = _derive(check_key(key), salt)
    header = MAGIC + salt + check + prefix
    target.write(header)
    aead = AESGCM(aead_key)
    index = 0
    chunk = source.read(CHUNK_BYTES)
    while True:
        following = source.read(CHUNK_BYTES)
        last = not following
        sealed = aead.encrypt(_nonce(prefix, index, last), chunk, header)
        target.write(struct.pack(">I", len(sealed)) + sealed)
        if last:
            return
        chunk = following
        index += 1
        if index >= 2**32:  # pragma: no cover - 4 PiB
            raise BackupCryptoError("The archive is too large to encrypt.")


def decrypt_stream(source: BinaryIO, target: BinaryIO, key: str) -> None:
    header = source.read(len(MAGIC) + SALT_BYTES + CHECK_BYTES + PREFIX_BYTES)
    if len(header) < len(MAGIC) + SALT_BYTES + CHECK_BYTES + PREFIX_BYTES or not header.startswith(MAGIC):
        raise BackupCryptoError("This file is not a Harbor Portal backup (or its beginning was damaged).")
    salt = header[len(MAGIC) : len(MAGIC) + SALT_BYTES]
    stored_check = header[len(MAGIC) + SALT_BYTES : len(MAGIC) + SALT_BYTES + CHECK_BYTES]
    prefix = header[-PREFIX_BYTES:]
    aead_key, check = _derive(check_key(key), salt)
    if not hmac.compare_digest(check, stored_check):
        raise BackupCryptoError("PORTAL_BACKUP_KEY is not the key this backup was made with.")
    aead = AESGCM(aead_key)
    index = 0
    while True:
        length_bytes = source.read(4)
        if len(length_bytes) < 4:
            raise BackupCryptoError("The backup is incomplete (it was cut short or altered).")
        (length,) = struct.unpack(">I", length_bytes)
        if length > CHUNK_BYTES + 16:
            raise BackupCryptoError("The backup was altered: a chunk has an impossible length.")
        sealed = source.read(length)
        if len(sealed) < length:
            raise BackupCryptoError("The backup is incomplete (it was cut short or altered).")
        last = False
        try:
            plain = aead.decrypt(_nonce(prefix, index, False), sealed, header)
        except InvalidTag:
            try:
                plain = aead.decrypt(_nonce(prefix, index, True), sealed, header)
            except InvalidTag:
                raise BackupCryptoError(
                    "The backup was altered or damaged: its contents fail authentication."
                ) from None
            last = True
        target.write(plain)
        if last:
            if source.read(1):
                raise BackupCryptoError("The backup was altered: there is data after its end.")
            return
        index += 1
