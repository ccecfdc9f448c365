"""The demo's family portal, replayed on the demo's story clock after the case work it follows (portal/demo.py).

Jordan's parents: Pat (the payer) sees every part of the portal under a release covering family communication,
placements and billing; Sam had updates, messages and documents under a release for family communication until
Casey suspended that access in the high-conflict weeks after the day program began, so Sam now signs in to see
nothing of Jordan. Casey agreed a weekly plan with the family at intake and kept its contacts current as Jordan
moved from program to program; twelve updates, three conversations and four documents follow, read when the
parents would have read them. Morgan's client Taylor has one relative in the portal, her sibling Robin.

Everything goes through the services, acted by the person who would have done it (relatives too), so the consent
gate decides each delivery and the audit log reads like a practice's. What is written here lives in content
(portal/families/demo_content.py); this module only schedules it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from portal.cases.demo_work import CaseWork, Cast, link_family_account
from portal.demo_story import Story
from portal.families import documents, message_posting, messages, notifications, plan, relatives, update_feed, updates
from portal.families.access import PARTS
from portal.families.demo_content import (
    JORDAN_THREADS,
    JORDAN_UPDATES,
    TAYLOR_UPDATES,
    DocumentSpec,
    Friday,
    ThreadSpec,
    UpdateSpec,
    jordan_documents,
)
from portal.families.demo_pdf import one_page_pdf
from portal.policy import Principal

FAMILY_ACCOUNTS = {"pat": "pat@example.com", "sam": "sam@example.com", "robin": "robin.brooks@example.com"}
# How each relative wants to hear of something new once the story is over (see `plan_family_work`).
NOTIFICATION_MODES = {"pat": "immediate", "sam": "immediate", "robin": "daily"}
DRAFTING = timedelta(minutes=25)  # an update is written this long before it is published

CASE_MANAGER_CONTACT = {"for_what": "Case manager", "name": "Casey Morales", "phone": "973-555-0121",
                        "email": "casey@example.com"}  # fmt: skip
AFTER_HOURS = {"for_what": "After-hours crisis line", "name": "Harbor on-call case manager (evenings, weekends)",
               "phone": "973-555-0100"}  # fmt: skip
BLUE_RIDGE_CONTACT = {"for_what": "Residential program's family coordinator",
                      "name": "Alicia Grant (Blue Ridge Recovery Center)", "phone": "540-555-0131"}  # fmt: skip
IOP_CONTACT = {"for_what": "IOP program's family liaison", "name": "Renee Walters (Crossroads Recovery Partners)",
               "phone": "973-555-0152", "email": "family@crossroads-recovery.example.org"}  # fmt: skip


def plan_form(*contacts: dict[str, str]) -> dict[str, Any]:
    """The communication plan as its form posts it: a weekly update on Fridays, and these contacts."""
    data: dict[str, Any] = {"cadence_days": "7", "cadence_weekday": "4"}
    for index, contact in enumerate(contacts):
        data.update({f"contact-{index}-{name}": value for name, value in contact.items()})
    return data


@dataclass
class FamilyIds:
    """The ids of what the family story has created so far (keys are the demo content's own)."""

    updates: dict[str, int] = field(default_factory=dict)
    threads: dict[str, int] = field(default_factory=dict)


class FamilyWork:
    """One client's family story: each method schedules steps done by the case manager or by a relative."""

    def __init__(self, story: Story, cast: Cast, ids: FamilyIds, client: str, manager: str) -> None:
        self.story, self.cast, self.ids, self.client, self.manager = story, cast, ids, client, manager

    def who(self, key: str) -> Principal:
        return self.cast.principals[key]

    @property
    def client_id(self) -> int:
        return self.cast.clients[self.client]

    def days_ago(self, day: int | Friday) -> int:
        if isinstance(day, Friday):
            # The most recent Friday before today (a week ago when today is a Friday), then whole weeks back.
            return ((self.story.today.weekday() - 4) % 7 or 7) + 7 * day.weeks_back
        return day

    def grant(self, days_ago: int, at: str, relative: str, parts: frozenset[str], state: str = "active") -> None:
        async def step() -> None:
            await relatives.change_grant(
                self.who(self.manager), self.client_id, self.cast.relatives[relative], sorted(parts), state
            )

        self.story.at(self.story.moment(days_ago, at), step)

    def communication_plan(self, days_ago: int, at: str, *contacts: dict[str, str]) -> None:
        async def step() -> None:
            await plan.save_plan(self.who(self.manager), self.client_id, plan_form(*contacts))

        self.story.at(self.story.moment(days_ago, at), step)

    def update(self, spec: UpdateSpec) -> None:
        """Drafted, then published to every relative with update access (the consent gate decides each one),
        then opened by those who read it."""
        published = self.story.moment(self.days_ago(spec.day), spec.at)
        data = {"title": spec.title, "body": spec.body, "categories": list(spec.categories), "recipients": "all"}

        async def draft() -> None:
            follows_up = self.ids.updates[spec.follows_up] if spec.follows_up else None
            self.ids.updates[spec.key] = await updates.create_update(
                self.who(self.manager), self.client_id, data, follows_up=follows_up
            )

        async def publish() -> None:
            await updates.publish_update(self.who(self.manager), self.client_id, self.ids.updates[spec.key])

        self.story.at(published - DRAFTING, draft)
        self.story.at(published, publish)
        for reader, hours in spec.reads.items():

            async def read(reader: str = reader) -> None:
                await update_feed.read_update(self.who(reader), self.ids.updates[spec.key])

            self.story.at(published + timedelta(hours=hours), read)

    def thread(self, spec: ThreadSpec) -> None:
        """The first post starts the conversation (the practice's with `spec.relatives`, or a relative's own)."""
        first, *replies = spec.posts

        async def start() -> None:
            form = {"subject": spec.subject, "body": first.body}
            if first.author == self.manager:
                people = [self.cast.relatives[key] for key in spec.relatives]
                started = await message_posting.start_thread_as_practice(
                    self.who(first.author), self.client_id, form, people
                )
                assert not started.not_added, f"the consent gate kept relatives out of {spec.key!r}"
                self.ids.threads[spec.key] = started.thread_id
            else:
                self.ids.threads[spec.key] = await message_posting.start_thread_as_relative(
                    self.who(first.author), self.client_id, form
                )

        self.story.at(self.story.moment(first.days_ago, first.at), start)
        for post in replies:

            async def reply(author: str = post.author, body: str = post.body) -> None:
                thread_id = self.ids.threads[spec.key]
                if author == self.manager:
                    await message_posting.post_as_practice(self.who(author), self.client_id, thread_id, body)
                else:
                    await message_posting.post_as_relative(self.who(author), thread_id, body)

            self.story.at(self.story.moment(post.days_ago, post.at), reply)
        for days_ago, at, reader in spec.reads:

            async def read(reader: str = reader) -> None:
                if reader == self.manager:
                    await messages.staff_thread(self.who(reader), self.client_id, self.ids.threads[spec.key])
                else:
                    await messages.family_thread(self.who(reader), self.ids.threads[spec.key])

            self.story.at(self.story.moment(days_ago, at), read)

    def document(self, spec: DocumentSpec) -> None:
        """A one-page PDF, made when the story reaches it: the practice's is shared with `spec.shared_with`
        through the consent gate; a relative's own upload is seen by the practice and by them."""

        async def upload() -> None:
            upload = (one_page_pdf(spec.title, list(spec.paragraphs)), spec.file_name)
            form = {"title": spec.title}
            if spec.uploaded_by == self.manager:
                people = [self.cast.relatives[key] for key in spec.shared_with]
                _, refused = await documents.upload_as_practice(
                    self.who(self.manager), self.client_id, form, upload, people
                )
                assert not refused, f"the consent gate refused {spec.title!r} to {refused}"
            else:
                await documents.upload_as_relative(self.who(spec.uploaded_by), self.client_id, form, upload)

        self.story.at(self.story.moment(spec.days_ago, spec.at), upload)


def plan_jordan_family(story: Story, cast: Cast, ids: FamilyIds) -> None:
    family = FamilyWork(story, cast, ids, "jordan", "casey")
    # Sam's release (family communication only) beside Pat's, which the case work records on the same morning.
    CaseWork(story, cast, "jordan", "casey").release(
        120, "sam", ["family_communication"], ["family_involvement"], expires_in=240, signer="Jordan Rivera"
    )
    family.grant(121, "17:30", "pat", frozenset(PARTS))
    family.grant(121, "17:31", "sam", relatives.default_parts(is_payer=False))
    family.communication_plan(121, "17:40", CASE_MANAGER_CONTACT, AFTER_HOURS)
    family.communication_plan(96, "17:00", CASE_MANAGER_CONTACT, AFTER_HOURS, BLUE_RIDGE_CONTACT)
    family.communication_plan(22, "17:00", CASE_MANAGER_CONTACT, AFTER_HOURS, IOP_CONTACT)
    # High conflict at home after the return from residential care: Sam's access is suspended, which hides
    # everything at once and tells Sam nothing.
    family.grant(58, "12:00", "sam", relatives.default_parts(is_payer=False), "suspended")
    for update in JORDAN_UPDATES:
        family.update(update)
    for thread in JORDAN_THREADS:
        family.thread(thread)
    signed, expires = (f"{day:%B} {day.day}, {day.year}" for day in (story.day(120), story.day(-240)))
    for document in jordan_documents(signed, expires):
        family.document(document)


def plan_taylor_family(story: Story, cast: Cast, ids: FamilyIds) -> None:
    """Robin, Taylor's sibling, is invited once Taylor has signed a release for family communication."""
    family = FamilyWork(story, cast, ids, "taylor", "morgan")
    CaseWork(story, cast, "taylor", "morgan").release(
        44, "robin", ["family_communication"], ["family_involvement"], expires_in=320, signer="Taylor Brooks"
    )

    async def link_robin() -> None:
        await link_family_account(cast.relatives["robin"], cast.clients["taylor"], FAMILY_ACCOUNTS["robin"])

    story.at(story.moment(44, "12:00"), link_robin)
    family.grant(44, "12:05", "robin", relatives.default_parts(is_payer=False))
    for update in TAYLOR_UPDATES:
        family.update(update)


def plan_family_work(story: Story, cast: Cast, *, people_exist_days_ago: int) -> FamilyIds:
    """Schedule the demo's family portal on the story that already holds the case work (`cast` is its cast)."""
    ids = FamilyIds()

    async def meet_relatives() -> None:
        await cast.meet(FAMILY_ACCOUNTS)
        # Every e-mail of the story would be delivered the first time the worker runs, months late and all at
        # once: nobody is e-mailed while the story replays, and each person's own choice is set at its end.
        for key in FAMILY_ACCOUNTS:
            await notifications.set_preference(_user_id(cast, key), "off")

    async def choose_notifications() -> None:
        for key, mode in NOTIFICATION_MODES.items():
            await notifications.set_preference(_user_id(cast, key), mode)

    story.at(story.moment(people_exist_days_ago, "09:40"), meet_relatives)
    plan_jordan_family(story, cast, ids)
    plan_taylor_family(story, cast, ids)
    story.at(story.now - timedelta(seconds=1), choose_notifications)
    return ids


def _user_id(cast: Cast, key: str) -> int:
    user_id = cast.principals[key].user_id
    assert user_id is not None
    return user_id
