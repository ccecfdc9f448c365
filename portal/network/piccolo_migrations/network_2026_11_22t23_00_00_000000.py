"""Hand-written: what makes a radius search fast with 15,000 programs (bench/network_bench.py).

- programs_geo covers the radius search's first query (latitude, longitude, vetting status, name): the box is
  one index range and the programs in it are read from the index alone; the facets' EXISTS probes then use
  program_facets_one.
- On PostgreSQL, statistics on (facet, value) together: the planner otherwise multiplies the two columns'
  selectivities, guesses that "gender = male" matches 600 rows instead of 15,000, and starts from the facets
  instead of the box."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from portal.db_migrations import create_index
from portal.network.tables import Program, ProgramFacet

ID = "2026-11-22T23:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "radius search index and facet statistics"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="network", description=DESCRIPTION)

    async def indexes() -> None:
        await create_index(Program, "programs_geo", ["latitude", "longitude", "vetting_status", "name"])
        if ProgramFacet._meta.db.engine_type == "postgres":
            await ProgramFacet.raw(
                'CREATE STATISTICS IF NOT EXISTS "program_facets_facet_value" (dependencies, mcv) '
                'ON "facet", "value" FROM "program_facets"'
            )

    manager.add_raw(indexes)
    return manager
