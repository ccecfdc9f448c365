"""Retention: the practice's retention period and legal holds. (Emergency access has its own tables.)"""

from piccolo.columns import ForeignKey, Integer, Text, Timestamptz
from piccolo.columns.base import OnDelete

from portal.accounts.tables import User
from portal.cases.tables import Client
from portal.db import PortalTable

DEFAULT_RETENTION_YEARS = 7


class RetentionPolicy(PortalTable, tablename="retention_policy"):
    """One row: how many years after the last service a client's records are kept before they may be purged."""

    retention_years = Integer(default=DEFAULT_RETENTION_YEARS)
    updated_by = ForeignKey(User, on_delete=OnDelete.restrict, null=True)
    updated_at = Timestamptz()


class LegalHold(PortalTable, tablename="legal_holds"):
    """While a hold is not released, the client's records are never purged, whatever their age."""

    client = ForeignKey(Client, on_delete=OnDelete.restrict, null=False, index=True)
    reason = Text(default="")
    placed_by = ForeignKey(User, on_delete=OnDelete.restrict, null=True)
    placed_at = Timestamptz()
    released_by = ForeignKey(User, on_delete=OnDelete.restrict, null=True)
    released_at = Timestamptz(null=True, default=None, index=True)
