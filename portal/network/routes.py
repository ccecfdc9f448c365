"""Every route handler of the program network, registered by create_app()."""

from typing import Any

from portal.network.controllers.api_search import ProgramSearchApiController
from portal.network.controllers.imports import NetworkImportController
from portal.network.controllers.matches import ProgramMatchesApiController, ProgramMatchesController
from portal.network.controllers.programs import NetworkController, ProgramsController
from portal.network.controllers.programs_api import ProgramApiController
from portal.network.controllers.search import NetworkSearchController
from portal.network.controllers.vetting import VettingController

NETWORK_ROUTE_HANDLERS: list[Any] = [
    NetworkController,
    ProgramsController,
    VettingController,
    ProgramApiController,
    NetworkSearchController,
    NetworkImportController,
    ProgramSearchApiController,
    ProgramMatchesController,
    ProgramMatchesApiController,
]
