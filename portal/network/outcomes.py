"""The outcome loop: how the practice's own clients did at a program, from the placements linked to it.

Completion rate = (completed + stepped down as planned) / discharged. Internal only: outcome notes are about
clients, so a client's name and note show only to someone who may see that client (everyone who sees the network
sees the counts), each such read is audited with the client's id, and nothing here goes into a family's profile
PDF or any family page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from portal.audit import services as audit
from portal.cases import placements as case_placements
from portal.cases.tables import Client
from portal.cases.vocabulary import LEVELS_OF_CARE, PLACEMENT_OUTCOMES
from portal.network.programs import program_row
from portal.policy import Action, Principal, client_scope, require

COMPLETED = frozenset({"completed", "stepped_down"})


@dataclass
class ProgramOutcomes:
    placements: int = 0  # every placement linked to the program
    current: int = 0  # not yet discharged
    discharged: int = 0
    completed: int = 0  # completed or stepped down
    by_outcome: dict[str, int] = field(default_factory=dict)

    @property
    def completion_rate(self) -> float | None:
        """completed / discharged, None while nobody has been discharged."""
        return self.completed / self.discharged if self.discharged else None

    @property
    def completion_percent(self) -> str:
        rate = self.completion_rate
        return "—" if rate is None else f"{round(rate * 100)}%"


def _tally(rows: list[dict[str, Any]]) -> ProgramOutcomes:
    result = ProgramOutcomes()
    for row in rows:
        result.placements += 1
        if row["discharged_on"] is None:
            result.current += 1
            continue
        result.discharged += 1
        if row["outcome"] in COMPLETED:
            result.completed += 1
        if row["outcome"]:
            result.by_outcome[row["outcome"]] = result.by_outcome.get(row["outcome"], 0) + 1
    return result


async def outcomes_for(program_ids: list[int]) -> dict[int, ProgramOutcomes]:
    """program id -> counts and completion rate of our placements there, in one query (programs without any
    placement map to an empty tally). No notes, no client ids: safe for ranking and lists."""
    rows = await case_placements.placements_at_programs(program_ids)
    grouped: dict[int, list[dict[str, Any]]] = {program_id: [] for program_id in program_ids}
    for row in rows:
        grouped.setdefault(row["program_id"], []).append(row)
    return {program_id: _tally(items) for program_id, items in grouped.items()}


async def program_outcomes(principal: Principal, program_id: int) -> dict[str, Any]:
    """The program page's "Our placements" section: the tally and each placement (newest first) with its
    level, dates and outcome; the client's name and the internal outcome note only when this person may see the
    client (the owner sees all). Audited once per client whose placement was shown in full."""
    require(principal, Action.NETWORK_READ)
    await program_row(program_id)
    rows = await case_placements.placements_at_programs([program_id])
    client_ids = sorted({r["client"] for r in rows})
    visible: dict[int, str] = {}
    if client_ids:
        clients = await Client.select(Client.id, Client.legal_name, Client.preferred_name).where(
            Client.id.is_in(client_ids) & client_scope(principal)
        )
        visible = {c["id"]: c["preferred_name"] or c["legal_name"] for c in clients}
    for row in rows:
        level = LEVELS_OF_CARE.get(row["level_of_care"])
        row["level_label"] = level.label if level else row["level_of_care"]
        row["outcome_label"] = PLACEMENT_OUTCOMES.get(row["outcome"], row["outcome"])
        row["client_name"] = visible.get(row["client"])
        # Another case manager's client: the outcome counts, its note stays with those who see the client.
        row["note_withheld"] = row["client"] not in visible and bool(row["outcome_note"])
        if row["client"] not in visible:
            row["outcome_note"] = ""
    rows.sort(key=lambda r: (r["admitted_on"] is not None, r["admitted_on"], r["id"]), reverse=True)
    for client_id in sorted(visible):
        await audit.record(
            principal,
            "program.outcomes.view",
            resource_type="program",
            resource_id=program_id,
            client_id=client_id,
            detail={"placement_ids": [r["id"] for r in rows if r["client"] == client_id]},
        )
    return {"tally": _tally(rows), "placements": rows}
