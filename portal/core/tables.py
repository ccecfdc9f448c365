"""The practice itself: one deployment serves one practice, so this table holds a single row."""

from piccolo.columns import Boolean, Integer, Timestamptz, Varchar

from portal.db import PortalTable


class Practice(PortalTable, tablename="practice"):
    name = Varchar(length=200)
    time_zone = Varchar(length=64, default="America/New_York")
    # Staff must enrol TOTP before they can do anything (off only in the demo).
    require_staff_mfa = Boolean(default=True)
    require_family_mfa = Boolean(default=False)
    # Treat outside providers like everyone else: a release is needed before sharing with them.
    roi_required_for_providers = Boolean(default=True)
    no_contact_alert_days = Integer(default=7)
    created_at = Timestamptz()
    updated_at = Timestamptz()
