"""Hand-written: one invoice per (agreement, period), one alert per (client, period, threshold), the counter row."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from portal.billing.tables import HoursAlert, Invoice, InvoiceCounter
from portal.db_migrations import create_index, create_unique_index

ID = "2026-11-22T20:55:11:000000"
VERSION = "1.38.0"
DESCRIPTION = "billing constraints"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="billing", description=DESCRIPTION)

    async def constraints() -> None:
        # The guarantee behind the monthly run: exactly one invoice per agreement and period.
        await create_unique_index(Invoice, "invoices_one_per_agreement_period", ["agreement", "period"])
        await create_unique_index(HoursAlert, "hours_alerts_once", ["client", "period", "threshold"])
        await create_index(Invoice, "invoices_client_period", ["client", "period"])
        if not await InvoiceCounter.exists().where(InvoiceCounter.id == 1):
            await InvoiceCounter.raw("INSERT INTO invoice_counter (id, last_number) VALUES (1, 0)")
            if InvoiceCounter._meta.db.engine_type == "postgres":
                await InvoiceCounter.raw("SELECT setval('invoice_counter_id_seq', 1)")

    manager.add_raw(constraints)
    return manager
