"""Piccolo's configuration: the engine comes from PORTAL_DATABASE_URL, the apps are the portal's domains."""

from piccolo.conf.apps import AppRegistry

from portal.db import create_engine
from portal.settings import get_settings

DB = create_engine(get_settings().database_url)

APP_REGISTRY = AppRegistry(
    apps=[
        "portal.core.piccolo_app",
        "portal.accounts.piccolo_app",
        "portal.audit.piccolo_app",
        "portal.mail.piccolo_app",
        "portal.files.piccolo_app",
        "portal.cases.piccolo_app",
        "portal.families.piccolo_app",
        "portal.billing.piccolo_app",
        "portal.network.piccolo_app",
        "portal.operations.access_app",
        "portal.operations.piccolo_app",
    ]
)
