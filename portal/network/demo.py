"""The demo's program network, replayed on the demo's story clock (portal/demo.py) beside the case work.

Forty programs (portal/network/demo_programs.py): thirty-two typed in by Olivia, Casey and Morgan across levels of
care and states, eight imported from a FindTreatment.gov locator search. Each typed-in program is taken as far
through the vetting workflow as its spec says — intake, desk review with evidence, site visit, a scoped decision,
monitoring (a complaint that reopens a review) — with its licenses and accreditations (two about to expire),
the people to call there, and dated availability observations. The programs of the demo clients' placements
(Blue Ridge, Crossroads, Cedar Point, Summit Trails) are vetted before the referral, and each placement is linked
to its program on the day it is referred.

Everything goes through the network's services, acted by the person who would have done it, so the vetting
history and the audit log read like a practice's.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from portal.cases import placements
from portal.cases.demo_work import Cast
from portal.demo_story import Story
from portal.network import contacts, credentials, geo, monitoring, programs, vetting
from portal.network.demo_programs import (
    CONTACT_NAMES,
    IMPORTED,
    IMPORTED_DAYS_AGO,
    PLACEMENT_PROGRAMS,
    PLACEMENT_REFERRED_DAYS_AGO,
    PROGRAMS,
    ProgramSpec,
    Vetting,
)
from portal.network.importer import import_programs
from portal.network.vocabulary import DESK_CHECKS, SITE_VISIT_CHECKLIST
from portal.policy import Principal

OWNER = {"olivia": "olivia@example.com"}
DECIDED = frozenset({"approved", "provisional", "declined", "review_needed"})
# The one license that runs out within the alert window (days from today); every other license is good for
# more than a year. Chesapeake's accreditation (demo_programs.py) is the other credential about to expire.
EXPIRING_LICENSES = {"berkshire": 40}
DESK_EVIDENCE = {
    "state_license": "{state} licensing body's facility lookup: license active, no actions on record.",
    "accreditation": "Accreditor's directory lists the facility; certificate on file.",
    "npi": "NPPES: organisation NPI matches the facility's name and address.",
    "exclusion_lists": "OIG LEIE and SAM.gov searched for the facility and its executives: no match.",
    "inspections": "Last two state inspection reports read; findings corrected.",
    "complaints_lawsuits": "Court records and news searched for the facility and its owner: nothing relevant.",
    "ownership": "Owner named on the state license and the website; no private-equity change in five years.",
    "clinical_model": "Staffing ratios, credentials of the clinical team and a sample week's schedule reviewed.",
    "pricing": "Written rate sheet received; what the rate includes confirmed with admissions.",
    "outcomes_claims": "Outcomes figures on the website traced to an external evaluation.",
    "no_referral_fee": "Signed attestation: no payment or benefit for referrals.",
}
PROBLEM_EVIDENCE = {
    "concern": "Looked into it: {check} — not fully satisfied; noted for the decision.",
    "fail": "Failed: {check}. See the notes of the call and the documents found.",
}
PARTIAL_DESK_CHECKS = 6  # a desk review still in progress has this many checks recorded


@dataclass
class NetworkIds:
    """The ids of what the network story has created (keys are the demo specs' own)."""

    programs: dict[str, int] = field(default_factory=dict)
    imported: int = 0


class ProgramWork:
    """One program's story: created, then vetted as far as its spec says, by the people who would have."""

    def __init__(self, story: Story, cast: Cast, ids: NetworkIds, spec: ProgramSpec, index: int) -> None:
        self.story, self.cast, self.ids, self.spec, self.index = story, cast, ids, spec, index

    def who(self, key: str) -> Principal:
        return self.cast.principals[key]

    def user_id(self, key: str) -> int:
        user_id = self.who(key).user_id
        assert user_id is not None
        return user_id

    @property
    def program_id(self) -> int:
        return self.ids.programs[self.spec.key]

    def at(self, days_ago: int, clock_time: str, step: Any) -> None:
        self.story.at(self.story.moment(days_ago, clock_time), step)

    def plan(self) -> None:
        spec, v = self.spec, self.spec.vetting
        created = v.intake if v else 140 - 3 * self.index
        creator = v.by if v else ("casey", "morgan")[self.index % 2]

        async def create() -> None:
            self.ids.programs[spec.key] = await programs.create_program(self.who(creator), spec.form)

        self.at(created, "09:30", create)
        if v is not None:
            self.vet(v)
        for days_ago, beds, waitlist, note, caller in spec.availability:
            self.availability(days_ago, beds, waitlist, note, caller)

    # ------------------------------------------------------------------ the workflow

    def vet(self, v: Vetting) -> None:
        async def intake() -> None:
            await vetting.open_review(self.who(v.by), self.program_id, {"reason": "initial", "intake_source": v.source})

        self.at(v.intake, "09:45", intake)
        self.contacts(v)
        if v.stage == "intake":
            return
        self.credentials(v)
        self.desk_review(v)
        if v.stage == "desk_review":
            return
        if v.stage != "declined":
            self.site_visit(v)
        if v.stage == "site_visit":
            return
        self.decision(v)
        if v.complaint is not None:
            days_ago, description = v.complaint

            async def complaint() -> None:
                await monitoring.record_incident(
                    self.who(v.by),
                    self.program_id,
                    {"kind": "complaint", "occurred_on": self.story.day(days_ago + 1), "description": description},
                )

            self.at(days_ago, "15:20", complaint)

    def contacts(self, v: Vetting) -> None:
        slug = self.spec.form["website"].removeprefix("https://")

        async def add() -> None:
            for n, (role, _) in enumerate(self.spec.contacts):
                names = CONTACT_NAMES[role]
                data = {
                    "role": role,
                    "name": names[(self.index + n) % len(names)],
                    "phone": self.spec.form["phone_admissions" if role == "admissions" else "phone_main"],
                    "email": f"{role.replace('_', '')}@{slug}",
                }
                await contacts.add_contact(self.who(v.by), self.program_id, data)

        if self.spec.contacts:
            self.at(v.intake, "10:30", add)

    def credentials(self, v: Vetting) -> None:
        form = self.spec.form
        verified = self.story.day(v.desk_day)
        license_days = EXPIRING_LICENSES.get(self.spec.key, 420 + 17 * self.index)
        items: list[dict[str, Any]] = [
            {
                "kind": "license",
                "name": f"{form['state']} behavioral health facility license",
                "number": f"{form['state']}-{7300 + 41 * self.index}",
                "issuer": f"{form['state']} Department of Health",
                "expires_on": self.story.day(-license_days),
                "verified_on": verified,
                "source": f"{form['state']} licensing body's online facility lookup",
            }
        ]
        accreditations = {"joint_commission": "The Joint Commission", "carf": "CARF"}
        extra_names = {extra["name"] for extra in self.spec.credentials}
        for code, accreditor in accreditations.items():
            if code in form["accreditations"] and not any(accreditor in name for name in extra_names):
                items.append(
                    {
                        "kind": "accreditation",
                        "name": f"{accreditor} behavioral health accreditation",
                        "number": f"{code.upper()[:3]}-{90210 + 7 * self.index}",
                        "issuer": accreditor,
                        "expires_on": self.story.day(-(500 + 11 * self.index)),
                        "verified_on": verified,
                        "source": f"{accreditor} online directory",
                    }
                )
        for extra in self.spec.credentials:
            items.append(
                {
                    "kind": extra["kind"],
                    "name": extra["name"],
                    "number": f"C-{4400 + self.index}",
                    "issuer": extra["issuer"],
                    "expires_on": self.story.day(-int(extra.get("expires_in", 300))),
                    "verified_on": verified,
                    "source": f"{extra['issuer']} registry",
                }
            )

        async def add() -> None:
            for item in items:
                await credentials.add_credential(self.who(v.by), self.program_id, item)

        self.at(v.desk_day, "14:00", add)

    def desk_review(self, v: Vetting) -> None:
        keys = list(DESK_CHECKS)
        if v.stage == "desk_review":
            keys = [*keys[:PARTIAL_DESK_CHECKS], *(k for k in v.concerns if k not in keys[:PARTIAL_DESK_CHECKS])]
        entries = []
        for key in keys:
            result = "fail" if key in v.failed else "concern" if key in v.concerns else "pass"
            if result == "pass":
                evidence = DESK_EVIDENCE[key].format(state=self.spec.form["state"])
            else:
                evidence = PROBLEM_EVIDENCE[result].format(check=DESK_CHECKS[key].lower())
            entries.append({"check": key, "result": result, "evidence": evidence, "file": None})

        async def record() -> None:
            await vetting.record_desk_checks(self.who(v.by), self.program_id, entries)

        self.at(v.desk_day, "14:30", record)

    def site_visit(self, v: Vetting) -> None:
        in_person = v.visit_mode == "in_person"
        checklist = {f"check_{item}": "good" for item in SITE_VISIT_CHECKLIST}
        if v.stage == "provisional":
            checklist["check_discharge_planning"] = "concern"
        if not in_person:
            checklist["check_living_conditions"] = "na"
        notes = v.visit_notes or (
            "Toured the units, met the clinical director and sat in on a group; clients we spoke to felt safe."
            if in_person
            else "Video tour of the units and an hour with the clinical director; an in-person visit to follow."
        )

        async def record() -> None:
            data = {
                "visited_on": self.story.day(v.visit_day),
                "mode": v.visit_mode,
                "hours": "6" if in_person else "2",
                "visitor": str(self.user_id(v.by)),
                "notes": notes,
                **checklist,
            }
            await vetting.record_site_visit(self.who(v.by), self.program_id, data)

        self.at(v.visit_day, "18:00", record)

    def decision(self, v: Vetting) -> None:
        form = self.spec.form
        decision = "approved" if v.stage == "review_needed" else v.stage
        data: dict[str, Any] = {
            "decision": decision,
            "rationale": v.rationale or "Desk review and site visit satisfactory; approved within the scope below.",
        }
        if decision != "declined":
            data.update(
                {
                    "levels": list(v.levels or form["levels_of_care"]),
                    "populations": list(v.populations or form["populations"]),
                    "conditions": list(v.conditions or form["conditions"][:3]),
                    "next_review_on": self.story.day(v.decision_day - v.review_in_days),
                }
            )

        async def decide() -> None:
            await vetting.record_decision(self.who(v.by), self.program_id, data)

        self.at(v.decision_day, "11:00", decide)

    def availability(self, days_ago: int, beds: int | None, waitlist: int | None, note: str, caller: str) -> None:
        async def record() -> None:
            data = {
                "observed_on": self.story.day(days_ago),
                "beds_available": "" if beds is None else str(beds),
                "waitlist_days": "" if waitlist is None else str(waitlist),
                "note": note,
            }
            await contacts.record_availability(self.who(caller), self.program_id, data)

        self.at(days_ago, "11:15", record)


def imported_csv() -> bytes:
    """The locator search as FindTreatment.gov's CSV (coordinates at each ZIP code's centroid)."""
    columns = ["frid", "name1", "name2", "street1", "city", "state", "zip", "latitude", "longitude", "phone"]
    codes = ["TC", "SET", "PAY", "AGE"]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*columns, *codes])
    for row in IMPORTED:
        point = geo.zip_centroid(row["zip"])
        assert point is not None, row["zip"]
        values = {**row, "latitude": f"{point.latitude:.6f}", "longitude": f"{point.longitude:.6f}"}
        writer.writerow([values.get(name, "") for name in [*columns, *codes]])
    return out.getvalue().encode()


