"""A client's insurance plan and its out-of-network benefits, for superbills (CMS-1500 boxes 1a, 4, 6, 7, 11) and
reimbursement estimates.

Who records it: billing staff and the owner (BILLING_WRITE) for any client, and a case manager (CLIENTS_WRITE)
for the clients assigned to them, because the plan is usually taken down at intake, before billing ever sees
the family. Reading follows the same rule (BILLING_READ, or CLIENTS_READ on an assigned client). Every read and
write is audited with the client's id; a client one may not see is simply not found.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from portal.audit import services as audit
from portal.billing.agreements import _dollars_to_cents
from portal.billing.ledger import check_id
from portal.billing.tables import ClientInsurance
from portal.cases.tables import Client
from portal.clock import local_today, utcnow
from portal.core.services import get_practice
from portal.db import write_transaction
from portal.errors import NotFound
from portal.policy import Action, Principal, can, require_client
from portal.validation import Checker

PLAN_TYPES = {"ppo": "PPO", "pos": "POS", "hmo": "HMO", "epo": "EPO", "other": "Other"}
PLAN_YEAR_MONTHS = {str(month): date(2000, month, 1).strftime("%B") for month in range(1, 13)}
RELATIONSHIPS = {"self": "Self", "spouse": "Spouse", "child": "Child", "other": "Other"}
# Plans that usually pay nothing out of network (DOMAIN §2).
NO_OON_PLAN_TYPES = frozenset({"hmo", "epo"})
CODE_RE = re.compile(r"^[A-Z0-9]{5}$")
MEMBER_ID_RE = re.compile(r"^[A-Za-z0-9\-]{1,40}$")
MONEY_FIELDS = ("oon_deductible", "oon_deductible_met", "oon_out_of_pocket_max", "oon_out_of_pocket_met")


def json_dict(value: Any) -> dict[str, Any]:
    """A JSON column's value as a dict (Piccolo hands JSON back as text)."""
    if isinstance(value, str):
        value = json.loads(value or "{}")
    return dict(value) if isinstance(value, dict) else {}


@dataclass(frozen=True)
class Benefits:
    """The out-of-network benefits the estimate works from (money in cents)."""

    plan_type: str = "ppo"
    deductible_cents: int = 0
    deductible_met_cents: int = 0
    coinsurance_percent: int = 0  # the member's share, 0–100
    out_of_pocket_max_cents: int | None = None
    out_of_pocket_met_cents: int = 0
    allowed_percent: int | None = None  # allowed amount as a percentage of the charge
    allowed_amounts: dict[str, int] | None = None  # code -> allowed amount per unit
    met_year: int | None = None  # the plan year the two "met" amounts are for (None: every year)
    plan_year_start_month: int = 1  # the deductible and the out-of-pocket maximum start again in this month

    def plan_year_of(self, period: str) -> int:
        """The plan year a month ("2027-03") falls in, named by the calendar year it starts in."""
        year, month = (int(part) for part in period.split("-"))
        return year if month >= self.plan_year_start_month else year - 1

    def for_year(self, plan_year: int) -> Benefits:
        """The benefits as they stood before `plan_year`'s first month on a superbill: the amounts met belong to
        their own plan year; any other starts from nothing met (for a year before the one recorded, what was met is
        not known, and nothing met gives the smaller estimate)."""
        if self.met_year is None or self.met_year == plan_year:
            return self
        return replace(self, deductible_met_cents=0, out_of_pocket_met_cents=0, met_year=plan_year)

    @classmethod
    def of(cls, row: dict[str, Any]) -> Benefits:
        return cls(
            plan_type=row["plan_type"],
            deductible_cents=int(row["oon_deductible_cents"] or 0),
            deductible_met_cents=int(row["oon_deductible_met_cents"] or 0),
            coinsurance_percent=int(row["oon_coinsurance_percent"] or 0),
            out_of_pocket_max_cents=row["oon_out_of_pocket_max_cents"],
            out_of_pocket_met_cents=int(row["oon_out_of_pocket_met_cents"] or 0),
            allowed_percent=row["allowed_percent"],
            allowed_amounts={str(k): int(v) for k, v in json_dict(row["allowed_amounts"]).items()},
            met_year=row.get("oon_met_year") or _year_saved(row.get("updated_at")),
            plan_year_start_month=int(row.get("plan_year_start_month") or 1),
        )


def _year_saved(moment: Any) -> int | None:
    """The UTC year a plan was last saved (timestamps come back as text on SQLite)."""
    if isinstance(moment, str) and moment:
        return datetime.fromisoformat(moment).year
    return moment.year if isinstance(moment, datetime) else None


