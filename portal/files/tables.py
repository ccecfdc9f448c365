"""Uploaded and generated files. Bytes live on disk under PORTAL_FILES_DIR, named by uuid, never by upload name."""

from piccolo.columns import UUID, BigInt, ForeignKey, Timestamptz, Varchar
from piccolo.columns.base import OnDelete

from portal.accounts.tables import User
from portal.db import PortalTable


class StoredFile(PortalTable, tablename="stored_files"):
    uuid = UUID(unique=True)
    original_name = Varchar(length=200)  # sanitised; shown to people, never used as a path
    content_type = Varchar(length=100)
    size_bytes = BigInt()
    sha256 = Varchar(length=64)
    uploaded_by = ForeignKey(User, on_delete=OnDelete.restrict, null=True)
    created_at = Timestamptz()
