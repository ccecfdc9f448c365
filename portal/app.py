"""create_app(): plugins, middleware and every domain's controllers, registered in one place."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader, select_autoescape
from litestar import Litestar
from litestar.config.csrf import CSRFConfig
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.plugins.htmx import HTMXPlugin
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from portal import __version__
from portal.accounts.account_controllers import AccountController, MfaSetupController
from portal.accounts.controllers import AuthApiController, SignInController
from portal.accounts.users_controllers import UsersController
from portal.audit.controllers import AuditController
from portal.billing.routes import BILLING_ROUTE_HANDLERS
from portal.cases.routes import CASES_ROUTE_HANDLERS
from portal.core.controllers import HomeController, PracticeSettingsController
from portal.db import close_pool, start_pool
from portal.errors_http import EXCEPTION_HANDLERS
from portal.families.routes import FAMILIES_ROUTE_HANDLERS
from portal.logging_setup import configure_logging
from portal.metrics import MetricsController, metrics_middleware
from portal.middleware import AccessLogMiddleware, AuthenticationMiddleware, security_headers
from portal.network import geo
from portal.network.routes import NETWORK_ROUTE_HANDLERS
from portal.operations.controllers_emergency import EmergencyAccessController
from portal.operations.controllers_export import ClientExportController
from portal.operations.controllers_retention import RetentionController
from portal.settings import Settings, apply_clock, get_settings
from portal.templating import register_filters
from portal.worker import run_forever

PACKAGE_DIR = Path(__file__).resolve().parent
DOMAINS_WITH_TEMPLATES = ["accounts", "audit", "core", "cases", "families", "billing", "network", "operations"]

# The Stripe webhook authenticates by signature, not by cookie: it is exempt from CSRF and nothing else.
CSRF_EXEMPT_PATHS = ["/api/v1/billing/stripe/webhook"]


def template_environment() -> Environment:
    loader = ChoiceLoader(
        [
            FileSystemLoader(PACKAGE_DIR / "templates"),
            PrefixLoader({name: FileSystemLoader(PACKAGE_DIR / name / "templates") for name in DOMAINS_WITH_TEMPLATES}),
        ]
    )
    environment = Environment(loader=loader, autoescape=select_autoescape(default=True), enable_async=False)
    register_filters(environment)
    return environment


def route_handlers() -> list[Any]:
    return [
        HomeController,
        SignInController,
        AuthApiController,
        AccountController,
        MfaSetupController,
        UsersController,
        PracticeSettingsController,
        AuditController,
        *CASES_ROUTE_HANDLERS,
        *FAMILIES_ROUTE_HANDLERS,
        *NETWORK_ROUTE_HANDLERS,
        *BILLING_ROUTE_HANDLERS,
        ClientExportController,
        EmergencyAccessController,
        RetentionController,
        MetricsController,
        create_static_files_router(path="/static", directories=[PACKAGE_DIR / "static"], include_in_schema=False),
    ]


@asynccontextmanager
async def database_lifespan(_: Litestar) -> AsyncIterator[None]:
    await start_pool()
    # Load the ZIP centroids in the background so the first radius search is not the one that waits for them.
    warming = asyncio.get_running_loop().run_in_executor(None, geo.warm_up)
    stop = asyncio.Event()
    worker_task = asyncio.create_task(run_forever(stop)) if get_settings().embedded_worker else None
    try:
        yield
    finally:
        if worker_task is not None:
            stop.set()
            await worker_task
        await warming
        await close_pool()


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or get_settings()
    settings.validate()
    apply_clock(settings)
    configure_logging(settings.log_level)
    csrf_secret = hashlib.sha256(b"portal-csrf\x00" + settings.secret_key.encode()).hexdigest()
    return Litestar(
        route_handlers=route_handlers(),
        middleware=[
            metrics_middleware(),
            DefineMiddleware(AuthenticationMiddleware),
            DefineMiddleware(AccessLogMiddleware),
        ],
        before_send=[security_headers],
        csrf_config=CSRFConfig(
            secret=csrf_secret,
            cookie_name="csrftoken",
            header_name="x-csrftoken",
            cookie_secure=settings.https,
            cookie_samesite="lax",
            exclude=CSRF_EXEMPT_PATHS,
        ),
        template_config=TemplateConfig(engine=JinjaTemplateEngine.from_environment(template_environment())),
        openapi_config=OpenAPIConfig(
            title="Harbor Portal API",
            version=__version__,
            path="/schema",
            render_plugins=[JsonRenderPlugin()],
            use_handler_docstrings=True,
            description="JSON API of the portal. Sign in with POST /api/v1/auth/login; send the csrftoken "
            "cookie's value as the x-csrftoken header on every POST, PATCH, PUT and DELETE.",
        ),
        exception_handlers=EXCEPTION_HANDLERS,
        plugins=[HTMXPlugin()],
        lifespan=[database_lifespan],
        request_max_body_size=20 * 1024 * 1024,
        debug=False,
    )
