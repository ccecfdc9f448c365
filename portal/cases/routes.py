"""Every route handler of the cases domain, registered by create_app()."""

from typing import Any

from portal.cases.controllers.api import ClientsApiController
from portal.cases.controllers.api_coordination import (
    ClientTasksApiController,
    PlacementsApiController,
    TasksApiController,
    TimeEntriesApiController,
)
from portal.cases.controllers.api_notes import NotesApiController
from portal.cases.controllers.clients import ClientsController
from portal.cases.controllers.myday import MyDayController
from portal.cases.controllers.notes import NotesController
from portal.cases.controllers.placements import PlacementsController, TimelineController
from portal.cases.controllers.releases import CareTeamController, ConsentsController, DisclosuresController
from portal.cases.controllers.tasks import ClientTasksController, TasksController
from portal.cases.controllers.time_entries import TimeEntriesController

CASES_ROUTE_HANDLERS: list[Any] = [
    ClientsController,
    CareTeamController,
    ConsentsController,
    DisclosuresController,
    ClientsApiController,
    NotesController,
    TimeEntriesController,
    PlacementsController,
    TimelineController,
    ClientTasksController,
    TasksController,
    MyDayController,
    NotesApiController,
    TimeEntriesApiController,
    ClientTasksApiController,
    TasksApiController,
    PlacementsApiController,
]
