"""Every route handler of the family portal (staff side and relatives' side), registered by create_app()."""

from typing import Any

from portal.families.controllers.dashboard import FamilyClientsApiController, FamilyDashboardController
from portal.families.controllers.documents import (
    ClientDocumentsController,
    FamilyDocumentsApiController,
    FamilyDocumentsController,
)
from portal.families.controllers.messages import ClientMessagesController, FamilyThreadsController
from portal.families.controllers.messages_api import ClientThreadsApiController, FamilyThreadsApiController
from portal.families.controllers.relatives import FamilyPageController, RelativesApiController
from portal.families.controllers.updates import ClientUpdatesController, FamilyUpdatesController
from portal.families.controllers.updates_api import ClientUpdatesApiController, FamilyUpdatesApiController

FAMILIES_ROUTE_HANDLERS: list[Any] = [
    FamilyPageController,
    RelativesApiController,
    FamilyDashboardController,
    FamilyClientsApiController,
    ClientUpdatesController,
    FamilyUpdatesController,
    ClientUpdatesApiController,
    FamilyUpdatesApiController,
    ClientMessagesController,
    FamilyThreadsController,
    ClientThreadsApiController,
    FamilyThreadsApiController,
    ClientDocumentsController,
    FamilyDocumentsController,
    FamilyDocumentsApiController,
]
