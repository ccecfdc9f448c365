"""Counting SQL statements, to show a page's query count does not grow with the amount of data (no N+1)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from portal.db import get_engine


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


@contextmanager
def count_queries() -> Iterator[QueryCounter]:
    """Every statement Piccolo sends (selects, writes, raw SQL) while the block runs."""
    engine: Any = get_engine()
    counter = QueryCounter()
    # Patched on the class: PostgresEngine has __slots__, so its instances take no attribute of their own.
    engine_class = type(engine)
    had_own = "run_querystring" in engine_class.__dict__
    original = engine_class.run_querystring

    async def counting(self: Any, querystring: Any, *args: Any, **kwargs: Any) -> Any:
        if self is engine:
            counter.statements.append(str(querystring)[:200])
        return await original(self, querystring, *args, **kwargs)

    engine_class.run_querystring = counting
    try:
        yield counter
    finally:
        if had_own:
            engine_class.run_querystring = original
        else:
            del engine_class.run_querystring
