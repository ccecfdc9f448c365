"""The demo's coordination notes: four months of Casey's work with Jordan Rivera, and a few weeks of Morgan's
with Taylor Brooks and Riley Chen. Every person, program and event here is fictional.

Parties are keys of the demo's cast (care-team parties and relatives, see demo.py); `days_ago` and `at` place a
note in the practice's time zone relative to the day the demo is loaded.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NoteSpec:
    days_ago: int
    at: str  # wall-clock time the contact started, "14:30"
    kind: str
    minutes: int
    activity: str  # "" when the time is not billable
    parties: tuple[str, ...]
    subject: str
    body: str
    part2: bool = False  # about treatment at a Part 2 program, or from its records
    draft: bool = False
    addendum: tuple[int, str] | None = None  # (days after the note, text)
    share_with: str = ""  # a party key: shared through the consent gate once signed


def n(
    days_ago: int,
    at: str,
    kind: str,
    minutes: int,
    activity: str,
    parties: str,
    subject: str,
    body: str,
    *,
    part2: bool = False,
    draft: bool = False,
    addendum: tuple[int, str] | None = None,
    share_with: str = "",
) -> NoteSpec:
    return NoteSpec(
        days_ago, at, kind, minutes, activity, tuple(parties.split()), subject, body, part2, draft, addendum, share_with
    )


CARE = "care_coordination"
CASE = "case_management"
FAMILY = "family_meeting"
TEAM = "team_conference"
CRISIS = "crisis_intervention"

# --------------------------------------------------------------------------- Jordan Rivera (Casey)

JORDAN_NOTES: list[NoteSpec] = [
    # Intake, assessment and the decision for residential care.
    n(
        123,
        "10:00",
        "call",
        40,
        CASE,
        "pat",
        "First call with Pat: concerns and history",
        "Pat called after Jordan's second emergency-room visit for alcohol intoxication in six weeks. Jordan left "
        "his junior year of college in March, lives at home in Montclair and sleeps most of the day.\n\nPat and Sam "
        "disagree about how firm to be with him. Explained how the practice works, the intake steps and the "
        "retainer. Intake meeting booked for Thursday with both parents and Jordan.",
    ),
    n(
        121,
        "13:00",
        "meeting",
        90,
        "assessment",
        "pat sam",
        "Intake assessment with Jordan, Pat and Sam",
        "Met at the office for the intake assessment. Jordan engaged for most of the meeting and answered openly "
        "once his parents stepped out. AUDIT score 27; drinks most days, more at night; morning shakes twice last "
        "week. PHQ-9 16, GAD-7 13.\n\nAttended a fall outpatient program (5 of 12 sessions). Passive thoughts of "
        "death in February, none now, no plan or intent. Risk assessed as moderate; safety plan written with him.",
        part2=True,
    ),
    n(
        120,
        "11:00",
        "call",
        30,
        CARE,
        "dana",
        "Call with Dana Reyes: the outpatient picture",
        "Dana has seen Jordan weekly since January for depression and anxiety. She agrees his drinking has "
        "outpaced outpatient care and supports an assessment for a higher level of care. She will keep his weekly "
        "slot and see him by video while we plan.",
    ),
    n(
        119,
        "15:30",
        "internal",
        10,
        "",
        "",
        "Records requested from the fall outpatient program",
        "Sent Jordan's signed request for the fall program's records (intake, attendance, discharge summary). "
        "These are 42 CFR Part 2 records: the file is flagged.",
        part2=True,
    ),
    n(
        117,
        "14:00",
        "team_conference",
        45,
        TEAM,
        "dana pat",
        "Case conference: level-of-care recommendation",
        "With Dana and Pat; Sam joined for the last fifteen minutes. Reviewed the assessment and the fall "
        "program's records: two outpatient attempts, daily use, withdrawal symptoms, worsening depression.\n\n"
        "Consensus: residential care at ASAM 3.5 with a co-occurring track, then step down to PHP and IOP. "
        "Dana will hold his outpatient slot.",
        part2=True,
    ),
    n(
        116,
        "10:30",
        "call",
        30,
        CARE,
        "blueridge",
        "Blue Ridge admissions: screening call",
        "Screened Jordan with the admissions coordinator at Blue Ridge Recovery Center: young-adult cohort, "
        "co-occurring track, psychiatry on site twice a week, family program every other weekend. They manage "
        "mild withdrawal on site. Expected wait for a bed: ten to fourteen days.",
        part2=True,
    ),
    n(
        115,
        "18:00",
        "meeting",
        60,
        FAMILY,
        "pat sam",
        "Family meeting: the residential recommendation",
        "Presented the recommendation and three programs. Jordan listened but said he would cut back on his own "
        "and does not want to leave home. Pat supports residential care; Sam worries about the cost and about "
        "pushing Jordan away.\n\nAgreed for now: Dana twice a week, no alcohol at home, and we revisit residential "
        "care if he drinks to intoxication again.",
    ),
    n(
        113,
        "09:15",
        "call",
        20,
        CARE,
        "dana",
        "Dana: the plan after Jordan declined",
        "Dana will see Jordan twice a week for the next two weeks and review the safety plan with him on Monday. "
        "She will call me after any session that worries her.",
    ),
    n(
        112,
        "11:00",
        "site_visit",
        90,
        "site_visit",
        "blueridge",
        "Blue Ridge Recovery Center: tour and clinical team",
        "Toured the residences and the clinical building; met the clinical director and the young-adult "
        "therapist. Structured days, small caseloads, strong family program. Phone use is limited in the first "
        "week and evenings are quiet. Recommending it as the first choice.",
    ),
    n(
        110,
        "16:00",
        "email",
        15,
        CASE,
        "pat sam",
        "Site visit summary sent to Pat and Sam",
        "E-mailed both parents the site visit summary, the program's costs, what their plan may reimburse out of "
        "network, and the two alternatives.",
    ),
    n(
        106,
        "12:30",
        "call",
        25,
        CASE,
        "",
        "Check-in call with Jordan",
        "Jordan says he has had a few beers twice this week and is keeping his sessions with Dana. Reminded him of "
        "the agreement with his parents. He was irritable but stayed on the call and agreed to talk again Friday.",
    ),
    n(
        104,
        "10:00",
        "call",
        15,
        CARE,
        "dana",
        "Dana: missed session",
        "Jordan missed Tuesday's session and did not answer Dana's texts. Agreed that Dana calls Pat if he misses "
        "Friday as well.",
    ),
    n(
        101,
        "23:10",
        "crisis",
        75,
        CRISIS,
        "pat sam",
        "Jordan drove home intoxicated",
        "Pat called at 11 pm: Jordan drove home intoxicated, scraped a parked car and shouted at Sam when Sam took "
        "the keys. Nobody was hurt.\n\nSpoke with Jordan by phone: no thoughts of harming himself, agreed to sleep "
        "and to meet in the morning. Advised the parents to keep the keys and all alcohol out of the house and to "
        "call 911 if he tried to drive again.",
        addendum=(
            1,
            "Follow-up at 10:00: Jordan agreed this morning to residential treatment. Blue Ridge "
            "admissions offered a bed for Monday.",
        ),
    ),
    n(
        100,
        "10:30",
        "meeting",
        50,
        FAMILY,
        "pat sam",
        "Family meeting: Jordan agrees to residential care",
        "Jordan, Pat and Sam at the office. Jordan signed the release for Blue Ridge. Went through the packing "
        "list, the phone policy and how the family will hear from the program and from me. Pat will drive him "
        "down on Monday.",
    ),
    n(
        100,
        "14:00",
        "call",
        30,
        CARE,
        "blueridge",
        "Blue Ridge: admission confirmed",
        "Sent the referral packet (assessment, diagnoses, the fall program's records) under Jordan's release. "
        "Admission Monday at 10; withdrawal monitoring for the first three days.",
        part2=True,
        share_with="blueridge",
    ),
    # Residential care at Blue Ridge.
    n(
        96,
        "15:00",
        "call",
        20,
        CARE,
        "blueridge",
        "Blue Ridge: admission day",
        "Jordan arrived at 10:15 with Pat. Withdrawal monitoring started; vitals stable. His primary therapist "
        "will call me weekly on Thursdays.",
        part2=True,
    ),
    n(
        94,
        "09:30",
        "email",
        10,
        CASE,
        "pat sam",
        "Update to the family: the first 48 hours",
        "Withdrawal has been mild so far; Jordan is eating and sleeping. Phone calls with family start on day "
        "seven. The first family session is planned for week three.",
        part2=True,
    ),
    n(
        91,
        "14:00",
        "call",
        30,
        CARE,
        "blueridge",
        "Weekly call with Blue Ridge: week 1",
        "Finished withdrawal monitoring without complications. Attends every group; guarded in individual "
        "sessions. The program's psychiatrist started sertraline and naltrexone. Sleep is improving.",
        part2=True,
    ),
    n(
        89,
        "11:00",
        "call",
        20,
        CARE,
        "dana",
        "Dana: placement update",
        "Told Dana that Jordan is settled at Blue Ridge and that the plan is to step down to PHP close to home. "
        "Dana will resume weekly therapy after PHP.",
    ),
    n(
        87,
        "10:00",
        "internal",
        10,
        "",
        "",
        "Out-of-network questions from Pat",
        "Pat asked about out-of-network reimbursement for Blue Ridge. Pointed her to the plan's residential "
        "benefit and the program's billing office; superbills for our time come monthly.",
    ),
    n(
        84,
        "14:00",
        "call",
        35,
        CARE,
        "blueridge",
        "Weekly call with Blue Ridge: week 2",
        "More open in groups; wrote his first relapse-prevention assignment. Cravings in the evenings, managed "
        "with staff. One conflict with a peer, resolved. Pat and Sam are registered for the family weekend.",
        part2=True,
    ),
    n(
        82,
        "13:00",
        "team_conference",
        60,
        TEAM,
        "blueridge pat sam",
        "Family weekend: session at Blue Ridge",
        "Joined the family session by video with Jordan, Pat, Sam and his primary therapist. Jordan apologised for "
        "the night of the crash. Pat and Sam agreed on one approach to house rules. Discussed PHP close to home as "
        "the next step; Jordan wants to live at home during PHP.",
        part2=True,
    ),
    n(
        80,
        "15:00",
        "call",
        25,
        "research",
        "crossroads",
        "Crossroads Recovery Partners: PHP availability",
        "Crossroads runs a PHP (five days a week, six hours a day) and an IOP (three evenings) in Bloomfield, "
        "fifteen minutes from home. Co-occurring track, medication-friendly, family group on Wednesdays. A PHP "
        "opening is expected in two to three weeks.",
        part2=True,
    ),
    n(
        77,
        "14:00",
        "call",
        30,
        CARE,
        "blueridge",
        "Weekly call with Blue Ridge: week 3",
        "Steady progress; chosen as a peer mentor for new arrivals. The program's psychiatrist raised the "
        "sertraline dose. Discharge targeted for around day thirty.",
        part2=True,
    ),
    n(
        75,
        "11:00",
        "email",
        15,
        CARE,
        "park",
        "Referral to Dr. Park for outpatient psychiatry",
        "E-mailed Dr. Park's office the referral and Jordan's medication list, asking for a first appointment "
        "within a week of discharge.",
    ),
    n(
        73,
        "10:00",
        "site_visit",
        75,
        "site_visit",
        "crossroads",
        "Crossroads (PHP and IOP): tour and clinical team",
        "Met the program director and the PHP lead clinician; sat in on part of a skills group. Young-adult "
        "groups twice a week, good coordination with outside psychiatrists. A good fit for the step-down.",
    ),
    n(
        70,
        "14:00",
        "team_conference",
        60,
        TEAM,
        "blueridge dana park",
        "Discharge planning conference",
        "Blue Ridge's therapist, Dana and Dr. Park's nurse. Plan: Crossroads PHP starting the day after "
        "discharge; Dr. Park takes over medications; Dana resumes weekly therapy after PHP. Reviewed the relapse-"
        "prevention plan and the warning signs the family should watch for.",
        part2=True,
        share_with="blueridge",
        addendum=(2, "Crossroads confirmed the PHP start for the day after discharge."),
    ),
    n(
        68,
        "09:30",
        "call",
        20,
        FAMILY,
        "pat",
        "Pat: discharge logistics",
        "Pat will pick Jordan up on discharge day. House plan agreed with both parents: no alcohol at home, car "
        "use only for PHP for now, dinner together on weeknights.",
    ),
    n(
        66,
        "15:00",
        "call",
        30,
        CARE,
        "blueridge",
        "Blue Ridge: final week review",
        "Completed the program. Discharge summary to follow within five business days; fourteen days of "
        "medication supplied. The program rates his motivation as good and family support as strong.",
        part2=True,
    ),
    n(
        65,
        "12:00",
        "call",
        15,
        CASE,
        "",
        "Discharge day check-in with Jordan",
        "Jordan got home at noon. Proud of finishing, a little anxious about PHP tomorrow. Reviewed who to call "
        "and when.",
    ),
    # Partial hospitalization at Crossroads.
    n(
        64,
        "16:30",
        "call",
        20,
        CARE,
        "crossroads",
        "Crossroads PHP: first day",
        "Jordan attended the full day. Assigned to the young-adult group; individual sessions on Tuesdays and Fridays.",
        part2=True,
    ),
    n(
        61,
        "10:00",
        "email",
        10,
        CARE,
        "park",
        "Dr. Park: first appointment booked",
        "Dr. Park will see Jordan next Wednesday; the Blue Ridge medication list and discharge summary were sent "
        "ahead.",
    ),
    n(
        59,
        "14:00",
        "call",
        30,
        CARE,
        "crossroads",
        "Weekly call with Crossroads PHP: week 1",
        "Good attendance, engaged in groups. Breathalyzer and urine screens negative. Some conflict at home over "
        "curfew; the family group will take it up on Wednesday.",
        part2=True,
    ),
    n(
        57,
        "18:30",
        "meeting",
        60,
        FAMILY,
        "pat sam",
        "Family meeting at home: the first week back",
        "Met Jordan, Pat and Sam at home. Curfew set at 11 on weekdays; Jordan asked for more use of the car. "
        "Agreed to review the car after two more weeks of negative screens.",
    ),
    n(
        54,
        "11:00",
        "call",
        25,
        CARE,
        "park",
        "Dr. Park: medication review",
        "Dr. Park continues both medications at the current doses and will see Jordan every two weeks during "
        "PHP. Asked that Crossroads send screening results monthly.",
    ),
    n(
        52,
        "14:00",
        "call",
        30,
        CARE,
        "crossroads",
        "Weekly call with Crossroads PHP: week 2",
        "Jordan presented his relapse-prevention plan in group. Mood brighter; sleep regular. Screens negative.",
        part2=True,
    ),
    n(
        50,
        "10:30",
        "email",
        15,
        CARE,
        "edcon",
        "Introduction: Ellen Marsh, educational consultant",
        "Pat and Sam engaged Ellen Marsh to plan Jordan's return to college. Introduced her to the team and shared "
        "what Jordan agreed she may know.",
    ),
    n(
        47,
        "13:30",
        "call",
        20,
        CARE,
        "dana",
        "Dana: planning for after PHP",
        "Dana will start weekly sessions again when PHP ends and can add a second session during the first month "
        "of IOP.",
    ),
    n(
        45,
        "14:00",
        "call",
        35,
        CARE,
        "crossroads",
        "Weekly call with Crossroads PHP: week 3",
        "Solid week. Jordan is talking about returning to school in the spring; the program suggests waiting until "
        "IOP is under way.",
        part2=True,
    ),
    n(
        43,
        "21:30",
        "crisis",
        60,
        CRISIS,
        "pat",
        "A lapse over the weekend",
        "Pat called: Jordan drank at a friend's party on Saturday and came home at 3 am. Today he told them, "
        "tearful, saying he had ruined everything. Passive thoughts of being a burden; no plan or intent. He "
        "agreed to the safety plan and to tell Crossroads tomorrow. Pat stays with him tonight; Dana informed.",
        part2=True,
        addendum=(
            1,
            "Crossroads added an individual session and a relapse-analysis group. Dr. Park saw Jordan "
            "today: no change to medications. Jordan attended PHP as usual.",
        ),
    ),
    n(
        42,
        "10:00",
        "call",
        25,
        CARE,
        "crossroads",
        "Crossroads: response to the lapse",
        "Reviewed the lapse with the PHP lead clinician. Treated as a learning event: no change of level of care, "
        "one extra individual session a week for two weeks, family group on Wednesday.",
        part2=True,
        share_with="crossroads",
    ),
    n(
        40,
        "11:00",
        "call",
        30,
        CARE,
        "edcon",
        "Ellen Marsh: return-to-college timeline",
        "Ellen will prepare the medical-leave return paperwork for the spring semester and look at a reduced "
        "course load. Jordan wants to live at home for the first semester back.",
    ),
    n(
        38,
        "14:00",
        "call",
        30,
        CARE,
        "crossroads",
        "Weekly call with Crossroads PHP: week 4",
        "Back on track after the lapse; screens negative. Ready to plan the step-down to IOP.",
        part2=True,
    ),
    n(
        36,
        "16:00",
        "team_conference",
        45,
        TEAM,
        "crossroads dana park pat",
        "Step-down conference: PHP to IOP",
        "Crossroads, Dana, Dr. Park and Pat. Plan: PHP ends next week; one week at home; then Crossroads IOP three "
        "evenings a week. A sober companion fifteen hours a week for the first month of IOP. Dana weekly, Dr. Park "
        "every two weeks.",
        part2=True,
        share_with="crossroads",
    ),
    n(
        34,
        "10:00",
        "call",
        20,
        CARE,
        "companion",
        "Sober companion: intake call with Marcus Hale",
        "Marcus will spend afternoons and two evenings a week with Jordan: gym, errands, meetings, a job search. "
        "He reports to me weekly and calls at once if Jordan drinks or goes missing.",
    ),
    n(
        31,
        "14:00",
        "call",
        25,
        CARE,
        "crossroads",
        "Crossroads: PHP discharge plan",
        "PHP discharge on Friday as planned. IOP starts the Monday after next. Transition checklist complete.",
        part2=True,
    ),
    n(
        29,
        "17:00",
        "call",
        15,
        CASE,
        "pat",
        "PHP completed",
        "Told Pat that Jordan completed PHP today. The coming week at home has structure: Marcus three afternoons, "
        "Dana on Tuesday, a meeting every day.",
    ),
    n(
        26,
        "11:00",
        "call",
        20,
        CARE,
        "dana",
        "Dana: the week between programs",
        "Dana saw Jordan on Tuesday: tired but steady. She noticed more anxiety about the future than cravings.",
    ),
    n(
        24,
        "10:00",
        "meeting",
        45,
        FAMILY,
        "pat sam companion",
        "House meeting with the sober companion",
        "Jordan, Pat, Sam and Marcus at home. Agreed on Marcus's hours, how he reaches the parents, and what "
        "counts as an emergency.",
    ),
    # Intensive outpatient at Crossroads.
    n(
        22,
        "19:30",
        "call",
        15,
        CARE,
        "crossroads",
        "IOP: the first evening",
        "Jordan attended the first IOP evening; he knows several people from PHP.",
        part2=True,
    ),
    n(
        19,
        "13:00",
        "email",
        10,
        CARE,
        "edcon",
        "Ellen: readmission forms",
        "Ellen sent the college's readmission forms; the clinical letter is due in six weeks. Dana will write it.",
    ),
    n(
        17,
        "14:00",
        "call",
        30,
        CARE,
        "crossroads",
        "Weekly call with Crossroads IOP: week 1",
        "Full attendance, screens negative. Working on managing evenings and weekends.",
        part2=True,
    ),
    n(
        15,
        "10:30",
        "call",
        25,
        CARE,
        "companion",
        "Marcus Hale: the first two weeks",
        "Jordan is keeping the schedule and started applying for part-time jobs. One tense evening after a call "
        "with an old friend; he called Marcus rather than going out.",
    ),
    n(
        12,
        "11:00",
        "call",
        20,
        CARE,
        "park",
        "Dr. Park: stable on current medications",
        "No changes. Dr. Park will see Jordan monthly after IOP.",
    ),
    n(
        10,
        "14:00",
        "call",
        30,
        CARE,
        "crossroads",
        "Weekly call with Crossroads IOP: week 2",
        "Jordan is leading a check-in in group. The program supports discharge on the planned date.",
        part2=True,
    ),
    n(
        8,
        "16:00",
        "team_conference",
        50,
        TEAM,
        "crossroads dana park companion",
        "Aftercare planning conference",
        "Crossroads, Dana, Dr. Park and Marcus. Aftercare: Dana weekly, Dr. Park monthly, alumni group on "
        "Thursdays, Marcus tapering to six hours a week over a month. Release for the alumni group to be signed.",
        part2=True,
        addendum=(2, "Dana confirmed Tuesday afternoons from the week after discharge."),
    ),
    n(
        5,
        "10:00",
        "meeting",
        60,
        FAMILY,
        "pat sam",
        "Family meeting: life after IOP",
        "Talked through the aftercare plan with Jordan, Pat and Sam: house rules after IOP, the car, money, and "
        "what happens after a lapse. Jordan asked for a part-time job before school starts; his parents agreed.",
    ),
    n(
        3,
        "14:00",
        "call",
        30,
        CARE,
        "crossroads",
        "Weekly call with Crossroads IOP: week 3",
        "Good week. Discharge paperwork started; the program will send the discharge summary to Dr. Park and Dana.",
        part2=True,
    ),
    n(
        2,
        "15:30",
        "email",
        10,
        CARE,
        "edcon",
        "Ellen: spring course options",
        "Ellen proposes three courses in the spring with a lighter schedule on IOP alumni nights. To confirm with "
        "Jordan before replying.",
        draft=True,
    ),
    n(
        1,
        "10:15",
        "call",
        20,
        CARE,
        "dana",
        "Dana: scheduling after IOP",
        "Dana can keep Tuesdays and add a Friday session in the first two weeks after discharge.",
        draft=True,
    ),
    n(
        1,
        "16:30",
        "call",
        15,
        CARE,
        "companion",
        "Marcus: afternoon check-in",
        "Jordan went to the gym and to a job interview at the hardware store; he seemed low but kept to the plan.",
        draft=True,
    ),
    n(
        1,
        "21:40",
        "crisis",
        45,
        CRISIS,
        "pat companion",
        "Panic and an urge to drink after a breakup",
        "Jordan called at 9:40 pm after his girlfriend ended the relationship: panicky, strong urge to drink, no "
        "alcohol used. No thoughts of self-harm. Walked through the coping plan with him; Marcus came over and "
        "Pat is home. Follow-up with Dana tomorrow and a check-in call from me in the morning.",
        part2=True,
    ),
]

# --------------------------------------------------------------------------- Taylor Brooks (Morgan)

TAYLOR_NOTES: list[NoteSpec] = [
    n(
        46,
        "11:00",
        "meeting",
        75,
        "assessment",
        "lee",
        "Intake meeting with Taylor and Lee",
        "Taylor has had two psychiatric admissions for self-harm this year. Outpatient DBT stopped after her "
        "therapist moved away. Lee asks for a residential program with a full DBT model.",
    ),
    n(
        44,
        "14:30",
        "call",
        30,
        CARE,
        "cedarpoint",
        "Cedar Point admissions: screening",
        "Cedar Point accepts Taylor for its adult DBT residential program; admission in four days.",
    ),
    n(
        40,
        "16:00",
        "call",
        15,
        CARE,
        "cedarpoint",
        "Cedar Point: admitted",
        "Taylor was admitted this morning. First family call on Sunday.",
    ),
    n(
        30,
        "13:00",
        "call",
        30,
        CARE,
        "cedarpoint",
        "Weekly call with Cedar Point",
        "Taylor is using diary cards and skills coaching; one episode of self-harm urges, no behaviour.",
    ),
    n(
        16,
        "15:00",
        "team_conference",
        45,
        TEAM,
        "cedarpoint jamie",
        "Progress and aftercare",
        "Cedar Point and Jamie Ortiz. Discharge in about five weeks; Jamie resumes DBT afterwards with a skills "
        "group twice a week.",
    ),
    n(
        9,
        "10:00",
        "email",
        10,
        CASE,
        "lee robin",
        "Update to Lee and Robin",
        "Sent the monthly update and the dates of the family week.",
    ),
    n(
        2,
        "14:00",
        "call",
        25,
        CARE,
        "cedarpoint",
        "Weekly call with Cedar Point",
        "Good week; Taylor presented her chain analysis in group.",
    ),
]

# --------------------------------------------------------------------------- Riley Chen (Morgan)

RILEY_NOTES: list[NoteSpec] = [
    n(
        58,
        "10:00",
        "meeting",
        90,
        "assessment",
        "grace david",
        "Intake assessment with Riley and parents",
        "Riley, 19, left college after one semester; daily cannabis use, ADHD untreated since high school, "
        "withdrawn from friends. Parents ask about wilderness therapy followed by transitional living.",
    ),
    n(
        56,
        "14:00",
        "call",
        30,
        CARE,
        "nora",
        "Nora Whitfield: program options",
        "Nora recommends two wilderness programs for young adults; Summit Trails fits Riley's interests.",
    ),
    n(
        50,
        "17:00",
        "call",
        20,
        CARE,
        "summit",
        "Summit Trails: arrival",
        "Riley arrived with his parents this morning; field placement in the young-adult group.",
    ),
    n(
        24,
        "11:00",
        "team_conference",
        45,
        TEAM,
        "summit nora grace",
        "Week four review",
        "Riley is engaging with his field therapist and writing letters home. Transitional living options to be "
        "researched for after the program.",
    ),
    n(
        10,
        "15:00",
        "call",
        25,
        CARE,
        "summit",
        "Summit Trails: weekly update",
        "Steady; Riley asked to speak with his parents on the next family call.",
    ),
]
