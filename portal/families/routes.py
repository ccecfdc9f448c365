"""Every route handler of the family portal (staff side and relatives' side), registered by create_app()."""

from typing import Any

FAMILIES_ROUTE_HANDLERS: list[Any] = []
