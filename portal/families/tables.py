"""The family portal: what each relative may see (grants), the update feed, secure messages, shared documents,
the communication plan and notification preferences. Relatives themselves are case records (cases.Relative)."""

from typing import Any

from piccolo.columns import JSON, Boolean, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete

from portal.accounts.tables import User
from portal.cases.tables import Client, Disclosure, Note, Relative
from portal.db import PortalTable
from portal.files.tables import StoredFile

RESTRICT = OnDelete.restrict


class AccessGrant(PortalTable, tablename="family_access_grants"):
    """Which parts of the portal one relative sees for one client. Suspended hides everything at once."""

    relative = ForeignKey(Relative, on_delete=RESTRICT, null=False, unique=True)
    sees_updates = Boolean(default=True)
    sees_messages = Boolean(default=True)
    sees_documents = Boolean(default=True)
    sees_timeline = Boolean(default=False)
    sees_billing = Boolean(default=False)
    state = Varchar(length=10, default="active")  # active, suspended
    changed_by = ForeignKey(User, on_delete=RESTRICT, null=True)
    changed_at = Timestamptz()


class Update(PortalTable, tablename="family_updates"):
    """A curated update for the family. Published updates are immutable; corrections are follow-ups."""

    client = ForeignKey(Client, on_delete=RESTRICT, null=False, index=True)
    author = ForeignKey(User, on_delete=RESTRICT, null=False)
    title = Varchar(length=200)
    body_html = Text(default="")
    body_text = Text(default="")
    # Consent categories the update draws on (placements, substance_use_records …); family_communication always.
    categories = JSON(default=[])
    # Relatives chosen as recipients (relative ids); empty means every relative with update access.
    intended_relatives = JSON(default=[])
    status = Varchar(length=10, default="draft", index=True)  # draft, published
    follows_up: ForeignKey[Any] = ForeignKey("self", on_delete=RESTRICT, null=True)
    started_from_note = ForeignKey(Note, on_delete=RESTRICT, null=True)
    published_at = Timestamptz(null=True, default=None, index=True)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class UpdateRecipient(PortalTable, tablename="family_update_recipients"):
    """A relative who received a published update (after the consent gate), and when they read it."""

    update = ForeignKey(Update, on_delete=RESTRICT, null=False, index=True)
    relative = ForeignKey(Relative, on_delete=RESTRICT, null=False, index=True)
    disclosure = ForeignKey(Disclosure, on_delete=RESTRICT, null=True)
    delivered_at = Timestamptz()
    read_at = Timestamptz(null=True, default=None)


class UpdateAttachment(PortalTable, tablename="family_update_attachments"):
    update = ForeignKey(Update, on_delete=RESTRICT, null=False, index=True)
    file = ForeignKey(StoredFile, on_delete=RESTRICT, null=False)


class CommunicationPlan(PortalTable, tablename="family_communication_plans"):
    """The agreed cadence ("a weekly update on Fridays") and who to call for what."""

    client = ForeignKey(Client, on_delete=RESTRICT, null=False, unique=True)
    cadence_days = Integer(default=7)  # an update is overdue this many days after the last one
    cadence_weekday = Integer(null=True, default=None)  # 0 = Monday … 6 = Sunday, when a day was agreed
    cadence_text = Varchar(length=200, default="")
    contacts = JSON(default=[])  # [{"for_what", "name", "phone", "email"}]
    updated_by = ForeignKey(User, on_delete=RESTRICT, null=True)
    updated_at = Timestamptz()
    # When the plan was first agreed: with no update published yet, the cadence counts from here.
    created_at = Timestamptz()


class Thread(PortalTable, tablename="family_threads"):
    client = ForeignKey(Client, on_delete=RESTRICT, null=False, index=True)
    subject = Varchar(length=200)
    created_by = ForeignKey(User, on_delete=RESTRICT, null=False)
    created_at = Timestamptz()
    last_message_at = Timestamptz(index=True)


class ThreadParticipant(PortalTable, tablename="family_thread_participants"):
    """A relative in a thread. Staff of the practice who may see the client see every thread of that client."""

    thread = ForeignKey(Thread, on_delete=RESTRICT, null=False, index=True)
    relative = ForeignKey(Relative, on_delete=RESTRICT, null=False, index=True)
    added_by = ForeignKey(User, on_delete=RESTRICT, null=True)
    added_at = Timestamptz()
    last_read_at = Timestamptz(null=True, default=None)


class StaffThreadRead(PortalTable, tablename="family_staff_thread_reads"):
    """When a staff member last read a thread (for their unread counts)."""

    thread = ForeignKey(Thread, on_delete=RESTRICT, null=False, index=True)
    user = ForeignKey(User, on_delete=RESTRICT, null=False, index=True)
    last_read_at = Timestamptz()


class Message(PortalTable, tablename="family_messages"):
    thread = ForeignKey(Thread, on_delete=RESTRICT, null=False, index=True)
    author = ForeignKey(User, on_delete=RESTRICT, null=False)
    body = Text()  # plain text, shown escaped
    created_at = Timestamptz(index=True)


class MessageAttachment(PortalTable, tablename="family_message_attachments"):
    message = ForeignKey(Message, on_delete=RESTRICT, null=False, index=True)
    file = ForeignKey(StoredFile, on_delete=RESTRICT, null=False)


class Document(PortalTable, tablename="family_documents"):
    """A document of a client's family space: uploaded by staff (and shared per relative) or by a relative."""

    client = ForeignKey(Client, on_delete=RESTRICT, null=False, index=True)
    file = ForeignKey(StoredFile, on_delete=RESTRICT, null=False)
    title = Varchar(length=200)
    category = Varchar(length=40, default="family_communication")  # consent category it draws on
    uploaded_by = ForeignKey(User, on_delete=RESTRICT, null=False)
    uploaded_by_relative = ForeignKey(Relative, on_delete=RESTRICT, null=True)
    created_at = Timestamptz()
    removed_at = Timestamptz(null=True, default=None)


class DocumentShare(PortalTable, tablename="family_document_shares"):
    document = ForeignKey(Document, on_delete=RESTRICT, null=False, index=True)
    relative = ForeignKey(Relative, on_delete=RESTRICT, null=False, index=True)
    disclosure = ForeignKey(Disclosure, on_delete=RESTRICT, null=True)
    shared_by = ForeignKey(User, on_delete=RESTRICT, null=False)
    shared_at = Timestamptz()


class NotificationPreference(PortalTable, tablename="family_notification_preferences"):
    user = ForeignKey(User, on_delete=RESTRICT, null=False, unique=True)
    mode = Varchar(length=10, default="immediate")  # immediate, daily, off


class PendingNotification(PortalTable, tablename="family_pending_notifications"):
    """Something new for a person, waiting for the daily digest (immediate ones are e-mailed at once)."""

    user = ForeignKey(User, on_delete=RESTRICT, null=False, index=True)
    kind = Varchar(length=20)  # update, message, document
    created_at = Timestamptz()
    digested_at = Timestamptz(null=True, default=None, index=True)
