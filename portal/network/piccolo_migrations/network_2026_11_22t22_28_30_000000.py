"""Hand-written: the facet index behind search (OR inside a facet, AND across facets) and a bounding-box index."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from portal.db_migrations import create_index, create_unique_index
from portal.network.tables import Program, ProgramFacet

ID = "2026-11-22T22:28:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "search indexes"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="network", description=DESCRIPTION)

    async def indexes() -> None:
        await create_unique_index(ProgramFacet, "program_facets_one", ["facet", "value", "program"])
        await create_index(Program, "programs_lat_lon", ["latitude", "longitude"])

    manager.add_raw(indexes)
    return manager
