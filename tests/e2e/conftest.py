"""Browser journeys: the real portal in a subprocess (see harness.py) driven by Debian's chromium.

Fixtures:
- `live_server` (session): `.url`, `.password` (the demo password), `.env`, `.cli("user", "list")`.
  Every e2e test of the session shares its database (loaded with the demo practice), so a test that changes
  a person (turns MFA on, deactivates someone) puts them back or uses someone no other test relies on.
  All browser traffic comes from 127.0.0.1, so the per-IP rate limits (10 failed sign-ins or MFA codes in
  15 minutes) count across the whole e2e session: keep deliberate failures few.
- `browser` (package: closed after the last test under tests/e2e), `page` (desktop, 1280x800),
  `phone_page` and `second_phone_page` (390x844, touch), each page in a fresh context (no cookies shared
  between tests or pages) whose relative URLs resolve against the live server.
- `screenshot(page, "step")` saves tests/e2e/artifacts/<engine>/<test>/<NN>-<step>.png. A failing test
  also leaves a `failure` screenshot of every page it opened.

Without /usr/bin/chromium the journeys are skipped, and fail under CI=true (a skipped journey is not a pass).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e import harness

ENGINE = os.environ.get("PORTAL_TEST_ENGINE", "sqlite")  # tests/conftest.py checks the value
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DESKTOP_VIEWPORT = {"width": 1280, "height": 800}
PHONE_VIEWPORT = {"width": 390, "height": 844}
DEFAULT_TIMEOUT_MS = 10_000
E2E_DIR = Path(__file__).resolve().parent
ARTIFACTS_DIR = E2E_DIR / "artifacts"

Screenshot = Callable[..., Path]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # This hook sees every item of the session, so only the ones under tests/e2e get the marker.
    for item in items:
        if E2E_DIR in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    # Keep each phase's report on the item, so the page fixtures can tell whether the test failed.
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session", autouse=True)
def chromium_executable() -> Path:
    """Runs before the server is started, so a machine without chromium skips (or, in CI, fails) at once."""
    if CHROMIUM.exists() and os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    reason = f"{CHROMIUM} is missing: install it with `apt-get install chromium` (never `playwright install`)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"browser tests cannot run under CI=true: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def live_server() -> Iterator[harness.LiveServer]:
    server = harness.prepare(ENGINE)
    try:
        harness.start(server)
        yield server
    finally:
        harness.cleanup(server)


# The superbill journey's day: November 2026 has ended, been billed, paid, and its superbill issued (December 2nd).
DECEMBER_3 = "2026-12-03T15:00:00Z"


@pytest.fixture(scope="session")
def december_server() -> Iterator[harness.LiveServer]:
    """A second portal whose demo and clock stand on December 3, 2026 (PORTAL_CLOCK_START), whatever today is."""
    server = harness.prepare(ENGINE, extra_env={"PORTAL_CLOCK_START": DECEMBER_3})
    try:
        harness.start(server)
        yield server
    finally:
        harness.cleanup(server)


@pytest.fixture(scope="package")
def browser(chromium_executable: Path) -> Iterator[Any]:
    # Package scope, not session: while Playwright's sync API is alive it keeps an event loop running in this
    # thread, and every later async test (anyio) would fail with "Cannot run the event loop while another
    # loop is running". So the browser closes after the last test under tests/e2e. Inside a journey, use
    # harness.run_async() for async helpers.
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium_executable), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


def _new_page(browser: Any, live_server: harness.LiveServer, **context_options: Any) -> Any:
    context = browser.new_context(base_url=live_server.url, **context_options)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    return context.new_page()


def _close(request: pytest.FixtureRequest, page: Any, name: str) -> None:
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed and not page.is_closed():
        # A screenshot that fails must not hide the test's own failure.
        with contextlib.suppress(Exception):
            page.screenshot(path=str(_artifact_dir(request.node) / f"failure-{name}.png"), full_page=True)
    page.context.close()


@pytest.fixture
def page(browser: Any, live_server: harness.LiveServer, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A desktop page (1280x800) in a fresh browser context."""
    desktop_page = _new_page(browser, live_server, viewport=DESKTOP_VIEWPORT)
    yield desktop_page
    _close(request, desktop_page, "desktop")


@pytest.fixture
def phone_page(browser: Any, live_server: harness.LiveServer, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A phone-sized page (390x844, touch) in a fresh browser context."""
    small_page = _new_page(
        browser, live_server, viewport=PHONE_VIEWPORT, is_mobile=True, has_touch=True, device_scale_factor=2
    )
    yield small_page
    _close(request, small_page, "phone")


@pytest.fixture
def december_phone_page(
    browser: Any, december_server: harness.LiveServer, request: pytest.FixtureRequest
) -> Iterator[Any]:
    """A phone (390x844, touch) on the December 3, 2026 portal."""
    small_page = _new_page(
        browser, december_server, viewport=PHONE_VIEWPORT, is_mobile=True, has_touch=True, device_scale_factor=2
    )
    yield small_page
    _close(request, small_page, "phone")


@pytest.fixture
def second_phone_page(browser: Any, live_server: harness.LiveServer, request: pytest.FixtureRequest) -> Iterator[Any]:
    """Another phone (390x844, touch) in a context of its own: a second relative on their own device."""
    small_page = _new_page(
        browser, live_server, viewport=PHONE_VIEWPORT, is_mobile=True, has_touch=True, device_scale_factor=2
    )
    yield small_page
    _close(request, small_page, "second-phone")


def _artifact_dir(item: pytest.Item) -> Path:
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", item.name).strip("_")
    path = ARTIFACTS_DIR / ENGINE / name
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Screenshot:
    """`screenshot(page, "mfa-setup")` -> artifacts/<engine>/<test>/01-mfa-setup.png (whole page)."""
    directory = _artifact_dir(request.node)
    shutil.rmtree(directory, ignore_errors=True)  # this run's pictures only
    directory.mkdir(parents=True)
    taken = 0

    def take(page: Any, step: str, *, full_page: bool = True) -> Path:
        nonlocal taken
        taken += 1
        slug = re.sub(r"[^a-z0-9]+", "-", step.lower()).strip("-")
        path = directory / f"{taken:02d}-{slug}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return take
