"""One Settings object, read from PORTAL_* environment variables.

Everything that differs between a laptop, CI and a production host lives here and nowhere else.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

DEFAULT_SECRET_KEY = "development-secret-key-change-me"  # noqa: S105 - refused in production
PROJECT_ROOT = Path(__file__).resolve().parent.parent


class SettingsError(ValueError):
    """Raised when the configuration cannot run; the message says what to change."""


def _default_var_dir() -> Path:
    return Path(os.environ.get("PORTAL_VAR_DIR", "var"))


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from exc


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _env_moment(name: str) -> datetime | None:
    raw = (os.environ.get(name) or "").strip()
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} must be an ISO 8601 date and time (2026-12-03T15:00:00Z), got {raw!r}") from exc
    if moment.tzinfo is None:
        raise SettingsError(f"{name} must say its UTC offset (…Z or …+00:00), got {raw!r}")
    return moment.astimezone(UTC)


def apply_clock(settings: Settings) -> None:
    """Start the portal's clock at PORTAL_CLOCK_START when it is set (never in production: validate refuses it)."""
    if settings.clock_start is None:
        return
    import logging

    from portal.clock import start_clock_at

    if start_clock_at(settings.clock_start):
        # Loud on purpose: dates of service, deadlines and sessions now follow a chosen day, not the real one.
        logging.getLogger("portal.clock").warning("the clock starts at %s (PORTAL_CLOCK_START)", settings.clock_start)


@dataclass(frozen=True)
class Settings:
    database_url: str
    secret_key: str
    base_url: str
    smtp_url: str | None
    files_dir: Path
    outbox_dir: Path
    env: str = "development"
    session_idle_minutes: int = 30
    session_absolute_hours: int = 12
    mail_from: str = "Harbor Portal <no-reply@localhost>"
    stripe_secret_key: str | None = None
    stripe_api_base: str | None = None
    stripe_webhook_secret: str | None = None
    backup_key: str | None = None
    demo_password: str | None = None
    log_level: str = "INFO"
    # Run the background worker inside the web process (`portal serve --with-worker`, the `make run` default).
    embedded_worker: bool = False
    # Bearer token for scraping /metrics from elsewhere; unset: only from the machine itself (portal.metrics).
    metrics_token: str | None = None
    # Demonstrations and browser journeys only (refused in production): the portal's clock starts at this instant
    # and runs on from there, so a demo or a journey can stand on a chosen day (PORTAL_CLOCK_START, ISO 8601).
    clock_start: datetime | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def https(self) -> bool:
        return self.base_url.startswith("https://")

    @property
    def is_postgres(self) -> bool:
        return self.database_url.startswith(("postgres://", "postgresql://"))

    def validate(self) -> None:
        """Refuse configurations that would be unsafe or cannot work, saying why."""
        if self.env not in {"development", "production"}:
            raise SettingsError(f"PORTAL_ENV must be 'development' or 'production', got {self.env!r}")
        parse_database_url(self.database_url)
        base = urlsplit(self.base_url)
        if base.scheme not in {"http", "https"} or not base.netloc:
            raise SettingsError(f"PORTAL_BASE_URL must be an http(s) URL, got {self.base_url!r}")
        if self.is_production:
            if self.secret_key == DEFAULT_SECRET_KEY or len(self.secret_key) < 32:
                raise SettingsError(
                    "PORTAL_SECRET_KEY must be set to a random value of at least 32 characters in production "
                    "(for example: python -c 'import secrets; print(secrets.token_urlsafe(48))')"
                )
            if not self.https:
                raise SettingsError(
                    f"PORTAL_BASE_URL must start with https:// in production, got {self.base_url!r}: "
                    "session cookies are only sent over TLS"
                )
            if self.clock_start is not None:
                raise SettingsError(
                    "PORTAL_CLOCK_START is for demonstrations and tests and is refused in production: "
                    "dates of service and deadlines must follow the real clock"
                )
        if self.smtp_url is not None:
            smtp = urlsplit(self.smtp_url)
            if smtp.scheme not in {"smtp", "smtps", "smtp+starttls"} or not smtp.hostname:
                raise SettingsError(
                    "PORTAL_SMTP_URL must look like smtp://user:pass@host:port, smtps://… or smtp+starttls://…"
                )


