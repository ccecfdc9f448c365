import os

from piccolo.conf.apps import AppConfig

from portal.network.tables import (
    Availability,
    Credential,
    DeskCheck,
    ImportBatch,
    Program,
    ProgramContact,
    ProgramFacet,
    ProgramIncident,
    SiteVisit,
    SiteVisitPhoto,
    VettingDecision,
    VettingReview,
)

APP_CONFIG = AppConfig(
    app_name="network",
    migrations_folder_path=os.path.join(os.path.dirname(__file__), "piccolo_migrations"),
    table_classes=[
        Program,
        ProgramFacet,
        ProgramContact,
        Availability,
        Credential,
        VettingReview,
        DeskCheck,
        SiteVisit,
        SiteVisitPhoto,
        VettingDecision,
        ProgramIncident,
        ImportBatch,
    ],
    migration_dependencies=["portal.accounts.piccolo_app", "portal.files.piccolo_app"],
    commands=[],
)
