"""Reading HTML form posts: every field (repeated fields as lists) and uploaded files."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.datastructures import UploadFile

MAX_FIELD_LENGTH = 100_000


async def form_data(request: Request[Any, Any, Any]) -> dict[str, Any]:
    """Text fields of the posted form; a field sent more than once (a checkbox group) becomes a list."""
    form = await request.form()
    data: dict[str, Any] = {}
    for key in form:
        if key == "_csrf_token":
            continue
        values = [v[:MAX_FIELD_LENGTH] for v in form.getall(key) if isinstance(v, str)]
        if not values:
            continue
        data[key] = values if len(values) > 1 else values[0]
    return data


async def uploaded_file(request: Request[Any, Any, Any], name: str) -> tuple[bytes, str] | None:
    """(bytes, the name the browser gave) of an uploaded file, or None when none was chosen."""
    form = await request.form()
    value = form.get(name)
    if not isinstance(value, UploadFile) or not value.filename:
        return None
    data = await value.read()
    if not data:
        return None
    return data, value.filename