async def require_insurance_access(principal: Principal, client_id: int, *, write: bool) -> None:
    """Billing staff for any client; a case manager for an assigned client; anyone else: NotFound."""
    check_id(client_id, "client")
    if can(principal, Action.BILLING_WRITE if write else Action.BILLING_READ):
        if not await Client.exists().where((Client.id == client_id) & Client.archived_at.is_null()):
            raise NotFound("No such client.")
        return
    await require_client(principal, client_id, Action.CLIENTS_WRITE if write else Action.CLIENTS_READ)


async def practice_today() -> date:
    return local_today((await get_practice()).time_zone)


async def insurance_row(client_id: int) -> dict[str, Any] | None:
    """The client's plan as stored (no policy check, no audit: for the estimate and the superbill builders)."""
    return await ClientInsurance.select().where(ClientInsurance.client == client_id).first()


async def get_insurance(principal: Principal, client_id: int) -> dict[str, Any] | None:
    """The client's plan for the insurance page (audited), or None when none is on file."""
    await require_insurance_access(principal, client_id, write=False)
    row = await insurance_row(client_id)
    await audit.record(principal, "billing.insurance.view", resource_type="client_insurance", client_id=client_id)
    return row


def _allowed_amounts(c: Checker, raw: Any) -> dict[str, int]:
    """ "T1016 = 25.00" per line (or a dict from JSON) -> {"T1016": 2500}."""
    if isinstance(raw, dict):
        items = [(str(k), v) for k, v in raw.items()]
    else:
        text = c.text("allowed_amounts", max_length=2000, label="Allowed amounts")
        items = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            code, sep, amount = line.partition("=")
            if not sep:
                c.fail("allowed_amounts", f"Line {number}: write a code and an amount, like T1016 = 25.00.")
                return {}
            items.append((code, amount.strip()))
    amounts: dict[str, int] = {}
    for code, amount in items:
        code = code.strip().upper()
        if not CODE_RE.match(code):
            c.fail("allowed_amounts", f"{code[:10]!r} is not a CPT/HCPCS code (five letters or digits, like T1016).")
            return {}
        if isinstance(amount, int) and not isinstance(amount, bool):
            cents: int | None = amount  # JSON gives cents
        else:
            probe = Checker({"amount": amount})
            cents = _dollars_to_cents(probe, "amount", required=True, label=f"The allowed amount for {code}")
            if probe.errors:
                c.fail("allowed_amounts", probe.errors["amount"])
                return {}
        if cents is None or cents <= 0:
            c.fail("allowed_amounts", f"The allowed amount for {code} must be more than zero.")
            return {}
        amounts[code] = cents
    if len(amounts) > 40:
        c.fail("allowed_amounts", "List at most 40 codes.")
    return amounts


