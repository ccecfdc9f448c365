"""Hand-written: the practice row (one deployment serves one practice)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from portal.core.tables import Practice

ID = "2026-11-22T19:55:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "the practice row"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="core", description=DESCRIPTION)

    async def insert_practice() -> None:
        if not await Practice.exists().where(Practice.id == 1):
            await Practice.raw(
                "INSERT INTO practice (id, name, time_zone, require_staff_mfa, require_family_mfa, "
                "roi_required_for_providers, no_contact_alert_days, created_at, updated_at) "
                "VALUES (1, 'My practice', 'America/New_York', true, false, true, 7, "
                "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
            if Practice._meta.db.engine_type == "postgres":
                await Practice.raw("SELECT setval('practice_id_seq', 1)")

    manager.add_raw(insert_practice)
    return manager
