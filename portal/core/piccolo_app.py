import os

from piccolo.conf.apps import AppConfig

from portal.core.tables import Practice

APP_CONFIG = AppConfig(
    app_name="core",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[Practice],
    migration_dependencies=[],
    commands=[],
)
