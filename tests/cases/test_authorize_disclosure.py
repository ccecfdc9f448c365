"""authorize_disclosure(): one test per deny reason, the expiry boundary to the second, revocation at once,
audit either way, a disclosure record when allowed, and a property test of what "allowed" implies."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from portal.audit.tables import AuditEvent
from portal.cases import consents
from portal.cases.consents import (
    ConsentFacts,
    DenyReason,
    Recipient,
    authorize_disclosure,
    evaluate,
    failure_at,
    names_recipient,
)
from portal.cases.tables import CareTeamMember, Disclosure
from portal.cases.vocabulary import CONSENT_CATEGORIES, CONSENT_PURPOSES
from portal.core.tables import Practice
from portal.policy import Principal, Role

NEW_YORK = ZoneInfo("America/New_York")


def casey_principal(casey: dict[str, Any]) -> Principal:
    return Principal(user_id=casey["id"], role=Role.CASE_MANAGER, email=casey["email"], name=casey["name"])


async def therapist_of(client_id: int) -> int:
    row = await CareTeamMember.select(CareTeamMember.party).where(CareTeamMember.client == client_id).first()
    return int(row["party"])


async def release(casey: dict[str, Any], client_id: int, party_id: int, **overrides: Any) -> int:
    data: dict[str, Any] = {
        "recipient_type": "party",
        "recipient_party": party_id,
        "categories": ["coordination_notes", "placements"],
        "purposes": ["care_coordination", "treatment"],
        "effective_on": "2026-01-01",
        "expires_on": "2026-12-31",
        "signed_by_name": "Jordan Rivera",
        "signer_capacity": "self",
        "signed_on": "2026-01-01",
        "esignature_name": "Jordan Rivera",
    }
    data.update(overrides)
    return await consents.record_consent(casey_principal(casey), client_id, data)


def at_new_york(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=NEW_YORK).astimezone(UTC)


async def ask(
    casey: dict[str, Any],
    client_id: int,
    party_id: int,
    categories: list[str] | None = None,
    purpose: str = "care_coordination",
    **kwargs: Any,
) -> consents.Decision:
    recipient = await consents.recipient_for_party(party_id)
    return await authorize_disclosure(
        casey_principal(casey),
        client_id,
        recipient,
        categories or ["coordination_notes"],
        purpose,
        resource_type="note",
        resource_id=1,
        **kwargs,
    )


async def test_no_consent(casey: dict[str, Any], jordan: dict[str, Any], clock: Any) -> None:
    decision = await ask(casey, jordan["id"], await therapist_of(jordan["id"]))
    assert (decision.allowed, decision.reason) == (False, DenyReason.NO_CONSENT)


async def test_not_yet_effective(casey: dict[str, Any], jordan: dict[str, Any], clock: Any) -> None:
    party = await therapist_of(jordan["id"])
    await release(casey, jordan["id"], party, effective_on="2026-06-01")
    clock.set(at_new_york(date(2026, 5, 31), 23))
    assert (await ask(casey, jordan["id"], party)).reason == DenyReason.NOT_YET_EFFECTIVE
    clock.set(at_new_york(date(2026, 6, 1), 0))
    assert (await ask(casey, jordan["id"], party)).allowed


async def test_allowed_one_second_before_expiry_and_denied_at_expiry(
    casey: dict[str, Any], jordan: dict[str, Any], clock: Any
) -> None:
    party = await therapist_of(jordan["id"])
    await release(casey, jordan["id"], party, expires_on="2026-12-31")
    # Valid through the whole of Dec 31 in the practice's time zone: it ends at midnight New York time.
    expiry = datetime(2027, 1, 1, tzinfo=NEW_YORK).astimezone(UTC)
    clock.set(expiry - timedelta(seconds=1))
    assert (await ask(casey, jordan["id"], party)).allowed
    clock.set(expiry)
    decision = await ask(casey, jordan["id"], party)
    assert (decision.allowed, decision.reason) == (False, DenyReason.EXPIRED)


async def test_revocation_is_effective_at_once(casey: dict[str, Any], jordan: dict[str, Any], clock: Any) -> None:
    party = await therapist_of(jordan["id"])
    clock.set(at_new_york(date(2026, 3, 1)))
    consent_id = await release(casey, jordan["id"], party)
    assert (await ask(casey, jordan["id"], party)).allowed
    await consents.revoke_consent(casey_principal(casey), jordan["id"], consent_id, "called the office")
    decision = await ask(casey, jordan["id"], party)
    assert (decision.allowed, decision.reason) == (False, DenyReason.REVOKED)
    events = await AuditEvent.select(AuditEvent.action).where(AuditEvent.resource_id == str(consent_id))
    assert "consent.revoke" in [e["action"] for e in events]


async def test_recipient_not_named(casey: dict[str, Any], jordan: dict[str, Any], clock: Any) -> None:
    from portal.cases import care_team

    clock.set(at_new_york(date(2026, 3, 1)))
    await release(casey, jordan["id"], await therapist_of(jordan["id"]))
    await care_team.add_member(
        casey_principal(casey),
        jordan["id"],
        {"name": "Northside School", "party_type": "school", "is_organisation": "on"},
    )
    school = next(m["party.id"] for m in await care_team.members(jordan["id"]) if m["party.name"] == "Northside School")
    decision = await ask(casey, jordan["id"], school)
    assert (decision.allowed, decision.reason) == (False, DenyReason.RECIPIENT_NOT_NAMED)


async def test_category_not_covered(casey: dict[str, Any], jordan: dict[str, Any], clock: Any) -> None:
    party = await therapist_of(jordan["id"])
    clock.set(at_new_york(date(2026, 3, 1)))
    await release(casey, jordan["id"], party, categories=["placements"])
    decision = await ask(casey, jordan["id"], party, ["diagnoses"])
    assert decision.reason == DenyReason.CATEGORY_NOT_COVERED


async def test_purpose_not_covered(casey: dict[str, Any], jordan: dict[str, Any], clock: Any) -> None:
    party = await therapist_of(jordan["id"])
    clock.set(at_new_york(date(2026, 3, 1)))
    await release(casey, jordan["id"], party, purposes=["treatment"])
    decision = await ask(casey, jordan["id"], party, purpose="legal")
    assert decision.reason == DenyReason.PURPOSE_NOT_COVERED


async def test_counseling_notes_need_their_own_consent(
    casey: dict[str, Any], jordan: dict[str, Any], clock: Any
) -> None:
    party = await therapist_of(jordan["id"])
    clock.set(at_new_york(date(2026, 3, 1)))
    await release(
        casey, jordan["id"], party, categories=["coordination_notes", "substance_use_records"], covers_part2="on"
    )
    decision = await ask(casey, jordan["id"], party, ["counseling_notes"])
    assert decision.reason == DenyReason.COUNSELING_NOTES_WITHOUT_OWN_CONSENT
    await release(casey, jordan["id"], party, categories=["counseling_notes"], covers_part2="on")
    assert (await ask(casey, jordan["id"], party, ["counseling_notes"])).allowed


async def test_a_counseling_notes_release_may_cover_nothing_else(casey: dict[str, Any], jordan: dict[str, Any]) -> None:
    from portal.errors import Invalid

    try:
        await release(
            casey,
            jordan["id"],
            await therapist_of(jordan["id"]),
            categories=["counseling_notes", "placements"],
            covers_part2="on",
        )
    except Invalid as exc:
        assert "nothing else" in exc.field_errors["categories"]
    else:
        raise AssertionError("a mixed counseling-notes release was accepted")


async def test_every_decision_is_audited_and_only_allowed_ones_are_disclosures(
    casey: dict[str, Any], jordan: dict[str, Any], clock: Any
) -> None:
    party = await therapist_of(jordan["id"])
    clock.set(at_new_york(date(2026, 3, 1)))
    denied = await ask(casey, jordan["id"], party)
    consent_id = await release(casey, jordan["id"], party)
    allowed = await ask(casey, jordan["id"], party)
    assert not denied and allowed and allowed.disclosure_id is not None
    events = await AuditEvent.select(AuditEvent.action, AuditEvent.detail).where(
        (AuditEvent.client_id == jordan["id"]) & AuditEvent.action.like("disclosure.%")
    )
    assert [e["action"] for e in events] == ["disclosure.denied", "disclosure.allowed"]
    assert '"reason":"no_consent"' in events[0]["detail"]
    [record] = await Disclosure.select().where(Disclosure.client == jordan["id"])
    assert (record["consent"], record["purpose"], record["recipient_party"]) == (consent_id, "care_coordination", party)
    assert record["disclosed_by"] == casey["id"] and record["basis"] == "consent"


async def test_part2_records_carry_the_redisclosure_notice_and_the_consent(
    casey: dict[str, Any], jordan: dict[str, Any], clock: Any
) -> None:
    party = await therapist_of(jordan["id"])
    clock.set(at_new_york(date(2026, 3, 1)))
    await release(casey, jordan["id"], party, categories=["coordination_notes"])
    assert (await ask(casey, jordan["id"], party, includes_part2=True)).reason == DenyReason.CATEGORY_NOT_COVERED
    await release(
        casey, jordan["id"], party, categories=["coordination_notes", "substance_use_records"], covers_part2="on"
    )
    decision = await ask(casey, jordan["id"], party, includes_part2=True)
    assert decision.allowed
    assert decision.part2_notice is not None
    assert decision.part2_notice.startswith("42 CFR part 2 prohibits unauthorized use or disclosure of these records.")
    assert "signed by Jordan Rivera" in decision.part2_notice


async def test_providers_may_receive_treatment_information_without_a_release_when_the_practice_allows_it(
    casey: dict[str, Any], jordan: dict[str, Any]
) -> None:
    party = await therapist_of(jordan["id"])
    assert (await ask(casey, jordan["id"], party, purpose="treatment")).reason == DenyReason.NO_CONSENT
    await Practice.update({Practice.roi_required_for_providers: False}).where(Practice.id == 1)
    decision = await ask(casey, jordan["id"], party, purpose="treatment")
    assert decision.allowed and decision.basis == "hipaa_treatment" and decision.consent_id is None
    # Not for other purposes, and never for Part 2 records.
    assert not await ask(casey, jordan["id"], party, purpose="legal")
    assert not await ask(casey, jordan["id"], party, purpose="treatment", includes_part2=True)


async def test_a_relative_must_be_named_by_the_release(
    casey: dict[str, Any], jordan: dict[str, Any], clock: Any
) -> None:
    from portal.cases.clients import relatives

    pat, sam = sorted(await relatives(jordan["id"]), key=lambda r: r["name"])
    clock.set(at_new_york(date(2026, 3, 1)))
    await consents.record_consent(
        casey_principal(casey),
        jordan["id"],
        {
            "recipient_type": "relative",
            "recipient_relative": pat["id"],
            "categories": ["placements"],
            "purposes": ["family_involvement"],
            "effective_on": "2026-01-01",
            "expires_on": "2026-12-31",
            "signed_by_name": "Jordan Rivera",
            "signed_on": "2026-01-01",
            "esignature_name": "Jordan Rivera",
        },
    )
    for relative, expected in ((pat, None), (sam, DenyReason.RECIPIENT_NOT_NAMED)):
        recipient = await consents.recipient_for_relative(jordan["id"], relative["id"])
        decision = await authorize_disclosure(
            casey_principal(casey), jordan["id"], recipient, ["placements"], "family_involvement"
        )
        assert decision.reason == expected


# --------------------------------------------------------------------------- the decision as a pure function

CATEGORY_KEYS = sorted(CONSENT_CATEGORIES)
PURPOSE_KEYS = sorted(CONSENT_PURPOSES)
BASE = datetime(2026, 1, 1, tzinfo=UTC)

moments = st.integers(min_value=-400, max_value=800).map(lambda hours: BASE + timedelta(hours=hours))
consent_strategy = st.builds(
    ConsentFacts,
    id=st.integers(min_value=1, max_value=50),
    recipient_type=st.sampled_from(["party", "relative", "class"]),
    recipient_party=st.sampled_from([1, 2, None]),
    recipient_relative=st.sampled_from([1, 2, None]),
    categories=st.frozensets(st.sampled_from(CATEGORY_KEYS), min_size=1, max_size=4),
    purposes=st.frozensets(st.sampled_from(PURPOSE_KEYS), min_size=1, max_size=3),
    effective_from=moments,
    expires_at=st.one_of(st.none(), moments),
    revoked_at=st.one_of(st.none(), moments),
    covers_part2=st.booleans(),
)
recipient_strategy = st.one_of(
    st.builds(
        Recipient, type=st.just("party"), party_id=st.sampled_from([1, 2, 3]), is_health_care_provider=st.booleans()
    ),
    st.builds(Recipient, type=st.just("relative"), relative_id=st.sampled_from([1, 2, 3])),
)


@settings(max_examples=500, deadline=None)
@given(
    consents_given=st.lists(consent_strategy, max_size=5),
    recipient=recipient_strategy,
    categories=st.frozensets(st.sampled_from(CATEGORY_KEYS), min_size=1, max_size=3),
    purpose=st.sampled_from(PURPOSE_KEYS),
    now=moments,
    includes_part2=st.booleans(),
)
def test_allowed_implies_covered_named_effective_unexpired_and_unrevoked(
    consents_given: list[ConsentFacts],
    recipient: Recipient,
    categories: frozenset[str],
    purpose: str,
    now: datetime,
    includes_part2: bool,
) -> None:
    result = evaluate(consents_given, recipient, categories, purpose, now, includes_part2=includes_part2)
    if not result.allowed:
        assert result.reason is not None
        return
    consent = result.consent
    assert consent is not None
    assert names_recipient(consent, recipient)
    assert failure_at(consent, now) is None
    assert consent.effective_from <= now
    assert consent.expires_at is None or now < consent.expires_at
    assert consent.revoked_at is None or now < consent.revoked_at
    assert purpose in consent.purposes
    rest = categories - {"counseling_notes"}
    if "counseling_notes" in categories:
        # Counseling notes went only under a consent of their own, naming this recipient, in force, for this purpose.
        assert any(
            c.categories == frozenset({"counseling_notes"})
            and names_recipient(c, recipient)
            and failure_at(c, now) is None
            and purpose in c.purposes
            for c in consents_given
        )
    if rest:
        assert rest <= consent.categories
        if includes_part2:
            assert consent.covers_part2 and "substance_use_records" in consent.categories


async def test_a_guardian_of_a_minor_needs_no_release_until_the_client_turns_18(
    casey: dict[str, Any], clock: Any
) -> None:
    from portal.cases import clients

    system = Principal.system("test")
    minor = await clients.create_client(
        system, {"legal_name": "Kai Morgan", "date_of_birth": "2010-06-15"}, primary_case_manager_id=casey["id"]
    )
    guardian = await clients.add_relative(
        system, minor, {"name": "Lee Morgan", "relationship": "parent", "legal_authority": "guardian_of_minor"}
    )
    sibling = await clients.add_relative(system, minor, {"name": "Ash Morgan", "relationship": "sibling"})

    async def decide(relative_id: int, **kwargs: Any) -> consents.Decision:
        recipient = await consents.recipient_for_relative(minor, relative_id)
        return await authorize_disclosure(
            casey_principal(casey), minor, recipient, ["placements"], "family_involvement", **kwargs
        )

    clock.set(at_new_york(date(2028, 6, 14)))  # 17 years old
    decision = await decide(guardian)
    assert decision.allowed and decision.basis == "guardian_of_minor"
    assert (await decide(sibling)).reason == DenyReason.NO_CONSENT
    assert not await decide(guardian, includes_part2=True)  # Part 2 records still need the minor's consent
    clock.set(at_new_york(date(2028, 6, 15)))  # 18 today
    assert (await decide(guardian)).reason == DenyReason.NO_CONSENT