def check_insurance(data: dict[str, Any], *, today: date | None = None) -> dict[str, Any]:
    """The plan's fields from a form (dollars) or JSON (cents under *_cents), or Invalid naming each problem."""
    month = data.get("plan_year_start_month")
    if isinstance(month, int) and not isinstance(month, bool):  # JSON may give the month as a number
        data = {**data, "plan_year_start_month": str(month)}
    c = Checker(data)
    v: dict[str, Any] = {
        "plan_name": c.text("plan_name", required=True, max_length=200, label="Plan name"),
        "plan_type": c.choice("plan_type", PLAN_TYPES, label="Plan type"),
        "member_id": c.text("member_id", required=True, max_length=40, label="Member id"),
        "group_number": c.text("group_number", max_length=40, label="Group number"),
        "patient_name_on_card": c.text(
            "patient_name_on_card", required=True, max_length=200, label="Patient's name on the card"
        ),
        "subscriber_relationship": c.choice(
            "subscriber_relationship", RELATIONSHIPS, default="self", label="Relationship to the patient"
        ),
        "subscriber_name": c.text("subscriber_name", max_length=200, label="Subscriber's name"),
        "subscriber_date_of_birth": c.date("subscriber_date_of_birth", label="Subscriber's date of birth"),
        "claims_address": c.text("claims_address", max_length=1000, label="Claims address"),
        "oon_coinsurance_percent": c.integer(
            "oon_coinsurance_percent", default=0, minimum=0, maximum=100, label="Coinsurance (%)"
        ),
        "allowed_percent": c.integer("allowed_percent", minimum=1, maximum=100, label="Allowed amount (% of charge)"),
        "timely_filing_days": c.integer(
            "timely_filing_days", default=365, minimum=30, maximum=3650, label="Timely-filing limit (days)"
        ),
    }
    if v["member_id"] and not MEMBER_ID_RE.match(v["member_id"]):
        c.fail("member_id", "Member id: letters, digits and dashes only, as printed on the card.")
    if v["subscriber_relationship"] == "self":
        v["subscriber_name"] = v["subscriber_name"] or v["patient_name_on_card"]
    elif not v["subscriber_name"]:
        c.fail("subscriber_name", "Subscriber's name is required when the patient is not the subscriber.")
    born = v["subscriber_date_of_birth"]
    if born is not None and born > (today or date.today()):
        c.fail("subscriber_date_of_birth", "Subscriber's date of birth cannot be in the future.")
    labels = {
        "oon_deductible": "Deductible",
        "oon_deductible_met": "Deductible met so far",
        "oon_out_of_pocket_max": "Out-of-pocket maximum",
        "oon_out_of_pocket_met": "Out-of-pocket met so far",
    }
    for name in MONEY_FIELDS:
        if f"{name}_cents" in data:  # JSON: integer cents
            raw = data[f"{name}_cents"]
            value = raw if isinstance(raw, int) and not isinstance(raw, bool) and raw >= 0 else None
            if raw is not None and value is None:
                c.fail(f"{name}_cents", f"{labels[name]}: a whole number of cents, zero or more.")
        else:
            value = _dollars_to_cents(c, name, required=False, label=labels[name])
        v[f"{name}_cents"] = value
    v["oon_deductible_cents"] = v["oon_deductible_cents"] or 0
    v["oon_deductible_met_cents"] = v["oon_deductible_met_cents"] or 0
    v["oon_out_of_pocket_met_cents"] = v["oon_out_of_pocket_met_cents"] or 0
    this_year = (today or date.today()).year
    v["plan_year_start_month"] = int(
        c.choice("plan_year_start_month", PLAN_YEAR_MONTHS, default="1", label="Plan year starts in")
    )
    v["oon_met_year"] = c.integer(
        "oon_met_year",
        default=this_year,
        minimum=this_year - 10,
        maximum=this_year + 1,
        label="Year of the amounts met",
    )
    if v["oon_deductible_met_cents"] > v["oon_deductible_cents"]:
        c.fail("oon_deductible_met", "The amount met cannot be more than the deductible.")
    oop_max = v["oon_out_of_pocket_max_cents"]
    if oop_max is not None and v["oon_out_of_pocket_met_cents"] > oop_max:
        c.fail("oon_out_of_pocket_met", "The amount met cannot be more than the out-of-pocket maximum.")
    if oop_max is not None and oop_max < v["oon_deductible_cents"]:
        c.fail("oon_out_of_pocket_max", "The out-of-pocket maximum cannot be less than the deductible.")
    v["allowed_amounts"] = _allowed_amounts(c, data.get("allowed_amounts"))
    c.done()
    return v


async def save_insurance(principal: Principal, client_id: int, data: dict[str, Any]) -> None:
    """Record or replace the client's plan (one per client)."""
    await require_insurance_access(principal, client_id, write=True)
    values = check_insurance(data, today=await practice_today())
    async with write_transaction():
        existing = await ClientInsurance.select(ClientInsurance.id).where(ClientInsurance.client == client_id).first()
        stamp: dict[str, Any] = {"updated_by": principal.user_id, "updated_at": utcnow()}
        if existing is None:
            await ClientInsurance.insert(ClientInsurance(client=client_id, **values, **stamp))
            action = "billing.insurance.create"
        else:
            changes: dict[Any, Any] = {**values, **stamp}
            await ClientInsurance.update(changes).where(ClientInsurance.id == existing["id"])
            action = "billing.insurance.update"
        # What changed is named (field names only): the values are PHI and stay in the table.
        await audit.record(
            principal,
            action,
            resource_type="client_insurance",
            client_id=client_id,
            detail={"fields": sorted(k for k, value in values.items() if value not in ("", None, {}))},
        )


def form_values(row: dict[str, Any] | None, this_year: int) -> dict[str, Any]:
    """A stored plan as the form shows it (dollars, one "CODE = amount" per line)."""
    if row is None:
        return {
            "plan_type": "ppo",
            "subscriber_relationship": "self",
            "timely_filing_days": 365,
            "oon_met_year": this_year,
            "plan_year_start_month": "1",
        }

    def dollars(cents: int | None) -> str:
        return "" if cents is None else f"{cents // 100}.{cents % 100:02d}"

    values = dict(row)
    for name in MONEY_FIELDS:
        values[name] = dollars(row[f"{name}_cents"])
    values["oon_met_year"] = Benefits.of(row).met_year or this_year
    values["plan_year_start_month"] = str(row.get("plan_year_start_month") or 1)
    values["allowed_amounts"] = "\n".join(
        f"{code} = {dollars(int(cents))}" for code, cents in sorted(json_dict(row["allowed_amounts"]).items())
    )
    return values
