"""Every route handler of the cases domain, registered by create_app()."""

from typing import Any

from portal.cases.controllers.api import ClientsApiController
from portal.cases.controllers.clients import ClientsController
from portal.cases.controllers.releases import CareTeamController, ConsentsController, DisclosuresController

CASES_ROUTE_HANDLERS: list[Any] = [
    ClientsController,
    CareTeamController,
    ConsentsController,
    DisclosuresController,
    ClientsApiController,
]
