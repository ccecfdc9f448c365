"""The owner's button on the client page: download the client's complete record (right of access)."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from litestar import Controller, Request, post
from litestar.background_tasks import BackgroundTask
from litestar.params import FromPath
from litestar.response import File
from litestar.status_codes import HTTP_200_OK

from portal.clock import utcnow
from portal.operations.client_export import export_client
from portal.policy import Action, guard
from portal.settings import get_settings
from portal.web import current_principal


def _exports_dir() -> Path:
    return get_settings().files_dir.parent / "exports"


def _remove(path: Path) -> None:
    path.unlink(missing_ok=True)


class ClientExportController(Controller):
    path = "/clients/{client_id:int}/export"
    include_in_schema = False
    guards = [guard(Action.CLIENT_EXPORT)]

    @post("/", status_code=HTTP_200_OK)
    async def download_export(self, request: Request[Any, Any, Any], client_id: FromPath[int]) -> File:
        """Build the zip in a temporary file, send it, and delete it once sent."""
        destination = _exports_dir() / f"client-{client_id}-{secrets.token_hex(8)}.zip"
        try:
            await export_client(current_principal(request), client_id, destination)
        except BaseException:
            destination.unlink(missing_ok=True)
            raise
        return File(
            path=destination,
            filename=f"client-{client_id}-record-{utcnow():%Y-%m-%d}.zip",
            media_type="application/zip",
            headers={"Cache-Control": "no-store"},
            background=BackgroundTask(_remove, destination),
        )
