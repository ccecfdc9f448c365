"""Emergency ("break glass") access: the owner lets a case manager into a client they are not assigned to,
for a reason and for a limited time. Rows are never deleted: they are the record of who was let in."""

from piccolo.columns import ForeignKey, Text, Timestamptz
from piccolo.columns.base import OnDelete

from portal.accounts.tables import User
from portal.cases.tables import Client
from portal.db import PortalTable


class EmergencyGrant(PortalTable, tablename="emergency_access_grants"):
    client = ForeignKey(Client, on_delete=OnDelete.restrict, null=False, index=True)
    grantee = ForeignKey(User, on_delete=OnDelete.restrict, null=False, index=True)
    granted_by = ForeignKey(User, on_delete=OnDelete.restrict, null=True)
    reason = Text()
    granted_at = Timestamptz()
    expires_at = Timestamptz(index=True)
    revoked_at = Timestamptz(null=True, default=None)
    revoked_by = ForeignKey(User, on_delete=OnDelete.restrict, null=True)
    # When the end of the grant (expiry or revocation) was written to the audit log: once, by the sweep.
    end_recorded_at = Timestamptz(null=True, default=None, index=True)
