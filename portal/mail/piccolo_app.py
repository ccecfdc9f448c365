import os

from piccolo.conf.apps import AppConfig

from portal.mail.tables import OutboxMessage

APP_CONFIG = AppConfig(
    app_name="mail",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[OutboxMessage],
    migration_dependencies=[],
    commands=[],
)
