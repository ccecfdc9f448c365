"""Hand-written: composite unique and search indexes."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from portal.cases.tables import ClientAssignment, Note, TimeEntry, TransitionItem
from portal.db_migrations import create_index, create_unique_index

ID = "2026-11-22T20:07:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "composite indexes"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="cases", description=DESCRIPTION)

    async def indexes() -> None:
        await create_unique_index(TransitionItem, "transition_items_one_per_item", ["placement", "item"])
        await create_index(ClientAssignment, "client_assignments_manager_open", ["case_manager", "ended_at"])
        await create_index(Note, "notes_client_occurred", ["client", "occurred_at"])
        await create_index(TimeEntry, "time_entries_client_date", ["client", "service_date"])

    manager.add_raw(indexes)
    return manager
