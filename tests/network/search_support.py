"""Programs made for the search tests: exactly the fields and facets a test names (facets through set_facets)."""

from __future__ import annotations

from typing import Any

from portal.clock import utcnow
from portal.network import facets
from portal.network.tables import Program


async def add(name: str, *, facet_values: dict[str, list[str]] | None = None, **columns: Any) -> int:
    now = utcnow()
    values = {"state": "VA", "city": "Charlottesville", **columns}
    rows = await Program.insert(Program(name=name, created_at=now, updated_at=now, **values)).returning(Program.id)
    program_id = int(rows[0]["id"])
    if facet_values:
        await facets.set_facets(program_id, facet_values)
    return program_id
