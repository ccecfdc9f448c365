"""Document pages and API. Staff: a client's family documents (upload, share with relatives through the consent
gate, who each is shared with, remove, download). Relatives: what was shared with them and their own uploads,
an upload form, downloads. Every download is an attachment, never cached, and audited."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK

from portal.cases.controllers.api import PageNumber, PerPage
from portal.cases.controllers.common import client_header
from portal.cases.schemas import Page
from portal.errors import Invalid, NotFound
from portal.families import documents, sharing
from portal.families.controllers.messages import (
    UPLOAD_REQUEST_LIMIT,
    client_param,
    download,
    family_context,
    ids_of,
    int_or_none,
)
from portal.forms import form_data
from portal.policy import Action, guard
from portal.web import Pagination, current_principal, page_request, redirect, reject_unknown_query, render


async def chosen_file(request: Request[Any, Any, Any], name: str = "file") -> tuple[bytes, str] | None:
    """(bytes, the name the browser gave) of the chosen file; an empty file is kept, so it is refused by name."""
    form = await request.form()
    value = form.get(name)
    if not isinstance(value, UploadFile) or not value.filename:
        return None
    return await value.read(), value.filename


# --------------------------------------------------------------------------- staff


class ClientDocumentsController(Controller):
    path = "/clients/{client_id:int}/documents"
    include_in_schema = False
    guards = [guard(Action.FAMILY_MANAGE)]

    async def _page(
        self, request: Request[Any, Any, Any], client_id: int, *, status_code: int = 200, **context: Any
    ) -> Template:
        principal = current_principal(request)
        header = await client_header(principal, client_id, "documents")
        params = request.query_params
        paging = page_request(int_or_none(params.get("page")), int_or_none(params.get("per_page")))
        rows, total = await documents.client_documents(principal, client_id, page=paging.page, per_page=paging.per_page)
        audience = await sharing.audience_of(client_id)
        categories = {documents.DEFAULT_CATEGORY, *(row["category"] for row in rows)}
        reach = {
            category: audience.reach("documents", [category], includes_part2=documents.includes_part2(category))
            for category in categories
        }
        context.setdefault("form", {})
        return render(
            request,
            "families/documents_list.html",
            status_code=status_code,
            header=header,
            rows=rows,
            reach=reach,
            default_category=documents.DEFAULT_CATEGORY,
            category_choices=list(documents.DOCUMENT_CATEGORIES.items()),
            categories=documents.DOCUMENT_CATEGORIES,
            chosen=ids_of(context["form"].get("relatives")),
            pagination=Pagination(paging.page, paging.per_page, total, f"/clients/{client_id}/documents", {}),
            **context,
        )

    @get("/")
    async def list_page(self, request: Request[Any, Any, Any], client_id: FromPath[int]) -> Template:
        return await self._page(request, client_id)

    @post(
        "/", status_code=HTTP_200_OK, request_max_body_size=UPLOAD_REQUEST_LIMIT, guards=[guard(Action.CLIENTS_WRITE)]
    )
    async def upload(self, request: Request[Any, Any, Any], client_id: FromPath[int]) -> Template | Redirect:
        data = await form_data(request)
        upload = await chosen_file(request)
        try:
            _, refused = await documents.upload_as_practice(
                current_principal(request), client_id, data, upload, ids_of(data.get("relatives"))
            )
        except Invalid as exc:
            errors = exc.field_errors or {"file": exc.message}
            return await self._page(request, client_id, status_code=400, form=data, errors=errors)
        if refused:
            return await self._page(request, client_id, refused=refused, uploaded=True)
        return redirect(f"/clients/{client_id}/documents", flash="Document uploaded.")

    @post("/{document_id:int}/shares", status_code=HTTP_200_OK, guards=[guard(Action.CLIENTS_WRITE)])
    async def share(
        self, request: Request[Any, Any, Any], client_id: FromPath[int], document_id: FromPath[int]
    ) -> Template | Redirect:
        data = await form_data(request)
        try:
            refused = await documents.share_document(
                current_principal(request), client_id, document_id, ids_of(data.get("relatives"))
            )
        except Invalid as exc:
            message = exc.field_errors.get("relatives", exc.message)
            return await self._page(request, client_id, status_code=400, share_error={document_id: message})
        if refused:
            return await self._page(request, client_id, status_code=403, refused=refused)
        return redirect(f"/clients/{client_id}/documents#document-{document_id}", flash="Shared.")

    @post("/{document_id:int}/remove", status_code=HTTP_200_OK, guards=[guard(Action.CLIENTS_WRITE)])
    async def remove(
        self, request: Request[Any, Any, Any], client_id: FromPath[int], document_id: FromPath[int]
    ) -> Redirect:
        await documents.remove_document(current_principal(request), client_id, document_id)
        return redirect(f"/clients/{client_id}/documents", flash="Document removed from the family space.")

    @get("/{document_id:int}")
    async def download(
        self, request: Request[Any, Any, Any], client_id: FromPath[int], document_id: FromPath[int]
    ) -> Response[bytes]:
        return await download(await documents.file_for_practice(current_principal(request), client_id, document_id))


# --------------------------------------------------------------------------- relatives


class FamilyDocumentsController(Controller):
    path = "/family/documents"
    include_in_schema = False
    guards = [guard(Action.FAMILY_PORTAL)]

    async def _page(self, request: Request[Any, Any, Any], *, status_code: int = 200, **context: Any) -> Template:
        principal = current_principal(request)
        client_id = client_param(request)
        paging = page_request(int_or_none(request.query_params.get("page")), None, default_per_page=20)
        rows, total = await documents.family_documents(
            principal, client_id=client_id, page=paging.page, per_page=paging.per_page
        )
        links = await documents.document_links(principal)
        context.setdefault("form", {"client": str(client_id or (links[0].client_id if links else ""))})
        return render(
            request,
            "families/family_documents.html",
            status_code=status_code,
            rows=rows,
            current_client_id=client_id,
            choices=[(link.client_id, link.client_name) for link in links],
            pagination=Pagination(
                paging.page, paging.per_page, total, "/family/documents", {"client": client_id or ""}
            ),
            **context,
            **await family_context(links, "/family/documents"),
        )

    @get("/")
    async def list_page(self, request: Request[Any, Any, Any]) -> Template:
        return await self._page(request)

    @post("/", status_code=HTTP_200_OK, request_max_body_size=UPLOAD_REQUEST_LIMIT)
    async def upload(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        data = await form_data(request)
        upload = await chosen_file(request)
        try:
            await documents.upload_as_relative(
                current_principal(request), int_or_none(data.get("client")) or 0, data, upload
            )
        except Invalid as exc:
            errors = exc.field_errors or {"file": exc.message}
            return await self._page(request, status_code=400, form=data, errors=errors)
        return redirect("/family/documents", flash="Uploaded. The practice can see it now.")

    @get("/{document_id:int}")
    async def download(self, request: Request[Any, Any, Any], document_id: FromPath[int]) -> Response[bytes]:
        return await download(await documents.file_for_relative(current_principal(request), document_id))


class FamilyDocumentOut(msgspec.Struct):
    id: int
    client_id: int
    client_name: str
    title: str
    file_name: str
    content_type: str
    size_bytes: int
    created_at: datetime
    uploaded_by_you: bool
    url: str


class FamilyDocumentsApiController(Controller):
    path = "/api/v1/family/documents"
    tags = ["family"]
    guards = [guard(Action.FAMILY_PORTAL)]

    @get("/")
    async def list_documents(
        self,
        request: Request[Any, Any, Any],
        page: PageNumber = 1,
        per_page: PerPage = 25,
        client: FromQuery[int | None] = None,
    ) -> Page[FamilyDocumentOut]:
        """Documents shared with the signed-in relative and their own uploads, newest first. Filter: `client`."""
        reject_unknown_query(request, {"client"})
        client_id = None if client is None else int_or_none(client)
        if client is not None and client_id is None:
            raise NotFound("Not found.")
        rows, total = await documents.family_documents(
            current_principal(request), client_id=client_id, page=page, per_page=per_page
        )
        items = [
            FamilyDocumentOut(
                id=r["id"],
                client_id=r["client"],
                client_name=r["client_name"],
                title=r["title"],
                file_name=r["file_name"],
                content_type=r["content_type"],
                size_bytes=r["size_bytes"],
                created_at=r["created_at"],
                uploaded_by_you=r["yours"],
                url=f"/api/v1/family/documents/{r['id']}",
            )
            for r in rows
        ]
        return Page(items=items, page=page, per_page=per_page, total=total)

    @get("/{document_id:int}", media_type="application/octet-stream")
    async def get_document(self, request: Request[Any, Any, Any], document_id: FromPath[int]) -> Response[bytes]:
        """The document itself, as a download (Content-Disposition: attachment; Cache-Control: no-store)."""
        return await download(await documents.file_for_relative(current_principal(request), document_id))
