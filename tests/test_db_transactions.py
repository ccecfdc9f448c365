"""A unit of work whose COMMIT fails because the database went away under it (a restart) is forgotten: the next
one gets a fresh connection instead of the dead one. Without this the background worker, one long-lived task,
failed every round after a PostgreSQL restart until it was restarted itself (bench/load_test.py found it)."""

from __future__ import annotations

from typing import Any

import pytest

from portal.accounts.tables import User
from portal.db import get_engine, write_transaction


async def test_a_transaction_whose_connection_died_is_forgotten_and_the_next_one_works() -> None:
    engine: Any = get_engine()
    assert engine.current_transaction.get() is None  # no test transaction around this one: a real top level
    with pytest.raises(Exception):  # noqa: B017 - whatever the driver raises for a closed connection
        async with write_transaction():
            transaction = engine.current_transaction.get()
            await User.count()
            await transaction.connection.close()  # the server restarts: the connection is gone before COMMIT
    assert engine.current_transaction.get() is None
    async with write_transaction():
        assert engine.current_transaction.get() is not transaction
        assert await User.count() > 0
