import os

from piccolo.conf.apps import AppConfig

from portal.accounts.tables import AuthAttempt, EmailToken, RecoveryCode, User, UserSession

APP_CONFIG = AppConfig(
    app_name="accounts",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[User, UserSession, RecoveryCode, EmailToken, AuthAttempt],
    migration_dependencies=["portal.core.piccolo_app"],
    commands=[],
)
