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
    original = engine.run_querystring

    async def counting(querystring: Any, *args: Any, **kwargs: Any) -> Any:
        counter.statements.append(str(querystring)[:200])
        return await original(querystring, *args, **kwargs)

    engine.run_querystring = counting
    try:
        yield counter
    finally:
        engine.run_querystring = original
