"""JSON shapes of the program search and import API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from portal.network.import_jobs import ImportProgress
from portal.network.search import ProgramHit


class ReasonOut(msgspec.Struct):
    facet: str  # level, type, population, gender, condition, approach, payment, accreditation, language,
    #             age, price, vetting, state, text, distance
    value: str
    label: str


class ProgramHitOut(msgspec.Struct, omit_defaults=True):
    id: int
    name: str
    program_name: str
    city: str
    state: str
    latitude: float | None
    longitude: float | None
    vetting_status: str
    reasons: list[ReasonOut]
    distance_miles: float | None = None  # only when the search has a ZIP code and radius


class SkippedRowOut(msgspec.Struct):
    row: int
    where: str
    reason: str


class ImportOut(msgspec.Struct):
    id: int
    filename: str
    status: str  # queued, running, done, failed
    total: int
    processed: int
    created: int
    updated: int
    unchanged: int
    skipped: list[SkippedRowOut]
    error: str
    created_at: datetime | None
    finished_at: datetime | None


def hit_out(hit: ProgramHit) -> ProgramHitOut:
    row = hit.row
    return ProgramHitOut(
        id=hit.id,
        name=row["name"],
        program_name=row["program_name"],
        city=row["city"],
        state=row["state"],
        latitude=row["latitude"],
        longitude=row["longitude"],
        vetting_status=row["vetting_status"],
        reasons=[ReasonOut(r.facet, r.value, r.label) for r in hit.reasons],
        distance_miles=hit.distance_miles,
    )


def import_out(progress: ImportProgress) -> ImportOut:
    batch: dict[str, Any] = progress.batch
    return ImportOut(
        id=progress.id,
        filename=batch["filename"],
        status=batch["status"],
        total=batch["total"],
        processed=batch["processed"],
        created=batch["created"],
        updated=batch["updated"],
        unchanged=batch["unchanged"],
        skipped=[
            SkippedRowOut(int(s.get("row") or 0), str(s.get("where") or ""), str(s.get("reason") or ""))
            for s in progress.skipped
        ],
        error=batch["error"],
        created_at=batch["created_at"],
        finished_at=batch["finished_at"],
    )
