"""Retainer billing: agreements, the monthly run, invoices and their lines, payments, refunds, credit notes,
Stripe bookkeeping. Money is integer cents; periods are "YYYY-MM"; money records are never cascaded away."""

from piccolo.columns import JSON, BigInt, Boolean, Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete

from portal.accounts.tables import User
from portal.cases.tables import Client, Relative
from portal.db import PortalTable
from portal.files.tables import StoredFile

RESTRICT = OnDelete.restrict


class RetainerAgreement(PortalTable, tablename="retainer_agreements"):
    client = ForeignKey(Client, on_delete=RESTRICT, null=False, index=True)
    # The payer: a relative flagged as payer, or an outside payer with a name and e-mail.
    payer_relative = ForeignKey(Relative, on_delete=RESTRICT, null=True)
    payer_name = Varchar(length=200, default="")
    payer_email = Varchar(length=254, default="")
    monthly_fee_cents = BigInt()
    start_date = Date()
    end_date = Date(null=True, default=None)
    billing_day = Integer(default=1)  # 1–28: the day of the month the invoice is issued and charged
    included_minutes = Integer(null=True, default=None)  # included hours × 60; None: no included hours
    overage_rate_cents = BigInt(default=0)  # per hour beyond included (and rolled-over) hours
    rollover_max_minutes = Integer(default=0)  # unused included time carried into the next month, up to this
    status = Varchar(length=10, default="draft", index=True)  # draft, active, paused, ended
    autopay = Boolean(default=False)  # charge the saved payment method on the billing day (Stripe)
    good_faith_estimate = ForeignKey(StoredFile, on_delete=RESTRICT, null=True)
    created_by = ForeignKey(User, on_delete=RESTRICT, null=True)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class Expense(PortalTable, tablename="billing_expenses"):
    """A pass-through cost billed at cost (travel, site-visit costs), with its receipt."""

    agreement = ForeignKey(RetainerAgreement, on_delete=RESTRICT, null=False, index=True)
    incurred_on = Date()
    description = Varchar(length=200)  # what a payer may read: "Travel for a program visit"
    amount_cents = BigInt()
    receipt = ForeignKey(StoredFile, on_delete=RESTRICT, null=True)
    invoice_line = Integer(null=True, default=None, index=True)  # the line that billed it
    created_by = ForeignKey(User, on_delete=RESTRICT, null=True)
    created_at = Timestamptz()


class InvoiceCounter(PortalTable, tablename="invoice_counter"):
    """One row: the last invoice number used. Locked while a number is taken, so numbers have no gaps."""

    last_number = BigInt(default=0)


class Invoice(PortalTable, tablename="invoices"):
    number = BigInt(unique=True)
    agreement = ForeignKey(RetainerAgreement, on_delete=RESTRICT, null=True, index=True)
    client = ForeignKey(Client, on_delete=RESTRICT, null=False, index=True)
    period = Varchar(length=7, index=True)  # "2026-11"
    status = Varchar(length=15, default="draft", index=True)  # draft, open, paid, void, uncollectible
    payer_name = Varchar(length=200)
    payer_email = Varchar(length=254)
    payer_relative = ForeignKey(Relative, on_delete=RESTRICT, null=True)
    issued_on = Date(null=True, default=None)
    due_on = Date(null=True, default=None, index=True)
    total_cents = BigInt(default=0)
    paid_cents = BigInt(default=0)
    credited_cents = BigInt(default=0)
    refunded_cents = BigInt(default=0)
    stripe_invoice_id = Varchar(length=100, default="", index=True)
    stripe_hosted_url = Varchar(length=500, default="")
    past_due_since = Date(null=True, default=None)
    payment_attempts = Integer(default=0)
    next_payment_attempt_at = Timestamptz(null=True, default=None)
    owner_decision_requested_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz()
    paid_at = Timestamptz(null=True, default=None)
    voided_at = Timestamptz(null=True, default=None)


class InvoiceLine(PortalTable, tablename="invoice_lines"):
    invoice = ForeignKey(Invoice, on_delete=RESTRICT, null=False, index=True)
    position = Integer(default=0)
    kind = Varchar(length=10)  # retainer, overage, expense
    description = Varchar(length=200)  # never a diagnosis, a program name or note text
    quantity = Integer(default=1)  # minutes for overage, 1 otherwise
    unit_amount_cents = BigInt(default=0)
    amount_cents = BigInt()
    service_from = Date(null=True, default=None)
    service_to = Date(null=True, default=None)


