import os

from piccolo.conf.apps import AppConfig

from portal.audit.tables import AuditChainHead, AuditEvent

APP_CONFIG = AppConfig(
    app_name="audit",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[AuditEvent, AuditChainHead],
    migration_dependencies=[],
    commands=[],
)
