"""Hand-written: one row per (update, relative), (thread, relative), (thread, staff member), (document, relative)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from portal.db_migrations import create_index, create_unique_index
from portal.families.tables import DocumentShare, Message, StaffThreadRead, ThreadParticipant, UpdateRecipient

ID = "2026-11-22T20:25:49:000000"
VERSION = "1.38.0"
DESCRIPTION = "composite unique indexes"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="families", description=DESCRIPTION)

    async def indexes() -> None:
        await create_unique_index(UpdateRecipient, "update_recipients_one_per_relative", ["update", "relative"])
        await create_unique_index(ThreadParticipant, "thread_participants_one_per_relative", ["thread", "relative"])
        await create_unique_index(StaffThreadRead, "staff_thread_reads_one_per_user", ["thread", "user"])
        await create_unique_index(DocumentShare, "document_shares_one_per_relative", ["document", "relative"])
        await create_index(Message, "messages_thread_created", ["thread", "created_at"])

    manager.add_raw(indexes)
    return manager