class Payment(PortalTable, tablename="payments"):
    invoice = ForeignKey(Invoice, on_delete=RESTRICT, null=False, index=True)
    amount_cents = BigInt()
    method = Varchar(length=10)  # card, bank, check, wire, ach, cash
    reference = Varchar(length=120, default="")
    received_on = Date()
    stripe_payment_intent = Varchar(length=100, default="", index=True)
    stripe_charge = Varchar(length=100, default="", index=True)
    refunded_cents = BigInt(default=0)
    recorded_by = ForeignKey(User, on_delete=RESTRICT, null=True)
    created_at = Timestamptz()


class Refund(PortalTable, tablename="refunds"):
    payment = ForeignKey(Payment, on_delete=RESTRICT, null=False, index=True)
    amount_cents = BigInt()
    reason = Varchar(length=300)
    stripe_refund = Varchar(length=100, default=None, unique=True, null=True)
    created_by = ForeignKey(User, on_delete=RESTRICT, null=True)
    created_at = Timestamptz()


class CreditNote(PortalTable, tablename="credit_notes"):
    """Corrects an issued invoice (which is never edited)."""

    invoice = ForeignKey(Invoice, on_delete=RESTRICT, null=False, index=True)
    amount_cents = BigInt()
    reason = Varchar(length=300)
    created_by = ForeignKey(User, on_delete=RESTRICT, null=True)
    created_at = Timestamptz()


class StripeCustomer(PortalTable, tablename="stripe_customers"):
    """Our payer ↔ Stripe customer. The key is ours ("relative-12" or "payer-<sha256 of e-mail>")."""

    payer_key = Varchar(length=100, unique=True)
    stripe_customer_id = Varchar(length=100)
    default_payment_method = Varchar(length=100, default="")
    created_at = Timestamptz()


class StripeCall(PortalTable, tablename="stripe_calls"):
    """Idempotency keys derived from our ids, stored before the call so a retry reuses them."""

    idempotency_key = Varchar(length=200, unique=True)
    purpose = Varchar(length=40)
    object_id = Varchar(length=100, default="")  # the Stripe id once the call succeeded
    created_at = Timestamptz()
    completed_at = Timestamptz(null=True, default=None)


class StripeEvent(PortalTable, tablename="stripe_events"):
    """Every webhook event once: the unique event id is inserted in the transaction that applies it."""

    event_id = Varchar(length=100, unique=True)
    event_type = Varchar(length=80)
    stripe_object_id = Varchar(length=100, default="")
    received_at = Timestamptz()


class BillingRun(PortalTable, tablename="billing_runs"):
    """A monthly run, with its progress for the billing page and its summary."""

    period = Varchar(length=7, index=True)
    dry_run = Boolean(default=False)
    status = Varchar(length=10, default="queued")  # queued, running, done, failed
    total = Integer(default=0)
    done = Integer(default=0)
    created = Integer(default=0)
    existing = Integer(default=0)
    skipped = JSON(default=[])  # [{"agreement": id, "reason": "..."}]
    error = Varchar(length=300, default="")
    started_by = ForeignKey(User, on_delete=RESTRICT, null=True)
    created_at = Timestamptz()
    started_at = Timestamptz(null=True, default=None)
    finished_at = Timestamptz(null=True, default=None)


class HoursAlert(PortalTable, tablename="hours_alerts"):
    """An 80 % or 100 % of included hours alert, sent once per client, period and threshold."""

    client = ForeignKey(Client, on_delete=RESTRICT, null=False, index=True)
    period = Varchar(length=7)
    threshold = Integer()  # 80 or 100
    created_at = Timestamptz()


class BillingNotice(PortalTable, tablename="billing_notices"):
    """Things billing staff or the owner must act on: past-due invoices awaiting a decision, failed charges."""

    invoice = ForeignKey(Invoice, on_delete=RESTRICT, null=True, index=True)
    kind = Varchar(length=30)
    message = Text()
    created_at = Timestamptz()
    resolved_at = Timestamptz(null=True, default=None)
    resolution = Varchar(length=200, default="")


