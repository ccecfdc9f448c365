"""Placements: a client's episodes of care at programs, each with its transition checklist.

An episode runs referred → admitted → (expected discharge) → discharged. Closing one asks for the discharge
type and an outcome (how the client did there, internal: it later feeds the program's record). Every public
function checks the policy, owns its transaction and audits the read or write with the client's id.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from portal.audit import services as audit
from portal.cases.tables import Placement, TransitionItem
from portal.cases.vocabulary import (
    DISCHARGE_TYPES,
    LEVELS_OF_CARE,
    PLACEMENT_OUTCOMES,
    TRANSITION_CHECKLIST,
    LevelOfCare,
)
from portal.clock import local_today, utcnow
from portal.core.services import get_practice
from portal.db import write_transaction
from portal.errors import Invalid, NotFound
from portal.policy import MAX_ROW_ID, Action, Principal, require_client
from portal.validation import Checker

EPISODE_FIELDS = [
    "program_name",
    "program_id",
    "level_of_care",
    "referred_on",
    "admitted_on",
    "expected_discharge_on",
    "step_down_level",
    "aftercare_plan",
]
DISCHARGE_FIELDS = ["discharged_on", "discharge_type", "outcome", "outcome_note"]
PLACEMENT_FIELDS = EPISODE_FIELDS + DISCHARGE_FIELDS
MAX_PLAN_LENGTH = 20_000


# --------------------------------------------------------------------------- checking input


def check_placement_fields(data: dict[str, Any], today: date) -> dict[Any, Any]:
    """Validated placement fields, with the date rules of an episode (`today` in the practice's time zone)."""
    c = Checker(data)
    v: dict[Any, Any] = {
        "program_name": c.text("program_name", required=True, max_length=200, label="Program"),
        "program_id": c.integer("program_id", minimum=1, maximum=MAX_ROW_ID, label="Program in the network"),
        "level_of_care": c.choice("level_of_care", LEVELS_OF_CARE, label="Level of care"),
        "referred_on": c.date("referred_on", label="Referral date"),
        "admitted_on": c.date("admitted_on", label="Admission date"),
        "expected_discharge_on": c.date("expected_discharge_on", label="Expected discharge"),
        "discharged_on": c.date("discharged_on", label="Discharge date"),
        "discharge_type": c.choice("discharge_type", DISCHARGE_TYPES, required=False, label="Discharge type"),
        "step_down_level": c.choice("step_down_level", LEVELS_OF_CARE, required=False, label="Step-down level"),
        "aftercare_plan": c.text("aftercare_plan", max_length=MAX_PLAN_LENGTH, label="Aftercare plan"),
        "outcome": c.choice("outcome", PLACEMENT_OUTCOMES, required=False, label="Outcome"),
        "outcome_note": c.text("outcome_note", max_length=MAX_PLAN_LENGTH, label="Outcome note"),
    }
    referred, admitted = v["referred_on"], v["admitted_on"]
    expected, discharged = v["expected_discharge_on"], v["discharged_on"]
    if referred and referred > today:
        c.fail("referred_on", "The referral date cannot be in the future.")
    if referred and admitted and admitted < referred:
        c.fail("admitted_on", "The admission cannot be before the referral.")
    start = admitted or referred
    if expected and start and expected < start:
        c.fail("expected_discharge_on", "The expected discharge cannot be before the admission.")
    if discharged:
        if admitted is None:
            c.fail("admitted_on", "Enter the admission date: only an admitted client is discharged.")
        elif discharged < admitted:
            c.fail("discharged_on", "The discharge cannot be before the admission.")
        if discharged > today:
            c.fail("discharged_on", "The discharge date cannot be in the future; use the expected discharge.")
        if not v["discharge_type"]:
            c.fail("discharge_type", "Choose the discharge type.")
        if not v["outcome"]:
            c.fail("outcome", "Choose the outcome: how did the client do there?")
    else:
        if v["discharge_type"]:
            c.fail("discharge_type", "Enter the discharge date, or leave the discharge type empty.")
        if v["outcome"] or v["outcome_note"]:
            c.fail("outcome", "An outcome is recorded with the discharge: enter the discharge date.")
    c.done()
    return v


def level(code: str | None) -> LevelOfCare | None:
    return LEVELS_OF_CARE.get(code or "")


def step_down_target(placement: dict[str, Any]) -> LevelOfCare | None:
    """The level of care the client is planned to step down to after this placement."""
    return level(placement.get("step_down_level"))


def status_of(placement: dict[str, Any], today: date) -> str:
    """referred (not yet admitted), upcoming (admission booked), current, or discharged."""
    if placement["discharged_on"] is not None:
        return "discharged"
    if placement["admitted_on"] is None:
        return "referred"
    if placement["admitted_on"] > today:
        return "upcoming"
    return "current"


STATUS_LABELS = {
    "referred": "Referred",
    "upcoming": "Admission booked",
    "current": "Current",
    "discharged": "Discharged",
}


def _decorate(row: dict[str, Any], today: date) -> dict[str, Any]:
    row["level"] = level(row["level_of_care"])
    row["level_label"] = row["level"].label if row["level"] else row["level_of_care"]
    row["level_short"] = row["level"].short if row["level"] else row["level_of_care"]
    row["step_down"] = step_down_target(row)
    row["discharge_type_label"] = DISCHARGE_TYPES.get(row["discharge_type"], row["discharge_type"])
    row["outcome_label"] = PLACEMENT_OUTCOMES.get(row["outcome"], row["outcome"])
    row["status"] = status_of(row, today)
    row["status_label"] = STATUS_LABELS[row["status"]]
    if row["status"] == "current" and row["expected_discharge_on"] is not None:
        row["days_to_discharge"] = (row["expected_discharge_on"] - today).days
    else:
        row["days_to_discharge"] = None
    return row


def episode_start(row: dict[str, Any]) -> date:
    return row["admitted_on"] or row["referred_on"] or row["created_at"].date()


async def _today() -> date:
    return local_today((await get_practice()).time_zone)


# --------------------------------------------------------------------------- reading


async def placement_rows(client_id: int) -> list[dict[str, Any]]:
    """A client's placements, newest episode first (one query; no policy or audit: callers do both)."""
    rows = await Placement.select().where(Placement.client == client_id)
    return sorted(rows, key=lambda r: (episode_start(r), r["id"]), reverse=True)


async def checklists(placement_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """placement id -> its checklist in the vocabulary's order, with who ticked each item (one query)."""
    if not placement_ids:
        return {}
    rows = await TransitionItem.select(
        TransitionItem.id,
        TransitionItem.placement,
        TransitionItem.item,
        TransitionItem.done_at,
        TransitionItem.note,
        TransitionItem.done_by.name.as_alias("done_by_name"),
    ).where(TransitionItem.placement.is_in(placement_ids))
    order = list(TRANSITION_CHECKLIST)
    result: dict[int, list[dict[str, Any]]] = {pid: [] for pid in placement_ids}
    for row in sorted(rows, key=lambda r: order.index(r["item"]) if r["item"] in order else len(order)):
        row["label"] = TRANSITION_CHECKLIST.get(row["item"], row["item"])
        result[row["placement"]].append(row)
    return result


async def list_placements(principal: Principal, client_id: int) -> list[dict[str, Any]]:
    """Every placement of the client with its checklist, in a fixed number of queries."""
    await require_client(principal, client_id)
    today = await _today()
    rows = [_decorate(r, today) for r in await placement_rows(client_id)]
    lists = await checklists([r["id"] for r in rows])
    for row in rows:
        row["checklist"] = lists.get(row["id"], [])
        row["checklist_done"] = sum(1 for item in row["checklist"] if item["done_at"] is not None)
    await audit.record(
        principal,
        "placement.list",
        resource_type="placement",
        client_id=client_id,
        detail={"placement_ids": [r["id"] for r in rows]},
    )
    return rows


async def _placement_row(client_id: int, placement_id: int) -> dict[str, Any]:
    if not 0 < placement_id <= MAX_ROW_ID:
        raise NotFound("No such placement.")
    row = await Placement.select().where((Placement.id == placement_id) & (Placement.client == client_id)).first()
    if row is None:
        raise NotFound("No such placement.")
    return row


async def get_placement(
    principal: Principal, client_id: int, placement_id: int, *, audit_read: bool = True
) -> dict[str, Any]:
    """One placement with its checklist. `audit_read=False` right after writing it (the write is audited)."""
    await require_client(principal, client_id)
    row = _decorate(await _placement_row(client_id, placement_id), await _today())
    row["checklist"] = (await checklists([placement_id]))[placement_id]
    if audit_read:
        await audit.record(
            principal, "placement.view", resource_type="placement", resource_id=placement_id, client_id=client_id
        )
    return row


async def current_placement_of(client_id: int) -> dict[str, Any] | None:
    """The placement the client is in today (admitted, not discharged), with checklist progress; None if none.

    When two run side by side (sober living during IOP), the most intensive level of care is "the" placement
    and the others are listed under `alongside`. No policy check or audit: for pages whose client header has
    already done both (the overview)."""
    today = await _today()
    rows = await Placement.select().where(
        (Placement.client == client_id)
        & Placement.admitted_on.is_not_null()
        & (Placement.admitted_on <= today)
        & Placement.discharged_on.is_null()
    )
    if not rows:
        return None
    rows = sorted(
        (_decorate(row, today) for row in rows),
        key=lambda r: (r["level"].intensity if r["level"] else 0, r["admitted_on"], r["id"]),
        reverse=True,
    )
    current = rows[0]
    current["alongside"] = rows[1:]
    items = await TransitionItem.select(TransitionItem.done_at).where(TransitionItem.placement == current["id"])
    current["checklist_total"] = len(items)
    current["checklist_done"] = sum(1 for item in items if item["done_at"] is not None)
    return current


async def current_placement(principal: Principal, client_id: int) -> dict[str, Any] | None:
    """The client's current placement (audited read); its `step_down` is the planned step-down level."""
    await require_client(principal, client_id)
    row = await current_placement_of(client_id)
    await audit.record(
        principal,
        "placement.current.view",
        resource_type="placement",
        resource_id=row["id"] if row else "",
        client_id=client_id,
    )
    return row


# --------------------------------------------------------------------------- writing


async def _with_network_program(data: dict[str, Any]) -> dict[str, Any]:
    """A placement linked to a program of the network (`program_id`) takes its name when none was typed; an
    unknown program is an error on that field."""
    from portal.network.programs import program_names

    raw = data.get("program_id")
    if raw in (None, ""):
        return data
    try:
        program_id = int(raw)
    except (TypeError, ValueError):
        return data  # the checker reports it
    name = (await program_names([program_id])).get(program_id)
    if name is None:
        raise Invalid(program_id="Choose a program from the network, or clear the link.")
    if not str(data.get("program_name") or "").strip():
        data = {**data, "program_name": name[:200]}
    return data


async def placements_at_programs(program_ids: list[int]) -> list[dict[str, Any]]:
    """Every placement linked to these programs (one query; no policy or audit: the network's outcome loop
    does both)."""
    ids = [i for i in program_ids if 0 < i <= MAX_ROW_ID]
    if not ids:
        return []
    return await Placement.select(
        Placement.id,
        Placement.client,
        Placement.program_id,
        Placement.level_of_care,
        Placement.admitted_on,
        Placement.discharged_on,
        Placement.discharge_type,
        Placement.outcome,
        Placement.outcome_note,
    ).where(Placement.program_id.is_in(ids))


async def create_placement(principal: Principal, client_id: int, data: dict[str, Any]) -> int:
    """Record an episode (a past one may be recorded already discharged); its transition checklist comes with it."""
    await require_client(principal, client_id, Action.CLIENTS_WRITE)
    values = check_placement_fields(await _with_network_program(data), await _today())
    now = utcnow()
    async with write_transaction():
        rows = await Placement.insert(
            Placement(client=client_id, **values, created_by=principal.user_id, created_at=now, updated_at=now)
        ).returning(Placement.id)
        placement_id = int(rows[0]["id"])
        await TransitionItem.insert(*[TransitionItem(placement=placement_id, item=key) for key in TRANSITION_CHECKLIST])
        await audit.record(
            principal,
            "placement.create",
            resource_type="placement",
            resource_id=placement_id,
            client_id=client_id,
            detail={"level_of_care": values["level_of_care"], "discharged": values["discharged_on"] is not None},
        )
    return placement_id


async def update_placement(principal: Principal, client_id: int, placement_id: int, data: dict[str, Any]) -> None:
    """Edit an episode; the fields not in `data` keep their values."""
    await require_client(principal, client_id, Action.CLIENTS_WRITE)
    current = await _placement_row(client_id, placement_id)
    merged = {name: current[name] for name in PLACEMENT_FIELDS}
    merged.update({name: data[name] for name in PLACEMENT_FIELDS if name in data})
    values = check_placement_fields(await _with_network_program(merged), await _today())
    changed = sorted(name for name in PLACEMENT_FIELDS if values[name] != current[name])
    if not changed:
        return
    async with write_transaction():
        await Placement.update({**values, "updated_at": utcnow()}).where(Placement.id == placement_id)
        await audit.record(
            principal,
            "placement.update",
            resource_type="placement",
            resource_id=placement_id,
            client_id=client_id,
            detail={"fields": changed},
        )


async def discharge_placement(principal: Principal, client_id: int, placement_id: int, data: dict[str, Any]) -> None:
    """Close an open placement: discharge date and type, outcome (required) and an internal outcome note;
    the step-down level and aftercare plan may be completed at the same time."""
    await require_client(principal, client_id, Action.CLIENTS_WRITE)
    current = await _placement_row(client_id, placement_id)
    if current["discharged_on"] is not None:
        raise Invalid(discharged_on="This placement is already discharged; edit it to correct the discharge.")
    merged = {name: current[name] for name in PLACEMENT_FIELDS}
    for name in [*DISCHARGE_FIELDS, "step_down_level", "aftercare_plan"]:
        if name in data:
            merged[name] = data[name]
    if merged["discharged_on"] in (None, ""):
        missing = {"discharged_on": "Enter the discharge date."}
        if not merged["discharge_type"]:
            missing["discharge_type"] = "Choose the discharge type."
        if not merged["outcome"]:
            missing["outcome"] = "Choose the outcome: how did the client do there?"
        raise Invalid(**missing)
    values = check_placement_fields(merged, await _today())
    async with write_transaction():
        await Placement.update({**values, "updated_at": utcnow()}).where(Placement.id == placement_id)
        await audit.record(
            principal,
            "placement.discharge",
            resource_type="placement",
            resource_id=placement_id,
            client_id=client_id,
            detail={"discharge_type": values["discharge_type"], "outcome": values["outcome"]},
        )


async def set_checklist_item(
    principal: Principal,
    client_id: int,
    placement_id: int,
    item: str,
    *,
    done: bool,
    note: str | None = None,
) -> None:
    """Tick or untick one transition item (who and when are kept while it is ticked); `note` replaces its note."""
    await require_client(principal, client_id, Action.CLIENTS_WRITE)
    if item not in TRANSITION_CHECKLIST:
        raise NotFound("No such checklist item.")
    await _placement_row(client_id, placement_id)
    c = Checker({"note": note})
    cleaned_note = c.text("note", max_length=300, label="Note")
    c.done()
    async with write_transaction():
        row = (
            await TransitionItem.select(TransitionItem.id, TransitionItem.done_at, TransitionItem.note)
            .where((TransitionItem.placement == placement_id) & (TransitionItem.item == item))
            .first()
        )
        if row is None:  # a placement recorded before this item joined the checklist
            await TransitionItem.insert(TransitionItem(placement=placement_id, item=item))
            row = {"done_at": None, "note": ""}
        was_done = row["done_at"] is not None
        changes: dict[Any, Any] = {}
        if done and not was_done:
            changes.update({TransitionItem.done_at: utcnow(), TransitionItem.done_by: principal.user_id})
        elif not done and was_done:
            changes.update({TransitionItem.done_at: None, TransitionItem.done_by: None})
        if note is not None and cleaned_note != row["note"]:
            changes[TransitionItem.note] = cleaned_note
        if not changes:
            return
        await TransitionItem.update(changes).where(
            (TransitionItem.placement == placement_id) & (TransitionItem.item == item)
        )
        action = "tick" if done and not was_done else "untick" if was_done and not done else "note"
        await audit.record(
            principal,
            f"placement.checklist.{action}",
            resource_type="placement",
            resource_id=placement_id,
            client_id=client_id,
            detail={"item": item},
        )
