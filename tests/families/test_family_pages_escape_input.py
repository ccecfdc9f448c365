"""Script in a relative's name or in the communication plan's contacts is shown as text on every page that shows
it (the Family tab, the relative's edit page, the family dashboard), in element text and in attributes."""

from __future__ import annotations

from typing import Any

from portal.cases import clients
from portal.cases.tables import Relative
from portal.families import plan
from tests.families.family_data import XSS, XSS_IMG, acting

ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def assert_escaped(html: str, where: str) -> None:
    assert XSS not in html, where
    assert "<img src=x" not in html, where
    assert ESCAPED in html, where


async def test_relative_names_and_plan_contacts_are_escaped(
    client: Any, other_client: Any, casey: dict[str, Any], pat: dict[str, Any], jordan: dict[str, Any],
    jordan_family: dict[str, Any],
) -> None:  # fmt: skip
    evil = await clients.add_relative(
        acting(casey), jordan["id"], {"name": XSS + XSS_IMG, "relationship": "other", "email": "evil@example.net"}
    )
    await Relative.update({Relative.name: XSS + XSS_IMG}).where(Relative.id == jordan_family["sam"]["id"])
    await plan.save_plan(
        acting(casey),
        jordan["id"],
        {"cadence_days": "7", "contact-0-for_what": XSS + XSS_IMG, "contact-0-name": XSS,
         "contact-0-phone": "+1 973 555 0100", "contact-1-for_what": "Program", "contact-1-name": XSS_IMG + XSS,
         "contact-1-email": "program@example.com"},
    )  # fmt: skip
    await client.login_as(casey)
    for path in (
        f"/clients/{jordan['id']}/family",
        f"/clients/{jordan['id']}/family/relatives/{evil}/edit",
    ):
        response = await client.get(path)
        assert response.status_code == 200
        assert_escaped(response.text, path)

    # Shown again after a form error, too.
    response = await client.post(
        f"/clients/{jordan['id']}/family/plan", data={"cadence_days": "weekly", "contact-0-for_what": XSS,
                                                      "contact-0-name": XSS_IMG, "contact-0-phone": "call me"},
    )  # fmt: skip
    assert response.status_code == 400
    assert_escaped(response.text, "plan form error")
    response = await client.post(
        f"/clients/{jordan['id']}/family/relatives", data={"name": XSS, "email": XSS_IMG, "relationship": "other"}
    )
    assert response.status_code == 400
    assert_escaped(response.text, "add form error")

    await other_client.login_as(pat)
    board = await other_client.get("/family")
    assert_escaped(board.text, "/family")
    assert 'href="tel:+19735550100"' in board.text
