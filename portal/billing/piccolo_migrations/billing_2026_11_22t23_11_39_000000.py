"""Hand-written: one issued superbill per (client, period), one claim per superbill number lookup, the statement
counter row."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from portal.billing.tables import Claim, StatementCounter, Superbill
from portal.db_migrations import create_index

ID = "2026-11-22T23:11:39:000000"
VERSION = "1.38.0"
DESCRIPTION = "superbill constraints"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="billing", description=DESCRIPTION)

    async def constraints() -> None:
        # A voided superbill keeps its row and number; only one issued superbill may stand per client and month.
        await Superbill.raw(
            'CREATE UNIQUE INDEX IF NOT EXISTS "superbills_one_issued_per_period" '
            "ON \"superbills\" (\"client\", \"period\") WHERE \"status\" = 'issued'"
        )
        await create_index(Claim, "claims_client_status", ["client", "status"])
        if not await StatementCounter.exists().where(StatementCounter.id == 1):
            await StatementCounter.raw("INSERT INTO statement_counter (id, last_number) VALUES (1, 0)")
            if StatementCounter._meta.db.engine_type == "postgres":
                await StatementCounter.raw("SELECT setval('statement_counter_id_seq', 1)")

    manager.add_raw(constraints)
    return manager
