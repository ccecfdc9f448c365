"""An update can start from a coordination note: the note page offers it, the form opens with the note's plain
text to cut down, the update remembers the note for the practice, and the family sees neither the note, nor a link
to it, nor its id."""

from __future__ import annotations

import re
from typing import Any

from portal.families import updates
from tests.cases.notes_support import signed_note, write_note
from tests.families.updates_support import acting


async def test_a_note_starts_an_update_that_never_exposes_the_note(
    client: Any, other_client: Any, jordan_family: dict[str, Any], casey: dict[str, Any], jordan: dict[str, Any],
    pat: dict[str, Any],
) -> None:  # fmt: skip
    note_id = await signed_note(
        casey,
        jordan,
        subject="Call with Dana about discharge planning",
        body="Dana thinks Jordan is ready for PHP.\n\nInternal: Dana worries about the father's drinking.",
    )
    await client.login_as(casey)
    note_page = (await client.get(f"/clients/{jordan['id']}/notes/{note_id}")).text
    start = f"/clients/{jordan['id']}/updates/new?from_note={note_id}"
    assert f'href="{start}"' in note_page

    form = (await client.get(start)).text
    assert "Dana thinks Jordan is ready for PHP." in form and "father&#39;s drinking" in form
    assert f'name="from_note" value="{note_id}"' in form
    assert "Call with Dana about discharge planning" in form  # the case manager sees where the text came from

    created = await client.post(
        f"/clients/{jordan['id']}/updates",
        data={
            "title": "Planning the step-down",
            "body": "The team thinks Jordan is ready for PHP.",
            "from_note": str(note_id),
            "recipients": "all",
        },
    )
    assert created.status_code == 303
    update_id = int(created.headers["location"].rsplit("/", 1)[1])
    row = await updates.update_row(jordan["id"], update_id)
    assert row["started_from_note"] == note_id
    staff_page = (await client.get(f"/clients/{jordan['id']}/updates/{update_id}")).text
    assert f'href="/clients/{jordan["id"]}/notes/{note_id}"' in staff_page
    await updates.publish_update(acting(casey), jordan["id"], update_id)

    await other_client.login_as(pat)
    for path in (f"/family/updates/{update_id}", "/family/updates", f"/api/v1/family/updates/{update_id}"):
        page = (await other_client.get(path)).text
        assert "The team thinks Jordan is ready for PHP." in page or "Planning the step-down" in page
        for leak in ("/notes/", "from_note", "note_id", "Dana", "drinking", "discharge planning"):
            assert leak not in page, (path, leak)
        assert not re.search(rf"\bnote\w*\W+{note_id}\b", page, re.IGNORECASE), path


async def test_a_draft_note_can_be_the_start_too_but_not_another_clients_note(
    client: Any, jordan_family: dict[str, Any], casey: dict[str, Any], morgan: dict[str, Any], jordan: dict[str, Any],
    taylor: dict[str, Any],
) -> None:  # fmt: skip
    draft_note = await write_note(casey, jordan)
    taylors_note = await write_note(morgan, taylor, parties=[])
    await client.login_as(casey)

    assert (await client.get(f"/clients/{jordan['id']}/updates/new?from_note={draft_note}")).status_code == 200
    assert (await client.get(f"/clients/{jordan['id']}/updates/new?from_note={taylors_note}")).status_code == 404
    crossed = await client.post(
        f"/clients/{jordan['id']}/updates",
        data={"title": "x", "body": "y", "from_note": str(taylors_note), "recipients": "all"},
    )
    assert crossed.status_code == 404
