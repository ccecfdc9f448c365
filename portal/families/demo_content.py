"""What the demo's families read: Casey's updates to Jordan's parents over four months, three conversations with
Pat (and, before the suspension, Sam), and the documents of Jordan's family space; Morgan's two updates to Taylor's
sibling Robin. Every person, program and event is fictional, and the language is the family's, never a note's.

Days are counted back from the day the demo is loaded (portal/demo_story.py). `Friday(n)` is the n-th Friday
before today (0: the most recent one), where the plan's weekly update falls; news that cannot wait (an arrival,
a move, a correction) goes out on its own day. portal/families/demo.py schedules all of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Friday:
    weeks_back: int


Day = int | Friday


@dataclass(frozen=True)
class UpdateSpec:
    key: str
    day: Day
    at: str
    title: str
    body: str
    categories: tuple[str, ...] = ()  # besides family communication
    follows_up: str = ""  # the key of the update it corrects
    reads: dict[str, float] = field(default_factory=dict)  # relative key -> hours after publishing


@dataclass(frozen=True)
class Post:
    days_ago: int
    at: str
    author: str  # the case manager's key or a relative's
    body: str


@dataclass(frozen=True)
class ThreadSpec:
    key: str
    subject: str
    relatives: tuple[str, ...]  # who the practice adds (a relative's own thread has only them)
    posts: tuple[Post, ...]  # the first one starts the thread
    reads: tuple[tuple[int, str, str], ...] = ()  # (days ago, at, reader) opening the thread


@dataclass(frozen=True)
class DocumentSpec:
    days_ago: int
    at: str
    title: str
    file_name: str
    paragraphs: tuple[str, ...]
    uploaded_by: str  # the case manager's key or a relative's
    shared_with: tuple[str, ...] = ()


# --------------------------------------------------------------------------- Jordan's updates (Casey)

JORDAN_UPDATES: list[UpdateSpec] = [
    UpdateSpec(
        "welcome",
        Friday(16),
        "16:00",
        "Welcome: how you will hear from us",
        "Thank you both for the time you gave the intake meeting this week. It was not an easy conversation, and "
        "Jordan noticed that you came to it together.\n\n"
        "From now on you will find an update here every Friday: how Jordan is doing, what happened during the week, "
        "what comes next and anything we need from you. Jordan knows about these updates and agreed to what we "
        "share with you.\n\n"
        "Between updates, send me a message here whenever you have a question; I answer within one working day. If "
        "something is urgent, call me. In the evenings and at weekends, the after-hours line on your home page "
        "reaches the practice's case manager on call.\n\nCasey",
        reads={"pat": 3.5, "sam": 16},
    ),
    UpdateSpec(
        "programs",
        Friday(15),
        "16:30",
        "Looking at residential programs",
        "This week I visited Blue Ridge Recovery Center in Floyd, Virginia, one of the three programs we talked "
        "about. It has a small group for young adults, a team that works with families from the first week, and a "
        "family weekend every month. I came away impressed by how the staff speak with the young people there.\n\n"
        "I am still waiting to hear from the other two programs about openings and costs. Once I have everything, "
        "I will put the three side by side so you can compare them, and we will talk it through with Jordan. "
        "Nothing is decided without him.",
        categories=("placements",),
        reads={"pat": 2},
    ),
    UpdateSpec(
        "arrived",
        96,
        "16:30",
        "Jordan has arrived at Blue Ridge",
        "Jordan arrived at Blue Ridge this morning with Pat and is settled in his room. The admissions team told me "
        "he was quiet but polite, and he had lunch with his group.\n\n"
        "The first days are about rest and routine. Phone calls with family start after the first week; the "
        "program will tell Jordan the times, and he will call you. There is nothing you need to do for now except "
        "look after yourselves: this was a big day for you too.\n\n"
        "I speak with his therapist at Blue Ridge every Thursday and will pass on how he is doing in Friday's "
        "update.",
        categories=("placements",),
        reads={"pat": 1.5},
    ),
    UpdateSpec(
        "family-weekend",
        87,
        "12:00",
        "Family weekend at Blue Ridge: the plan",
        "Jordan is finding his feet: he goes to every group and has made friends in his house. Phone calls with "
        "family have started, in the evening between 7 and 8. He may talk about coming home early; this is very "
        "common in the first weeks, and the most helpful answer is a warm one that does not change the plan.\n\n"
        "Blue Ridge has confirmed the family weekend. Here is the plan.\n\n"
        "Day one: the family session with Jordan and his therapist starts at 11 am in the main building; I will "
        "join by video. Afterwards you can have lunch with Jordan and spend the afternoon together on the campus "
        "until 5 pm.\n\n"
        "Day two: a group for parents in the morning, then a visit with Jordan from 10 am to 2 pm.\n\n"
        "The program's visiting rules are in your documents. Bring photo ID; phones stay in the lockers at the "
        "front desk during visits.",
        reads={"pat": 1, "sam": 9},
    ),
    UpdateSpec(
        "family-weekend-correction",
        86,
        "09:15",
        "Correction: the family session starts at 1 pm",
        "A correction to yesterday's plan for the family weekend: on day one, the family session with Jordan and "
        "his therapist starts at 1 pm, not 11 am. Lunch with Jordan comes first, at noon. Everything else stays as "
        "planned. I am sorry for the confusion.",
        follows_up="family-weekend",
        reads={"pat": 0.5},
    ),
    UpdateSpec(
        "halfway",
        Friday(10),
        "16:00",
        "More than halfway, and the next step",
        "Jordan is more than halfway through his time at Blue Ridge. He runs on the trail behind the campus most "
        "mornings, and the staff have asked him to help welcome new arrivals, which says a lot about how he is "
        "doing. He told me that the family weekend meant a great deal to him.\n\n"
        "We have started planning the next step: a day program close to home, so that Jordan can keep the routine "
        "he has built while living at home again. I am looking at one in Bloomfield, fifteen minutes from "
        "Montclair, and will tell you more next week. Nothing is decided without Jordan.",
        categories=("placements",),
        reads={"pat": 3},
    ),
    UpdateSpec(
        "day-program",
        64,
        "18:00",
        "Jordan has started the day program at Crossroads",
        "Jordan finished his program at Blue Ridge yesterday, and today he started the day program at Crossroads "
        "Recovery Partners in Bloomfield, fifteen minutes from home. He is there on weekdays from 9 to 3, in a "
        "group of people his age.\n\n"
        "Coming home is a big change after a month away. The house plan you agreed with Jordan holds: no alcohol at "
        "home, the car only for the program for now, and dinner together on weeknights. Expect some ups and downs "
        "in the first weeks; they do not mean that things are going wrong.\n\n"
        "Crossroads will invite you to its family group on Wednesday evenings. I recommend it warmly.",
        categories=("placements",),
        reads={"pat": 2.5},
    ),
    UpdateSpec(
        "back-home",
        Friday(7),
        "16:00",
        "The first weeks back at home",
        "Jordan has been at the program every day so far, and the team describes him as one of the steadier "
        "members of his group. At home, the family meeting about the curfew went well: 11 pm on weekdays, and we "
        "will look at the car again in two weeks if things keep going this way.\n\n"
        "Thank you for going to the Wednesday family group. Parents tell me it helps to hear from families who are "
        "a few months further along.",
        reads={"pat": 3},
    ),
    UpdateSpec(
        "harder-week",
        Friday(5),
        "16:00",
        "A harder week, and what comes next",
        "Thank you for calling me the other night, and for staying so calm with Jordan. A setback like this is "
        "common in the first months. What matters most is what happens next: Jordan told you himself, he went to "
        "the program the next morning as planned, and he has an extra session with his counselor each week for "
        "now. The plan does not change.\n\n"
        "It is normal to feel shaken. The Wednesday family group is a good place to talk about it, and I am happy "
        "to set up a call if that would help.\n\n"
        "One piece of good news: Ellen Marsh has started working with Jordan on a return to college. There is no "
        "date yet; for now the day program comes first.",
        reads={"pat": 5},
    ),
    UpdateSpec(
        "day-program-done",
        Friday(3),
        "16:00",
        "Jordan finished the day program",
        "Jordan completed the day program at Crossroads, as planned. He was proud, and he should be: five weeks, "
        "every day, including the hard one.\n\n"
        "Next comes the evening program: three evenings a week, from 6 to 9 pm, also at Crossroads, so his days are "
        "free for the gym, a job search and time with Marcus, his sober companion. The schedule is in your "
        "documents.\n\n"
        "Structure helps in this in-between stretch. If evenings at home feel tense, tell me, and we can adjust "
        "Marcus's hours.",
        reads={"pat": 20},
    ),
    UpdateSpec(
        "evening-program",
        Friday(1),
        "16:00",
        "Two weeks into the evening program",
        "Jordan has settled into the evening program and keeps to his schedule. Marcus says he has started applying "
        "for part-time jobs and has had two calls back.\n\n"
        "The evening program is planned to end in about three weeks. Before then we will meet as a family to agree "
        "on how things work at home afterwards; I will suggest some dates.",
    ),
    UpdateSpec(
        "after-the-program",
        Friday(0),
        "16:00",
        "Planning life after the evening program",
        "The team met recently to plan what comes after the evening program, which ends in a couple of weeks. The "
        "plan: weekly sessions with Dana on Tuesdays, appointments with Dr. Park once a month, the alumni group on "
        "Thursday evenings, and Marcus's hours slowly coming down to six a week.\n\n"
        "Jordan has been steady and is applying for jobs. If you have questions about the plan, send me a message "
        "here and we will go through them at the family meeting.",
    ),
]

# --------------------------------------------------------------------------- Jordan's conversations

JORDAN_THREADS: list[ThreadSpec] = [
    ThreadSpec(
        "visiting",
        "Visiting weekend at Blue Ridge",
        ("pat", "sam"),
        (
            Post(
                88,
                "10:00",
                "casey",
                "Blue Ridge has confirmed the family weekend. Visiting on the first day runs until 5 pm, on the "
                "second from 10 am to 2 pm. The program recommends the inn in Floyd, and its rooms go quickly. Would "
                "you like me to ask them to hold one for you?",
            ),
            Post(
                88,
                "19:40",
                "pat",
                "Yes please, one room for the first night. Can we bring Jordan some clothes and books? And will he "
                "have his phone during the visit?",
            ),
            Post(
                87,
                "09:30",
                "casey",
                "Done: the inn is holding a room for the first night and will e-mail you. Clothes and books are fine "
                "(no hoodies with drawstrings, nothing with alcohol or drug logos); bags are checked at the front "
                "desk. Phones, his included, stay in the program's lockers during visits.",
            ),
            Post(
                87,
                "21:05",
                "sam",
                "Thank you. I will drive down separately on the first morning and meet Pat there.",
            ),
            Post(86, "07:50", "pat", "Thanks, Casey. We will see you on the video call."),
        ),
        reads=(
            (88, "19:35", "pat"),
            (88, "20:10", "casey"),
            (87, "12:10", "pat"),
            (87, "21:00", "sam"),
            (86, "09:00", "casey"),
            (85, "08:00", "sam"),
        ),
    ),
    ThreadSpec(
        "insurance",
        "Insurance paperwork for Blue Ridge",
        ("pat",),
        (
            Post(
                60,
                "20:15",
                "pat",
                "Our insurance company wants an itemized bill and something called a superbill before they will look "
                "at the claim for Blue Ridge. Do you have these, or should I ask the program?",
            ),
            Post(
                59,
                "11:00",
                "casey",
                "The program's billing office prepares both; I have asked them to send them to you this week. For our"
                " own services, each monthly invoice comes with a superbill you can download here. When you have the "
                "claim form, send it to me and I will look it over before you post it.",
            ),
            Post(
                55,
                "18:40",
                "pat",
                "The explanation of benefits came today; I have put it in Documents. They applied $5,000 to the "
                "deductible and paid only part of the rest. Is that right?",
            ),
            Post(
                54,
                "10:15",
                "casey",
                "Yes, that is how it works: the out-of-network deductible comes first, then the plan pays 70% of the "
                "allowed amount. Your deductible now looks met, so later claims should be reimbursed at 70%. Keep "
                "every explanation of benefits together; if anything is denied, I will help you with the appeal.",
            ),
            Post(54, "19:30", "pat", "That makes sense. Thank you for explaining it."),
        ),
        reads=(
            (59, "10:50", "casey"),
            (59, "18:00", "pat"),
            (54, "10:00", "casey"),
            (54, "19:25", "pat"),
            (53, "09:00", "casey"),
        ),
    ),
    ThreadSpec(
        "iop-schedule",
        "Question about the IOP schedule",
        ("pat",),
        (
            Post(
                12,
                "19:05",
                "pat",
                "Jordan says the evening program might move to Monday, Wednesday and Thursday for the last weeks. Is "
                "that right? Thursday would clash with the alumni group he wants to join.",
            ),
            Post(
                11,
                "10:30",
                "casey",
                "I checked with Crossroads: the schedule stays Monday, Tuesday and Thursday, 6 to 9 pm, until the end"
                " of the program. The alumni group starts after he finishes, so there is no clash. The current "
                "schedule is in your documents.",
            ),
            # Pat's last question is still waiting for the practice to read it.
            Post(
                2,
                "20:45",
                "pat",
                "Thank you. One more question: can Jordan drive himself to the evening sessions now, or should we "
                "keep driving him?",
            ),
        ),
        reads=(
            (11, "10:20", "casey"),
            (11, "18:00", "pat"),
        ),
    ),
]


# --------------------------------------------------------------------------- Jordan's documents


def jordan_documents(release_signed: str, release_expires: str) -> list[DocumentSpec]:
    """Dates of the release as the demo's calendar gives them ("March 3, 2026")."""
    return [
        DocumentSpec(
            119,
            "10:00",
            "Release of information (signed)",
            "Release of information - Pat Rivera.pdf",
            (
                "Harbor Case Management – authorization to release information",
                "Client: Jordan Rivera. Recipient: Pat Rivera (parent).",
                "Information that may be shared: family communication, placements and billing.",
                "Purpose: family involvement in Jordan's care.",
                f"In effect from {release_signed} until {release_expires}, unless Jordan revokes it earlier in "
                "writing. Revoking it does not undo what was shared before.",
                f"Signed electronically by Jordan Rivera on {release_signed}.",
                "Information shared under this authorization is protected by federal and state privacy law. It may "
                "not be passed on to anyone else without Jordan's written consent.",
            ),
            uploaded_by="casey",
            shared_with=("pat",),
        ),
        DocumentSpec(
            95,
            "11:00",
            "Visiting rules – Blue Ridge Recovery Center",
            "Blue Ridge visiting rules.pdf",
            (
                "Families visit on the family weekend of each month and by appointment. Please arrive fifteen "
                "minutes early and sign in at the front desk with photo ID.",
                "Phones, cameras and smart watches stay in the lockers at the front desk, for everyone's privacy.",
                "You may bring clothes, books, letters and photos. Please leave at home: food from outside, "
                "clothing with drawstrings, and anything showing alcohol or drug logos. Bags are checked.",
                "Visits take place in the family lounge, the dining hall and on the campus paths. Residents stay "
                "on the campus during visits.",
                "Questions: the family coordinator, 540-555-0131, weekdays 9 to 5.",
            ),
            uploaded_by="casey",
            shared_with=("pat", "sam"),
        ),
        DocumentSpec(
            55,
            "18:35",
            "Explanation of benefits – Blue Ridge",
            "EOB Blue Ridge.pdf",
            (
                "Garden State Health Plan – explanation of benefits. This is not a bill.",
                "Member: Pat Rivera. Patient: Jordan Rivera (dependant).",
                "Provider: Blue Ridge Recovery Center (out of network). Service: residential treatment, first week.",
                "Amount billed: $9,800.00. Allowed amount: $7,350.00. Applied to your deductible: $5,000.00. "
                "Your coinsurance (30%): $705.00. Plan paid: $1,645.00.",
                "Your out-of-network deductible for this plan year is now met.",
            ),
            uploaded_by="pat",
        ),
        DocumentSpec(
            29,
            "12:00",
            "IOP schedule – Crossroads Recovery Partners",
            "Crossroads IOP schedule.pdf",
            (
                "Evening program (IOP), young-adult group: Monday, Tuesday and Thursday, 6:00 to 9:00 pm.",
                "6:00 check-in. 6:15 skills group. 7:30 break. 7:45 group discussion. 8:45 plans for the next day.",
                "Family group: Wednesdays, 6:30 to 8:00 pm, open to parents and partners.",
                "18 Broad Street, Bloomfield. Parking behind the building. If Jordan cannot attend, he calls the "
                "front desk before 5 pm: 973-555-0150.",
            ),
            uploaded_by="casey",
            shared_with=("pat",),
        ),
    ]


# --------------------------------------------------------------------------- Taylor's updates (Morgan)

TAYLOR_UPDATES: list[UpdateSpec] = [
    UpdateSpec(
        "cedar-point-first-days",
        36,
        "15:00",
        "Taylor's first days at Cedar Point",
        "Taylor has settled in at Cedar Point and has started the skills groups at the heart of the program. She "
        "told her therapist that she likes the structure of the days more than she expected.\n\n"
        "Family calls are on Sunday afternoons. The program will send the dates of the family week once they are "
        "fixed, and I will pass them on as soon as I have them.\n\nMorgan",
        reads={"robin": 5},
    ),
    UpdateSpec(
        "family-week",
        9,
        "10:30",
        "Dates of the family week at Cedar Point",
        "Cedar Point has set the dates of its family week: three days in the second half of next month, with a "
        "family session each afternoon and a workshop on the skills Taylor is learning. Lee and you are both "
        "welcome. Rooms near the program are limited, so book early.\n\n"
        "Taylor had a good week and presented her work to her group for the first time.",
    ),
]
