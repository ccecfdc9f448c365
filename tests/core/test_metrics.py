"""`/metrics`: Prometheus text with request counts and latencies by route template, the outbox's depth and failed
e-mail read at each scrape; only from the machine itself or with the bearer token; no client data in a label."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families

from tests.support.http import PortalClient


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(text: str, name: str, **labels: str) -> float:
    found = samples(text)
    return next(
        (v for (n, ls), v in found.items() if n == name and all(dict(ls).get(k) == w for k, w in labels.items())),
        0.0,
    )


async def scrape(client: PortalClient, **kwargs: Any) -> httpx.Response:
    return await client.get("/metrics", **kwargs)


async def test_metrics_count_requests_by_route_template_with_latency(client: PortalClient, casey: dict, jordan: dict):
    await client.login_as(casey)
    before = (await scrape(client)).text
    route = "/api/v1/clients/{client_id}"
    start = value(before, "portal_requests_total", path=route, method="GET", status_code="200")
    for _ in range(3):
        assert (await client.get(f"/api/v1/clients/{jordan['id']}")).status_code == 200
    response = await scrape(client)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert value(text, "portal_requests_total", path=route, method="GET", status_code="200") == start + 3
    assert value(text, "portal_request_duration_seconds_count", path=route, method="GET", status_code="200") >= 3
    assert "portal_request_duration_seconds_bucket" in text


async def test_labels_carry_route_templates_never_ids_names_or_query_strings(
    app: Any, client: PortalClient, casey: dict, jordan: dict
):
    await client.login_as(casey)
    await client.get(f"/api/v1/clients/{jordan['id']}")
    await client.get("/api/v1/clients", params={"q": "Jordan Rivera"})
    await client.get("/clients/no-such-page-Jordan-Rivera")
    text = (await scrape(client)).text
    paths = {dict(labels).get("path") for (_, labels) in samples(text)} - {None}
    templates = {route.path_format for route in app.routes}
    assert {"/api/v1/clients", "/api/v1/clients/{client_id}"} <= paths
    assert paths <= templates, paths - templates
    assert f"/api/v1/clients/{jordan['id']}" not in paths
    assert "Jordan" not in text and "Rivera" not in text


async def test_outbox_depth_and_failed_email_are_read_at_each_scrape(client: PortalClient, casey: dict):
    from portal.mail.tables import OutboxMessage

    now = datetime.now(UTC)

    def message(n: int, status: str) -> OutboxMessage:
        return OutboxMessage(
            message_id=f"<metrics-{n}@test>",
            to_address="x@example.com",
            subject="s",
            body_text="b",
            status=status,
            next_attempt_at=now,
            created_at=now,
        )

    before = (await scrape(client)).text
    pending, failed = value(before, "portal_outbox_pending"), value(before, "portal_emails_failed")
    await OutboxMessage.insert(
        message(1, "pending"), message(2, "pending"), message(3, "failed"), message(4, "uncertain"), message(5, "sent")
    )
    text = (await scrape(client)).text
    assert value(text, "portal_outbox_pending") == pending + 2
    assert value(text, "portal_emails_failed") == failed + 2
    assert value(text, "portal_outbox_messages", status="sent") >= 1
    assert 'portal_jobs_queued{kind="billing_run"}' in text
    assert 'portal_jobs_queued{kind="program_import"}' in text


async def test_only_the_machine_itself_may_scrape_without_a_token(client: PortalClient, other_client: PortalClient):
    assert (await scrape(client)).status_code == 200
    assert (await scrape(other_client)).status_code == 404
    # Through a reverse proxy on the same host: the request came from elsewhere.
    assert (await scrape(client, headers={"X-Forwarded-For": "203.0.113.9"})).status_code == 404


async def test_with_a_token_set_the_bearer_token_is_required_from_anywhere(
    client: PortalClient, other_client: PortalClient, settings_override: Any
):
    settings_override(metrics_token="s3cret-metrics-token")
    assert (await scrape(client)).status_code == 404
    assert (await scrape(other_client, headers={"Authorization": "Bearer wrong"})).status_code == 404
    assert (await scrape(other_client, headers={"Authorization": "Basic s3cret-metrics-token"})).status_code == 404
    ok = await scrape(other_client, headers={"Authorization": "Bearer s3cret-metrics-token"})
    assert ok.status_code == 200
    assert "portal_outbox_pending" in ok.text


async def test_a_signed_in_session_is_not_a_way_in(other_client: PortalClient, olivia: dict):
    await other_client.login_as(olivia)
    assert (await scrape(other_client)).status_code == 404


async def test_metrics_are_not_in_the_api_document(client: PortalClient):
    document = (await client.get("/schema/openapi.json")).json()
    assert "/metrics" not in document["paths"]