def link_placements(story: Story, cast: Cast, ids: NetworkIds) -> None:
    """Each demo placement points at its program in the network from the day it is referred (the case work
    records it at 16:00 that day)."""
    for placement, (client, manager, program) in PLACEMENT_PROGRAMS.items():

        async def link(placement: str = placement, client: str = client, manager: str = manager,
                       program: str = program) -> None:  # fmt: skip
            await placements.update_placement(
                cast.principals[manager],
                cast.clients[client],
                cast.placements[placement],
                {"program_id": ids.programs[program]},
            )

        story.at(story.moment(PLACEMENT_REFERRED_DAYS_AGO[placement], "16:10"), link)


def plan_network_work(story: Story, cast: Cast, *, people_exist_days_ago: int) -> NetworkIds:
    """Schedule the demo's program network on the story that holds the case work (`cast` is its cast)."""
    ids = NetworkIds()

    async def meet_owner() -> None:
        await cast.meet(OWNER)

    async def import_locator_search() -> None:
        report = await import_programs(cast.principals["casey"], imported_csv(), "findtreatment-northern-nj.csv")
        assert report.created == len(IMPORTED) and not report.skipped, report
        ids.imported = report.created

    story.at(story.moment(people_exist_days_ago, "09:45"), meet_owner)
    story.at(story.moment(IMPORTED_DAYS_AGO, "16:30"), import_locator_search)
    for index, spec in enumerate(PROGRAMS):
        ProgramWork(story, cast, ids, spec, index).plan()
    link_placements(story, cast, ids)
    return ids