def load_settings() -> Settings:
    var_dir = _default_var_dir()
    settings = Settings(
        database_url=os.environ.get("PORTAL_DATABASE_URL") or f"sqlite:///{var_dir / 'portal.sqlite3'}",
        secret_key=os.environ.get("PORTAL_SECRET_KEY") or DEFAULT_SECRET_KEY,
        base_url=(os.environ.get("PORTAL_BASE_URL") or "http://127.0.0.1:8000").rstrip("/"),
        smtp_url=os.environ.get("PORTAL_SMTP_URL") or None,
        files_dir=Path(os.environ.get("PORTAL_FILES_DIR") or var_dir / "files"),
        outbox_dir=Path(os.environ.get("PORTAL_OUTBOX_DIR") or var_dir / "outbox"),
        env=os.environ.get("PORTAL_ENV", "development"),
        session_idle_minutes=_env_int("PORTAL_SESSION_IDLE_MINUTES", 30),
        session_absolute_hours=_env_int("PORTAL_SESSION_ABSOLUTE_HOURS", 12),
        mail_from=os.environ.get("PORTAL_MAIL_FROM") or "Harbor Portal <no-reply@localhost>",
        stripe_secret_key=os.environ.get("PORTAL_STRIPE_SECRET_KEY") or None,
        stripe_api_base=os.environ.get("PORTAL_STRIPE_API_BASE") or None,
        stripe_webhook_secret=os.environ.get("PORTAL_STRIPE_WEBHOOK_SECRET") or None,
        backup_key=os.environ.get("PORTAL_BACKUP_KEY") or None,
        demo_password=os.environ.get("PORTAL_DEMO_PASSWORD") or None,
        log_level=os.environ.get("PORTAL_LOG_LEVEL", "INFO").upper(),
        embedded_worker=_env_bool("PORTAL_EMBEDDED_WORKER", False),
        metrics_token=os.environ.get("PORTAL_METRICS_TOKEN") or None,
        clock_start=_env_moment("PORTAL_CLOCK_START"),
    )
    settings.validate()
    return settings


@dataclass(frozen=True)
class DatabaseTarget:
    engine: str  # "sqlite" or "postgres"
    path: str | None = None  # SQLite file
    dsn: str | None = None  # PostgreSQL DSN for asyncpg


def parse_database_url(url: str) -> DatabaseTarget:
    """`sqlite:///relative/path`, `sqlite:////absolute/path` or `postgresql://…`."""
    if url.startswith("sqlite:///"):
        path = url[len("sqlite:///") :]
        if not path:
            raise SettingsError("PORTAL_DATABASE_URL sqlite:/// needs a file path")
        return DatabaseTarget(engine="sqlite", path=path)
    if url.startswith(("postgres://", "postgresql://")):
        parts = urlsplit(url)
        if not parts.hostname and "host=" not in (parts.query or ""):
            raise SettingsError(f"PORTAL_DATABASE_URL has no host: {url!r}")
        dsn = "postgresql://" + url.split("://", 1)[1]
        return DatabaseTarget(engine="postgres", dsn=dsn)
    raise SettingsError(
        f"PORTAL_DATABASE_URL must start with sqlite:/// or postgresql:// (got {url.split(':', 1)[0]!r}...)"
    )


_settings: Settings | None = None


def get_settings() -> Settings:
    """The process-wide settings, loaded once."""
    global _settings
    if _settings is None:
        _settings = load_settings()
    return _settings


def override_settings(settings: Settings | None) -> None:
    """Tests and the CLI replace the process-wide settings here."""
    global _settings
    _settings = settings
