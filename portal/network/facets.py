"""A program's searchable facets, kept twice and always together: the JSON lists on Program (for display) and
the ProgramFacet rows (program, facet, value) that search filters on.

`set_facets` is the one way to change them; program editing and the importer both call it, inside their own
unit of work (it opens a SAVEPOINT then) or on its own (it opens the transaction itself)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from portal.cases.vocabulary import LEVELS_OF_CARE
from portal.db import write_transaction
from portal.network.tables import Program, ProgramFacet
from portal.network.vocabulary import (
    ACCREDITATIONS,
    APPROACHES,
    CONDITIONS,
    GENDERS,
    LANGUAGES,
    PAYMENT,
    POPULATIONS,
    PROGRAM_TYPES,
)

# facet name (ProgramFacet.facet) -> the Program JSON column that displays it
FACET_COLUMNS: dict[str, str] = {
    "level": "levels_of_care",
    "type": "program_types",
    "population": "populations",
    "gender": "genders",
    "condition": "conditions",
    "approach": "approaches",
    "payment": "payment",
    "accreditation": "accreditations",
    "language": "languages",
}

# facet name -> the allowed values (vocabulary keys)
FACET_VOCABULARIES: dict[str, Mapping[str, Any]] = {
    "level": LEVELS_OF_CARE,
    "type": PROGRAM_TYPES,
    "population": POPULATIONS,
    "gender": GENDERS,
    "condition": CONDITIONS,
    "approach": APPROACHES,
    "payment": PAYMENT,
    "accreditation": ACCREDITATIONS,
    "language": LANGUAGES,
}

# SQLite allows 32766 bound variables per statement; three per facet row.
_INSERT_CHUNK = 2000


def normalise_facets(facets: Mapping[str, Iterable[str]]) -> dict[str, list[str]]:
    """The facets with duplicates dropped (first occurrence kept, in order).

    Raises ValueError on an unknown facet name or value: callers validate user input first (forms report
    errors per field) and the importer maps through vocabulary.SAMHSA_MAP, so an unknown value here is a bug."""
    cleaned: dict[str, list[str]] = {}
    for facet, values in facets.items():
        if facet not in FACET_COLUMNS:
            raise ValueError(f"Unknown facet {facet!r}")
        if isinstance(values, str):
            raise ValueError(f"Facet {facet!r} takes a list of values, not a string")
        vocabulary = FACET_VOCABULARIES[facet]
        seen: list[str] = []
        for value in values:
            if value not in vocabulary:
                raise ValueError(f"Unknown value {value!r} for facet {facet!r}")
            if value not in seen:
                seen.append(value)
        cleaned[facet] = seen
    return cleaned


async def set_facets(program_id: int, facets: dict[str, list[str]]) -> None:
    """Replace the named facets of one program: its JSON lists and its ProgramFacet rows, in one transaction.

    Only the facets named in `facets` change (an importer leaves out the ones the practice edited itself);
    an empty list clears that facet. Does not touch `updated_at` or `locally_edited`: the caller decides."""
    await set_facets_many({program_id: facets})


async def set_facets_many(facets_by_program: Mapping[int, dict[str, list[str]]]) -> None:
    """`set_facets` for many programs at once (an import batch), in a fixed number of statements per
    distinct set of facet names plus one JSON update per program."""
    cleaned = {program_id: normalise_facets(facets) for program_id, facets in facets_by_program.items()}
    cleaned = {program_id: facets for program_id, facets in cleaned.items() if facets}
    if not cleaned:
        return
    groups: dict[frozenset[str], list[int]] = {}
    for program_id, facets in cleaned.items():
        groups.setdefault(frozenset(facets), []).append(program_id)
    rows = [
        ProgramFacet(program=program_id, facet=facet, value=value)
        for program_id, facets in cleaned.items()
        for facet, values in facets.items()
        for value in values
    ]
    async with write_transaction():
        for names, program_ids in groups.items():
            await ProgramFacet.delete().where(
                ProgramFacet.program.is_in(program_ids) & ProgramFacet.facet.is_in(sorted(names))
            )
        for start in range(0, len(rows), _INSERT_CHUNK):
            await ProgramFacet.insert(*rows[start : start + _INSERT_CHUNK])
        for program_id, facets in cleaned.items():
            columns: dict[Any, Any] = {
                Program._meta.get_column_by_name(FACET_COLUMNS[f]): values for f, values in facets.items()
            }
            await Program.update(columns).where(Program.id == program_id)


async def facets_of(program_id: int) -> dict[str, list[str]]:
    """The ProgramFacet rows of one program as {facet: [values]} (what search sees; for checks and tests)."""
    rows = await ProgramFacet.select(ProgramFacet.facet, ProgramFacet.value).where(ProgramFacet.program == program_id)
    result: dict[str, list[str]] = {}
    for row in rows:
        result.setdefault(row["facet"], []).append(row["value"])
    return result


def facets_from_program(row: Mapping[str, Any]) -> dict[str, list[str]]:
    """{facet: values} read from a program row's JSON lists (what the page shows)."""
    return {facet: list(row.get(column) or []) for facet, column in FACET_COLUMNS.items()}
