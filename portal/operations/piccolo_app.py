import os

from piccolo.conf.apps import AppConfig

from portal.operations.tables import LegalHold, RetentionPolicy

APP_CONFIG = AppConfig(
    app_name="operations",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[RetentionPolicy, LegalHold],
    migration_dependencies=["portal.accounts.piccolo_app", "portal.cases.piccolo_app"],
    commands=[],
)
