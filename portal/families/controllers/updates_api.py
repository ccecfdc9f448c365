"""The update endpoints of the JSON API: a relative's feed and updates (`/api/v1/family/updates`), and the
practice's drafts, preview and publishing (`/api/v1/clients/{client_id}/updates`). Lists paginate with `page`
and `per_page`; every id one may not see answers 404."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from portal.cases.controllers.api import PageNumber, PerPage
from portal.cases.schemas import Page
from portal.families import update_feed, update_receipts, updates
from portal.families.update_recipients import BASE_CATEGORY, Outcome
from portal.families.update_schemas import (
    AttachmentOut,
    FamilyUpdateItem,
    FamilyUpdateOut,
    OutcomeOut,
    PublishOut,
    ReceiptOut,
    UpdateCreate,
    UpdateListItem,
    UpdateOut,
    UpdatePatch,
    UpdateRef,
)
from portal.policy import Action, guard
from portal.web import current_principal, reject_unknown_query


def _attachments(base: str, rows: list[dict[str, Any]]) -> list[AttachmentOut]:
    return [
        AttachmentOut(
            id=a["id"],
            name=a["name"],
            content_type=a["content_type"],
            size_bytes=a["size_bytes"],
            download_url=f"{base}/attachments/{a['id']}",
        )
        for a in rows
    ]


def _outcome(o: Outcome) -> OutcomeOut:
    return OutcomeOut(relative_id=o.relative_id, name=o.name, reason=o.reason, message=o.message)


class FamilyUpdatesApiController(Controller):
    path = "/api/v1/family/updates"
    tags = ["family"]
    guards = [guard(Action.FAMILY_PORTAL)]

    @get("/")
    async def list_updates(
        self,
        request: Request[Any, Any, Any],
        page: PageNumber = 1,
        per_page: PerPage = 20,
        client: FromQuery[int | None] = None,
    ) -> Page[FamilyUpdateItem]:
        """The signed-in relative's updates, newest first. Filter: `client` (one loved one)."""
        reject_unknown_query(request, {"client"})
        feed = await update_feed.feed(current_principal(request), client_id=client, page=page, per_page=per_page)
        items = [
            FamilyUpdateItem(
                id=item["id"],
                client_id=item["client_id"],
                title=item["title"],
                published_at=item["published_at"],
                read=item["read"],
                is_follow_up=item["is_follow_up"],
                attachments=item["attachments"],
            )
            for item in feed.items
        ]
        return Page(items=items, page=page, per_page=per_page, total=feed.total)

    @get("/{update_id:int}")
    async def get_update(self, request: Request[Any, Any, Any], update_id: FromPath[int]) -> FamilyUpdateOut:
        """One update; the first time it is fetched it is marked read."""
        update = await update_feed.read_update(current_principal(request), update_id)

        def ref(row: dict[str, Any]) -> UpdateRef:
            return UpdateRef(id=row["id"], title=row["title"], published_at=row["published_at"])

        return FamilyUpdateOut(
            id=update["id"],
            client_id=update["client_id"],
            title=update["title"],
            body_html=update["body_html"],
            body_text=update["body_text"],
            published_at=update["published_at"],
            read_at=update["read_at"],
            attachments=_attachments(f"/family/updates/{update_id}", update["attachments"]),
            follows_up=ref(update["follows_up"]) if update["follows_up"] else None,
            follow_ups=[ref(f) for f in update["follow_ups"]],
            part2_notice=update["part2_notice"],
            consent_summary=update["consent_summary"],
        )


def _form_of(data: dict[str, Any]) -> dict[str, Any]:
    """API input in the shape the service checks (the one a form posts)."""
    relative_ids = data.get("relative_ids") or []
    return {
        "title": data.get("title", ""),
        "body": data.get("body", ""),
        "categories": [c for c in data.get("categories") or [] if c != BASE_CATEGORY],
        "recipients": "chosen" if relative_ids else "all",
        "relatives": [str(i) for i in relative_ids],
    }


