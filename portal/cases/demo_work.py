"""How the demo writes case work: each client's story as steps on the demo's story clock (portal/demo_story.py).

Everything goes through the services, acted by the case manager who would have done it, so policy checks run and
the audit log reads like a practice's. Methods of `CaseWork` only schedule; the ids of what is created fill in
`Cast` as the story runs. The clients themselves are in demo.py, their notes in demo_notes.py.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from stdnum import luhn

from portal.accounts.services import principal_for
from portal.accounts.tables import User
from portal.audit import services as audit
from portal.cases import care_team, clients, consents, note_sharing, notes, placements, tasks, time_entries
from portal.cases.demo_notes import NoteSpec
from portal.cases.tables import Relative
from portal.demo_story import Story
from portal.policy import Principal

# Demo actions come "from" a documentation address (RFC 5737), so no real address appears in the audit log.
DEMO_IP = "192.0.2.10"
DEMO_USER_AGENT = "portal demo"
SIGNING_DELAY_MINUTES = 20
MINUTE = timedelta(minutes=1)


def demo_npi(first_nine: str) -> str:
    """A valid (fictional) NPI: nine digits and the Luhn check digit over "80840" + them."""
    return first_nine + luhn.calc_check_digit("80840" + first_nine)


@dataclass
class Cast:
    """Who acts, and the ids of what the story has created so far (keys are the demo's own names)."""

    principals: dict[str, Principal] = field(default_factory=dict)
    clients: dict[str, int] = field(default_factory=dict)
    parties: dict[str, int] = field(default_factory=dict)
    members: dict[str, int] = field(default_factory=dict)
    relatives: dict[str, int] = field(default_factory=dict)
    placements: dict[str, int] = field(default_factory=dict)
    notes: dict[int, int] = field(default_factory=dict)  # index in `note_specs` -> note id
    note_specs: list[NoteSpec] = field(default_factory=list)

    async def meet(self, emails: dict[str, str]) -> None:
        """Principals for the case managers (key -> e-mail), as if each were signed in."""
        for key, email in emails.items():
            user = await User.select().where(User.email == email).first()
            assert user is not None, f"the demo has no {email}"
            self.principals[key] = dataclasses.replace(principal_for(user), ip=DEMO_IP, user_agent=DEMO_USER_AGENT)

    def token(self, key: str) -> str:
        return f"relative:{self.relatives[key]}" if key in self.relatives else f"party:{self.parties[key]}"


class CaseWork:
    """One client's story: each method schedules steps done by the client's case manager."""

    def __init__(self, story: Story, cast: Cast, client: str, manager: str) -> None:
        self.story, self.cast, self.client, self.manager = story, cast, client, manager

    @property
    def who(self) -> Principal:
        return self.cast.principals[self.manager]

    @property
    def client_id(self) -> int:
        return self.cast.clients[self.client]

    def open_client(self, days_ago: int, data: dict[str, Any]) -> None:
        async def step() -> None:
            self.cast.clients[self.client] = await clients.create_client(self.who, data)

        self.story.at(self.story.moment(days_ago, "08:45"), step)

    def update_client(self, days_ago: int, at: str, data: dict[str, Any]) -> None:
        async def step() -> None:
            await clients.update_client(self.who, self.client_id, data)

        self.story.at(self.story.moment(days_ago, at), step)

    def relative(self, days_ago: int, key: str, data: dict[str, Any], *, account: str = "") -> None:
        async def step() -> None:
            relative_id = await clients.add_relative(self.who, self.client_id, data)
            self.cast.relatives[key] = relative_id
            if account:
                await link_family_account(relative_id, self.client_id, account)

        self.story.at(self.story.moment(days_ago, "08:50"), step)

    def team_member(
        self, days_ago: int, key: str, party: dict[str, Any], role: str, *, ended_days_ago: int | None = None
    ) -> None:
        async def join() -> None:
            self.cast.parties[key] = await care_team.create_party(self.who, party)
            self.cast.members[key] = await care_team.add_member(
                self.who,
                self.client_id,
                {"party_id": self.cast.parties[key], "role": role, "started_on": self.story.day(days_ago)},
            )

        self.story.at(self.story.moment(days_ago, "08:55"), join)
        if ended_days_ago is not None:
            ended_on = self.story.day(ended_days_ago)

            async def leave() -> None:
                await care_team.end_member(self.who, self.client_id, self.cast.members[key], ended_on)

            self.story.at(self.story.moment(ended_days_ago, "17:00"), leave)

    def assessment(self, days_ago: int, at: str, sections: dict[str, str], risk_level: str) -> None:
        async def step() -> None:
            data = {**sections, "risk_level": risk_level, "risk_assessed_on": self.story.day(days_ago)}
            await clients.save_assessment(self.who, self.client_id, data)

        self.story.at(self.story.moment(days_ago, at), step)

    def diagnoses(self, days_ago: int, codes: list[str]) -> None:
        """The first code is the primary diagnosis."""

        async def step() -> None:
            for index, code in enumerate(codes):
                await clients.add_diagnosis(
                    self.who, self.client_id, code, is_primary=index == 0, diagnosed_on=self.story.day(days_ago)
                )

        self.story.at(self.story.moment(days_ago, "17:15"), step)

    def release(
        self,
        days_ago: int,
        recipient: str,
        categories: list[str],
        purposes: list[str],
        *,
        expires_in: int,
        signer: str,
        part2: bool = False,
    ) -> None:
        """A release signed by the client (typed e-signature) on `days_ago`, in force from that day and through the
        day `expires_in` days from today (negative: it has expired)."""

        async def step() -> None:
            data: dict[str, Any] = {
                "categories": categories,
                "purposes": purposes,
                "covers_part2": part2,
                "effective_on": self.story.day(days_ago),
                "expires_on": self.story.day(-expires_in),
                "jurisdiction": "NJ",
                "signed_by_name": signer,
                "signer_capacity": "self",
                "signed_on": self.story.day(days_ago),
                "esignature_name": signer,
            }
            if recipient in self.cast.relatives:
                data.update(recipient_type="relative", recipient_relative=self.cast.relatives[recipient])
            else:
                data.update(recipient_type="party", recipient_party=self.cast.parties[recipient])
            await consents.record_consent(self.who, self.client_id, data)

        self.story.at(self.story.moment(days_ago, "11:30"), step)

    def placement(
        self,
        key: str,
        data: dict[str, Any],
        *,
        referred_days_ago: int,
        ticks: dict[str, int] | None = None,
        discharge: dict[str, Any] | None = None,
    ) -> None:
        """An episode recorded on its referral day; checklist items ticked on their days (item -> days ago);
        `discharge` (with `days_ago`) closes it on that day."""

        async def refer() -> None:
            self.cast.placements[key] = await placements.create_placement(
                self.who, self.client_id, {**data, "referred_on": self.story.day(referred_days_ago)}
            )

        self.story.at(self.story.moment(referred_days_ago, "16:00"), refer)
        for item, days_ago in (ticks or {}).items():

            async def tick(item: str = item) -> None:
                await placements.set_checklist_item(
                    self.who, self.client_id, self.cast.placements[key], item, done=True
                )

            self.story.at(self.story.moment(days_ago, "12:00"), tick)
        if discharge is not None:
            fields = {name: value for name, value in discharge.items() if name != "days_ago"}
            day = discharge["days_ago"]

            async def close() -> None:
                await placements.discharge_placement(
                    self.who,
                    self.client_id,
                    self.cast.placements[key],
                    {**fields, "discharged_on": self.story.day(day)},
                )

            self.story.at(self.story.moment(day, "17:30"), close)

    def note(self, spec: NoteSpec) -> None:
        """Written just after the contact, signed a little later (unless a draft); addendum and share follow."""
        index = len(self.cast.note_specs)
        self.cast.note_specs.append(spec)
        started = self.story.moment(spec.days_ago, spec.at)
        written = started + (spec.minutes + 10) * MINUTE

        async def write() -> None:
            data = {
                "kind": spec.kind,
                "occurred_at": started,
                "minutes": spec.minutes,
                "billable": bool(spec.activity),
                "activity": spec.activity,
                "subject": spec.subject,
                "body": spec.body,
                "is_part2": spec.part2,
                "parties": [self.cast.token(key) for key in spec.parties],
            }
            self.cast.notes[index] = await notes.create_note(self.who, self.client_id, data)

        self.story.at(written, write)
        if spec.draft:
            return
        signed = written + SIGNING_DELAY_MINUTES * MINUTE

        async def sign() -> None:
            await notes.sign_note(self.who, self.client_id, self.cast.notes[index])

        self.story.at(signed, sign)
        if spec.share_with:

            async def share() -> None:
                party_id = self.cast.parties[spec.share_with]
                await note_sharing.share_note(self.who, self.client_id, self.cast.notes[index], party_id)

            self.story.at(signed + 5 * MINUTE, share)
        if spec.addendum is not None:
            days_later, text = spec.addendum

            async def add() -> None:
                await notes.add_addendum(self.who, self.client_id, self.cast.notes[index], text)

            self.story.at(self.story.moment(spec.days_ago - days_later, "10:45"), add)

    def time_entry(self, days_ago: int, minutes: int, activity: str, description: str) -> None:
        async def step() -> None:
            data = {
                "service_date": self.story.day(days_ago),
                "minutes": minutes,
                "activity": activity,
                "description": description,
                "billable": True,
            }
            await time_entries.add_time_entry(self.who, self.client_id, data)

        self.story.at(self.story.moment(days_ago, "17:45"), step)

    def task(
        self,
        created_days_ago: int,
        title: str,
        *,
        due_in: int,
        priority: str = "normal",
        details: str = "",
        done_days_ago: int | None = None,
    ) -> None:
        """A follow-up for the case manager, due `due_in` days from today (negative: in the past)."""
        created: dict[str, int] = {}

        async def create() -> None:
            data = {"title": title, "details": details, "due_on": self.story.day(-due_in), "priority": priority}
            created["id"] = await tasks.create_task(self.who, data, client_id=self.client_id)

        self.story.at(self.story.moment(created_days_ago, "08:30"), create)
        if done_days_ago is not None:

            async def finish() -> None:
                await tasks.set_task_done(self.who, created["id"], True)

            self.story.at(self.story.moment(done_days_ago, "16:10"), finish)


async def link_family_account(relative_id: int, client_id: int, email: str) -> None:
    """Link a relative to their (demo) family account. Invitations do this in the portal; the demo's accounts
    already exist, so it is written directly, and audited."""
    user = await User.select(User.id).where(User.email == email).first()
    assert user is not None, f"the demo has no {email}"
    await Relative.update({Relative.user: user["id"]}).where(Relative.id == relative_id)
    await audit.record(
        Principal.system("demo"),
        "relative.account.link",
        resource_type="relative",
        resource_id=relative_id,
        client_id=client_id,
        detail={"user": user["id"]},
    )


def years_before(day: date, years: int, days: int) -> date:
    """A date of birth giving an age of exactly `years` on `day` (the birthday `days` ago, days < 365)."""
    anniversary = day.replace(year=day.year - years, day=min(day.day, 28))
    return anniversary - timedelta(days=days)
