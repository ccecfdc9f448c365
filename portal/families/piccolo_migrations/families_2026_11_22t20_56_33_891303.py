from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Timestamptz
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-22T20:56:33:891303"
VERSION = "1.38.0"
DESCRIPTION = "communication plans: when the plan was agreed"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="families", description=DESCRIPTION)

    manager.add_column(
        table_class_name="CommunicationPlan",
        tablename="family_communication_plans",
        column_name="created_at",
        db_column_name="created_at",
        column_class_name="Timestamptz",
        column_class=Timestamptz,
        params={
            "default": TimestamptzNow(),
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    return manager
