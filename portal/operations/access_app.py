import os

from piccolo.conf.apps import AppConfig

from portal.operations.access_tables import EmergencyGrant

APP_CONFIG = AppConfig(
    app_name="operations_access",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "access_migrations"),
    table_classes=[EmergencyGrant],
    migration_dependencies=["portal.accounts.piccolo_app", "portal.cases.piccolo_app"],
    commands=[],
)
