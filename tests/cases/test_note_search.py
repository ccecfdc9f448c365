"""Finding notes by person, kind, date range (practice days) and text, a page at a time, in a fixed number
of queries however many notes a client has."""

from __future__ import annotations

from typing import Any

import pytest

from portal.cases import note_search
from portal.cases.note_search import NoteFilters
from tests.cases.notes_support import acting, bulk_notes, dana_id, day, relative_id, signed_note, write_note
from tests.support.queries import count_queries


async def _subjects(person: dict[str, Any], client: dict[str, Any], **filters: Any) -> list[str]:
    rows, _ = await note_search.search_notes(acting(person), client["id"], NoteFilters(**filters), per_page=100)
    return [row["subject"] for row in rows]


@pytest.fixture
async def jordans_notes(casey: dict[str, Any], jordan: dict[str, Any]) -> dict[str, int]:
    dana = await dana_id(jordan)
    pat = await relative_id(jordan, "Pat Rivera")
    return {
        "therapist call": await write_note(
            casey, jordan, subject="Therapist call", parties=f"party:{dana}", occurred_at="2025-03-10T23:30"
        ),
        "family meeting": await write_note(
            casey,
            jordan,
            kind="meeting",
            subject="Family meeting",
            body="Pat asked about the WILDERNESS option.",
            parties=f"relative:{pat}",
            occurred_at="2025-03-11T09:00",
        ),
        "crisis": await write_note(
            casey, jordan, kind="crisis", subject="Crisis at the program", occurred_at="2025-04-02T02:15"
        ),
    }


async def test_filter_by_kind_and_by_person(
    casey: dict[str, Any], jordan: dict[str, Any], jordans_notes: dict[str, int]
) -> None:
    assert await _subjects(casey, jordan, kind="crisis") == ["Crisis at the program"]
    assert await _subjects(casey, jordan, party=f"party:{await dana_id(jordan)}") == ["Therapist call"]
    pat = await relative_id(jordan, "Pat Rivera")
    assert await _subjects(casey, jordan, party=f"relative:{pat}") == ["Family meeting"]


async def test_date_range_is_in_practice_days(
    casey: dict[str, Any], jordan: dict[str, Any], jordans_notes: dict[str, int]
) -> None:
    # 23:30 in New York on 10 March is 03:30 UTC on the 11th: it belongs to the 10th.
    assert await _subjects(casey, jordan, date_from=day("2025-03-10"), date_to=day("2025-03-10")) == ["Therapist call"]
    assert await _subjects(casey, jordan, date_from=day("2025-03-11"), date_to=day("2025-03-31")) == ["Family meeting"]
    assert await _subjects(casey, jordan, date_from=day("2025-04-01")) == ["Crisis at the program"]


async def test_text_search_looks_in_subject_and_body_ignoring_case(
    casey: dict[str, Any], jordan: dict[str, Any], jordans_notes: dict[str, int]
) -> None:
    assert await _subjects(casey, jordan, q="wilderness") == ["Family meeting"]
    assert await _subjects(casey, jordan, q="THERAPIST") == ["Therapist call"]
    assert await _subjects(casey, jordan, q="nothing like this") == []
    assert await _subjects(casey, jordan, q="100%_") == []


async def test_the_list_page_filters_and_paginates(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any], jordans_notes: dict[str, int]
) -> None:
    await client.login_as(casey)
    base = f"/clients/{jordan['id']}/notes"
    listing = await client.get(base)
    assert all(s in listing.text for s in ("Therapist call", "Family meeting", "Crisis at the program"))
    # Newest first.
    assert listing.text.index("Crisis at the program") < listing.text.index("Therapist call")

    filtered = await client.get(f"{base}?kind=meeting&q=wilderness")
    assert "Family meeting" in filtered.text and "Therapist call" not in filtered.text
    assert '<option value="meeting" selected>' in filtered.text

    first = await client.get(f"{base}?per_page=2&page=1")
    second = await client.get(f"{base}?per_page=2&page=2")
    assert "Crisis at the program" in first.text and "Family meeting" in first.text
    assert "Therapist call" in second.text and "Crisis at the program" not in second.text
    assert "Page 1 of 2" in first.text and f"{base}?page=2&amp;per_page=2" in first.text
    none = await client.get(f"{base}?q=zebra")
    assert "No notes match." in none.text


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("kind=seance", "kind"),
        ("date_from=yesterday", "date_from"),
        ("date_to=2025-13-45", "date_to"),
        ("date_from=2025-05-01&date_to=2025-04-01", "date_to"),
        ("party=someone", "party"),
        ("party=party:99999999999999999999", "party"),
        ("q=" + "x" * 101, "q"),
        ("page=abc&per_page=-4", None),
        ("page=99999999999999999999", None),
    ],
)
async def test_bad_filters_are_form_errors_never_a_500(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any], query: str, field: str | None
) -> None:
    await client.login_as(casey)
    response = await client.get(f"/clients/{jordan['id']}/notes?{query}")
    if field is None:
        assert response.status_code == 200
    else:
        assert response.status_code == 400
        assert f'id="f-{field}-error"' in response.text


async def test_the_query_count_of_the_list_the_note_and_the_overview_does_not_grow_with_the_notes(
    client: Any, casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    # A signed note, so its page also shows the share section with the gate's answer for each party.
    note_id = await signed_note(casey, jordan, parties=f"party:{await dana_id(jordan)}")
    await bulk_notes(casey, jordan, 9)
    await client.login_as(casey)
    pages = {
        "list": f"/clients/{jordan['id']}/notes",
        "filtered list": f"/clients/{jordan['id']}/notes?q=routine&kind=email&party=party:{await dana_id(jordan)}",
        "note": f"/clients/{jordan['id']}/notes/{note_id}",
        "overview": f"/clients/{jordan['id']}",
    }

    async def measure() -> dict[str, int]:
        counts = {}
        for name, path in pages.items():
            with count_queries() as counter:
                response = await client.get(path)
            assert response.status_code == 200, name
            counts[name] = counter.count
        return counts

    with_10 = await measure()
    await bulk_notes(casey, jordan, 990, start=9)
    with_1000 = await measure()

    assert with_10 == with_1000
    print(f"\nqueries with 10 notes: {with_10}; with 1,000 notes: {with_1000}")
