import os

from piccolo.conf.apps import AppConfig

from portal.files.tables import StoredFile

APP_CONFIG = AppConfig(
    app_name="files",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[StoredFile],
    migration_dependencies=["portal.accounts.piccolo_app"],
    commands=[],
)
