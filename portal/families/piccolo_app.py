import os

from piccolo.conf.apps import AppConfig

from portal.families.tables import (
    AccessGrant,
    CommunicationPlan,
    Document,
    DocumentShare,
    Message,
    MessageAttachment,
    NotificationPreference,
    PendingNotification,
    StaffThreadRead,
    Thread,
    ThreadParticipant,
    Update,
    UpdateAttachment,
    UpdateRecipient,
)

APP_CONFIG = AppConfig(
    app_name="families",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[
        AccessGrant,
        Update,
        UpdateRecipient,
        UpdateAttachment,
        CommunicationPlan,
        Thread,
        ThreadParticipant,
        StaffThreadRead,
        Message,
        MessageAttachment,
        Document,
        DocumentShare,
        NotificationPreference,
        PendingNotification,
    ],
    migration_dependencies=["portal.cases.piccolo_app"],
    commands=[],
)
