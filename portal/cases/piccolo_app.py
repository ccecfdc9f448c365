import os

from piccolo.conf.apps import AppConfig

from portal.cases.tables import (
    Assessment,
    CareTeamMember,
    CareTeamParty,
    Client,
    ClientAssignment,
    Consent,
    ConsentLifetimeRule,
    Diagnosis,
    Disclosure,
    Handoff,
    Note,
    NoteAddendum,
    NoteAttachment,
    NoteParty,
    NoteShare,
    Placement,
    Relative,
    Task,
    TimeEntry,
    TransitionItem,
)

APP_CONFIG = AppConfig(
    app_name="cases",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[
        Client, ClientAssignment, Handoff, Assessment, Diagnosis, Relative, CareTeamParty, CareTeamMember,
        Consent, ConsentLifetimeRule, Disclosure, Note, NoteParty, NoteAddendum, NoteAttachment, NoteShare,
        TimeEntry, Task, Placement, TransitionItem,
    ],  # fmt: skip
    migration_dependencies=["portal.accounts.piccolo_app", "portal.files.piccolo_app"],
    commands=[],
)
