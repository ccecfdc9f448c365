"""Jordan's family, as the family-portal tests need it: Pat with an active grant and a release, Sam suspended,
and Robin, a relative of Morgan's client Taylor who has nothing to do with Jordan."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from portal.cases import consents
from portal.cases.tables import Relative
from portal.clock import utcnow
from portal.families.tables import AccessGrant
from portal.policy import Principal

ALL_PARTS = {"sees_updates": True, "sees_messages": True, "sees_documents": True, "sees_timeline": True,
             "sees_billing": True}  # fmt: skip


async def relative_of(client_id: int, email: str) -> dict[str, Any]:
    row = await Relative.select().where((Relative.client == client_id) & (Relative.email == email)).first()
    assert row is not None
    return row


async def grant(relative_id: int, *, state: str = "active", **parts: bool) -> None:
    """Give a relative access (all parts unless some are named)."""
    values = {**ALL_PARTS, **parts} if parts else dict(ALL_PARTS)
    await AccessGrant.insert(AccessGrant(relative=relative_id, state=state, changed_at=utcnow(), **values))


async def family_release(client_id: int, relative_id: int, categories: list[str], **overrides: Any) -> int:
    """A release naming this relative, signed by the adult client (typed e-signature)."""
    today = utcnow().date()
    data: dict[str, Any] = {
        "recipient_type": "relative",
        "recipient_relative": relative_id,
        "categories": categories,
        "purposes": ["family_involvement"],
        "effective_on": (today - timedelta(days=30)).isoformat(),
        "expires_on": (today + timedelta(days=300)).isoformat(),
        "signed_by_name": "Jordan Rivera",
        "signed_on": (today - timedelta(days=30)).isoformat(),
        "esignature_name": "Jordan Rivera",
    }
    data.update(overrides)
    return await consents.record_consent(Principal.system("tests"), client_id, data)


@pytest.fixture
async def jordan_family(jordan: dict[str, Any], taylor: dict[str, Any]) -> dict[str, Any]:
    """Pat: active, every part, a release for family communication, placements and billing.
    Sam: suspended (high-conflict family). Robin: Taylor's relative, active on Taylor only."""
    pat = await relative_of(jordan["id"], "pat@example.com")
    sam = await relative_of(jordan["id"], "sam@example.com")
    robin = await relative_of(taylor["id"], "robin@example.com")
    await grant(pat["id"])
    await grant(sam["id"], state="suspended")
    await grant(robin["id"])
    await family_release(jordan["id"], pat["id"], ["family_communication", "placements", "billing"])
    return {"pat": pat, "sam": sam, "robin": robin, "today": date.today()}


@pytest.fixture
async def robin(db: None) -> dict[str, Any]:
    from tests.support import people

    return await people.get("robin@example.com")