class ClientUpdatesApiController(Controller):
    path = "/api/v1/clients/{client_id:int}/updates"
    tags = ["family"]
    guards = [guard(Action.FAMILY_MANAGE)]

    async def _update(self, request: Request[Any, Any, Any], client_id: int, update_id: int) -> UpdateOut:
        row = await update_receipts.get_update(current_principal(request), client_id, update_id)
        return UpdateOut(
            id=row["id"],
            client_id=row["client"],
            title=row["title"],
            body_html=row["body_html"],
            status=row["status"],
            categories=row["categories"],
            relative_ids=row["intended_relatives"],
            follows_up_id=row["follows_up"],
            started_from_note_id=row["started_from_note"],
            author=row["author_name"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            published_at=row["published_at"],
            attachments=_attachments(f"/clients/{client_id}/updates/{update_id}", row["attachments"]),
            receipts=[
                ReceiptOut(
                    relative_id=r["relative"], name=r["name"], delivered_at=r["delivered_at"], read_at=r["read_at"]
                )
                for r in row["receipts"]
            ],
            preview=[_outcome(o) for o in row["outcomes"]],
        )

    @get("/")
    async def list_updates(
        self, request: Request[Any, Any, Any], client_id: FromPath[int], page: PageNumber = 1, per_page: PerPage = 25
    ) -> Page[UpdateListItem]:
        """The client's updates: drafts first, then published ones newest first, with recipient and read counts."""
        reject_unknown_query(request, set())
        rows, total = await update_receipts.list_updates(
            current_principal(request), client_id, page=page, per_page=per_page
        )
        items = [
            UpdateListItem(
                id=r["id"],
                title=r["title"],
                status=r["status"],
                categories=r["categories"],
                updated_at=r["updated_at"],
                published_at=r["published_at"],
                follows_up_id=r["follows_up"],
                recipients=r["recipients"],
                read=r["read"],
            )
            for r in rows
        ]
        return Page(items=items, page=page, per_page=per_page, total=total)

    @post("/", status_code=HTTP_201_CREATED, guards=[guard(Action.CLIENTS_WRITE)])
    async def create_update(
        self, request: Request[Any, Any, Any], client_id: FromPath[int], data: JSONBody[UpdateCreate]
    ) -> UpdateOut:
        """Write a draft. `relative_ids` empty: every relative with access to updates when it is published."""
        update_id = await updates.create_update(
            current_principal(request),
            client_id,
            _form_of(msgspec.structs.asdict(data)),
            follows_up=data.follows_up_id,
            from_note=data.started_from_note_id,
        )
        return await self._update(request, client_id, update_id)

    @get("/{update_id:int}")
    async def get_update(
        self, request: Request[Any, Any, Any], client_id: FromPath[int], update_id: FromPath[int]
    ) -> UpdateOut:
        """One update: a draft with the preview of who would receive it now, or a published one with receipts."""
        return await self._update(request, client_id, update_id)

    @patch("/{update_id:int}", guards=[guard(Action.CLIENTS_WRITE)])
    async def edit_update(
        self,
        request: Request[Any, Any, Any],
        client_id: FromPath[int],
        update_id: FromPath[int],
        data: JSONBody[UpdatePatch],
    ) -> UpdateOut:
        """Change a draft; a published update answers 409 (corrections are follow-ups)."""
        principal = current_principal(request)
        current = await update_receipts.get_update(principal, client_id, update_id)
        merged = {
            "title": current["title"],
            "body": current["body_html"],
            "categories": current["categories"],
            "relative_ids": current["intended_relatives"],
            **{k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET},
        }
        await updates.edit_update(principal, client_id, update_id, _form_of(merged))
        return await self._update(request, client_id, update_id)

    @post("/{update_id:int}/publish", status_code=HTTP_200_OK, guards=[guard(Action.CLIENTS_WRITE)])
    async def publish_update(
        self, request: Request[Any, Any, Any], client_id: FromPath[int], update_id: FromPath[int]
    ) -> PublishOut:
        """Publish a draft through the consent gate: who received it, and who did not with a reason code."""
        result = await updates.publish_update(current_principal(request), client_id, update_id)
        return PublishOut(
            update=await self._update(request, client_id, update_id),
            received=[_outcome(o) for o in result.received],
            not_received=[_outcome(o) for o in result.not_received],
        )
