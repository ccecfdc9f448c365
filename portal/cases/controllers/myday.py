"""My day: the case manager's start page."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.response import Template

from portal.cases import myday
from portal.policy import Action, guard
from portal.web import current_principal, render


class MyDayController(Controller):
    path = "/my-day"
    include_in_schema = False
    guards = [guard(Action.CLIENTS_READ)]

    @get("/")
    async def my_day_page(self, request: Request[Any, Any, Any]) -> Template:
        return render(request, "cases/my_day.html", day=await myday.my_day(current_principal(request)))