class BillingProfile(PortalTable, tablename="billing_profile"):
    """One row: what invoices, statements and Good Faith Estimates print about the practice (its name is the
    practice's own, in core)."""

    street = Varchar(length=200, default="")
    city = Varchar(length=100, default="")
    state = Varchar(length=2, default="")
    zip_code = Varchar(length=10, default="")
    phone = Varchar(length=40, default="")
    email = Varchar(length=254, default="")
    tax_id = Varchar(length=10, default="")  # EIN, "12-3456789"
    npi = Varchar(length=10, default="")  # the practice's (type 2) or the owner's (type 1) NPI
    payment_instructions = Text(default="")  # how to pay by check or wire, printed on invoices
    updated_at = Timestamptz(null=True, default=None)
    # Days an invoice may stay past due before the owner is asked to decide (collections.py).
    owner_decision_after_days = Integer(default=30)
    # Superbills (CMS-1500 boxes 25, 33, 33b): the billing provider as an insurer knows it.
    legal_name = Varchar(length=200, default="")
    tax_id_type = Varchar(length=3, default="ein")  # ein or ssn (a sole proprietor without an EIN)
    taxonomy_code = Varchar(length=10, default="")  # e.g. 1041C0700X clinical social worker


class ClinicianProfile(PortalTable, tablename="clinician_profiles"):
    """A rendering clinician on superbills (CMS-1500 boxes 24J and 31): one per staff user who renders services."""

    user = ForeignKey(User, on_delete=RESTRICT, null=False, unique=True)
    display_name = Varchar(length=200)  # "Casey Morgan, LCSW, CASAC" exactly as printed
    credentials = Varchar(length=60, default="")  # "LCSW, CASAC"
    npi = Varchar(length=10, default="")  # individual NPI, type 1
    license_number = Varchar(length=40, default="")
    license_state = Varchar(length=2, default="")
    taxonomy_code = Varchar(length=10, default="")
    signature = ForeignKey(StoredFile, on_delete=RESTRICT, null=True)  # a PNG of the signature
    updated_at = Timestamptz(null=True, default=None)


class ServiceCode(PortalTable, tablename="service_codes"):
    """The service catalogue: which billable activity becomes which CPT/HCPCS code, and how minutes become units.
    Unit rules: eight_minute, first_after_one, per_session, per_month (DOMAIN §2)."""

    activity = Varchar(length=30, unique=True)  # a key of portal.cases.vocabulary.ACTIVITIES
    code = Varchar(length=5)  # T1016, 99368 …
    description = Varchar(length=200)
    modifiers = Varchar(length=20, default="")  # up to four two-character modifiers, comma-separated: "HO"
    unit_rule = Varchar(length=20, default="eight_minute")
    unit_minutes = Integer(default=15)  # the length of one unit under the timed rules
    minimum_minutes = Integer(default=0)  # per_session / per_month: the least time that earns the unit (99368: 30)
    charge_cents = BigInt(default=0)  # full rate per unit (box 24F)
    place_of_service = Varchar(length=2, default="11")
    reimbursability_hint = Varchar(length=300, default="")  # shown to families as a hint, never a promise
    active = Boolean(default=True)
    updated_at = Timestamptz(null=True, default=None)


class ClientInsurance(PortalTable, tablename="client_insurance"):
    """The client's plan and its out-of-network benefits, for superbills (boxes 1a, 4, 6, 7, 11) and estimates."""

    client = ForeignKey(Client, on_delete=RESTRICT, null=False, unique=True)
    plan_name = Varchar(length=200, default="")
    plan_type = Varchar(length=5, default="ppo")  # ppo, pos, hmo, epo, other
    member_id = Varchar(length=40, default="")
    group_number = Varchar(length=40, default="")
    patient_name_on_card = Varchar(length=200, default="")  # must match the superbill's patient name
    subscriber_name = Varchar(length=200, default="")
    subscriber_date_of_birth = Date(null=True, default=None)
    subscriber_relationship = Varchar(length=10, default="self")  # self, spouse, child, other
    claims_address = Text(default="")
    oon_deductible_cents = BigInt(default=0)
    oon_deductible_met_cents = BigInt(default=0)
    oon_coinsurance_percent = Integer(default=0)  # the member's share out of network, 0–100
    oon_out_of_pocket_max_cents = BigInt(null=True, default=None)
    oon_out_of_pocket_met_cents = BigInt(default=0)
    # The plan year the two "met so far" amounts are for, named by the calendar year it starts in; None on plans
    # recorded before it was asked, which count as the year they were last saved.
    oon_met_year = Integer(null=True, default=None)
    plan_year_start_month = Integer(default=1)  # 1 = the plan year is the calendar year; 7 = July to June
    allowed_percent = Integer(null=True, default=None)  # allowed amount as a percentage of our charge
    allowed_amounts = JSON(default={})  # {"T1016": 2500}: the plan's OON allowed amount per unit, in cents
    timely_filing_days = Integer(default=365)
    updated_by = ForeignKey(User, on_delete=RESTRICT, null=True)
    updated_at = Timestamptz(null=True, default=None)


