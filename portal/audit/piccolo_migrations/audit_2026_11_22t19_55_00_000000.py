"""Hand-written: the genesis row of the audit chain head."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from portal.audit.tables import AuditChainHead

ID = "2026-11-22T19:55:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "audit chain genesis"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="audit", description=DESCRIPTION)

    async def insert_genesis() -> None:
        if not await AuditChainHead.exists().where(AuditChainHead.id == 1):
            await AuditChainHead.raw("INSERT INTO audit_chain_head (id, seq, hash) VALUES (1, 0, {})", "0" * 64)
            if AuditChainHead._meta.db.engine_type == "postgres":
                await AuditChainHead.raw("SELECT setval('audit_chain_head_id_seq', 1)")

    manager.add_raw(insert_genesis)
    return manager