class StatementCounter(PortalTable, tablename="statement_counter"):
    """One row: the last superbill statement number issued (sequential, never reused)."""

    last_number = BigInt(default=0)


class Superbill(PortalTable, tablename="superbills"):
    """An issued superbill for one client and period. Previews are computed, never stored; what was issued is
    frozen in `snapshot` (every printed field) so later edits to profiles or plans never change it."""

    client = ForeignKey(Client, on_delete=RESTRICT, null=False, index=True)
    period = Varchar(length=7, index=True)  # "2026-11"
    statement_number = BigInt(unique=True)
    status = Varchar(length=10, default="issued", index=True)  # issued, void
    invoice = ForeignKey(Invoice, on_delete=RESTRICT, null=True, index=True)
    clinician = ForeignKey(User, on_delete=RESTRICT, null=True)
    issued_on = Date()
    total_charge_cents = BigInt(default=0)
    total_paid_cents = BigInt(default=0)
    snapshot = JSON(default={})
    pdf = ForeignKey(StoredFile, on_delete=RESTRICT, null=True)
    issued_by = ForeignKey(User, on_delete=RESTRICT, null=True)
    created_at = Timestamptz()
    voided_at = Timestamptz(null=True, default=None)
    void_reason = Varchar(length=300, default="")


class SuperbillLine(PortalTable, tablename="superbill_lines"):
    superbill = ForeignKey(Superbill, on_delete=RESTRICT, null=False, index=True)
    position = Integer(default=0)
    service_date = Date()  # one date, never a range (box 24A)
    place_of_service = Varchar(length=2)  # 24B
    code = Varchar(length=5)  # 24D
    modifiers = Varchar(length=20, default="")
    description = Varchar(length=200)
    diagnosis_pointers = Varchar(length=4, default="")  # 24E, letters A–L, primary first
    units = Integer()  # 24G
    minutes = Integer()  # the minutes behind a timed code
    charge_cents = BigInt()  # 24F
    paid_cents = BigInt(default=0)  # the period's payment allocated to this line


class Claim(PortalTable, tablename="claims"):
    """An out-of-network claim the family (or the practice for them) filed with a superbill."""

    superbill = ForeignKey(Superbill, on_delete=RESTRICT, null=False, index=True)
    client = ForeignKey(Client, on_delete=RESTRICT, null=False, index=True)
    submitted_on = Date(null=True, default=None)
    claim_number = Varchar(length=60, default="")
    status = Varchar(length=20, default="submitted", index=True)  # submitted, pending, info_requested, paid …
    allowed_cents = BigInt(null=True, default=None)
    reimbursed_cents = BigInt(null=True, default=None)
    filing_deadline = Date(index=True)
    reminder_sent_at = Timestamptz(null=True, default=None)
    notes = Text(default="")
    created_by = ForeignKey(User, on_delete=RESTRICT, null=True)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class ClaimStatusChange(PortalTable, tablename="claim_status_changes"):
    claim = ForeignKey(Claim, on_delete=RESTRICT, null=False, index=True)
    status = Varchar(length=20)
    note = Varchar(length=500, default="")
    changed_by = ForeignKey(User, on_delete=RESTRICT, null=True)
    changed_at = Timestamptz()


class ClaimAttachment(PortalTable, tablename="claim_attachments"):
    """An EOB or a letter from the insurer."""

    claim = ForeignKey(Claim, on_delete=RESTRICT, null=False, index=True)
    file = ForeignKey(StoredFile, on_delete=RESTRICT, null=False)
    description = Varchar(length=200, default="")
    uploaded_by = ForeignKey(User, on_delete=RESTRICT, null=True)
    created_at = Timestamptz()
