"""Settings from PORTAL_* variables, and the refusal to run production with unsafe ones."""

from __future__ import annotations

import dataclasses

import pytest

from portal.settings import DEFAULT_SECRET_KEY, Settings, SettingsError, load_settings, parse_database_url

STRONG_KEY = "k" * 48


def production(**changes: object) -> Settings:
    base = load_settings()
    values = {"env": "production", "secret_key": STRONG_KEY, "base_url": "https://portal.example.org"}
    values.update(changes)
    return dataclasses.replace(base, **values)  # type: ignore[arg-type]


def test_production_refuses_the_default_secret_key() -> None:
    with pytest.raises(SettingsError, match="PORTAL_SECRET_KEY"):
        production(secret_key=DEFAULT_SECRET_KEY).validate()


def test_production_refuses_a_short_secret_key() -> None:
    with pytest.raises(SettingsError, match="at least 32 characters"):
        production(secret_key="short").validate()


def test_production_refuses_a_non_https_base_url() -> None:
    with pytest.raises(SettingsError, match="https://"):
        production(base_url="http://portal.example.org").validate()


def test_production_with_safe_settings_is_accepted() -> None:
    production().validate()


def test_development_accepts_the_defaults() -> None:
    dataclasses.replace(load_settings(), secret_key=DEFAULT_SECRET_KEY, base_url="http://127.0.0.1:8000").validate()


@pytest.mark.parametrize(
    ("url", "engine", "where"),
    [
        ("sqlite:///var/portal.sqlite3", "sqlite", "var/portal.sqlite3"),
        ("sqlite:////srv/portal/db.sqlite3", "sqlite", "/srv/portal/db.sqlite3"),
        (
            "postgresql://portal:secret@db:5432/portal",
            "postgres",
            "postgresql://portal:secret@db:5432/portal",
        ),
        ("postgres://portal@db/portal", "postgres", "postgresql://portal@db/portal"),
    ],
)
def test_database_urls(url: str, engine: str, where: str) -> None:
    target = parse_database_url(url)
    assert target.engine == engine
    assert (target.path or target.dsn) == where


@pytest.mark.parametrize("url", ["mysql://x/y", "sqlite://relative", "sqlite:///", ""])
def test_unsupported_database_urls_are_refused_with_a_message(url: str) -> None:
    with pytest.raises(SettingsError, match="PORTAL_DATABASE_URL"):
        parse_database_url(url)


def test_environment_variables_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORTAL_SESSION_IDLE_MINUTES", "15")
    monkeypatch.setenv("PORTAL_SMTP_URL", "smtp://mail.example.org:2525")
    monkeypatch.setenv("PORTAL_FILES_DIR", "/data/files")
    settings = load_settings()
    assert settings.session_idle_minutes == 15
    assert settings.smtp_url == "smtp://mail.example.org:2525"
    assert str(settings.files_dir) == "/data/files"


def test_a_bad_number_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORTAL_SESSION_IDLE_MINUTES", "thirty")
    with pytest.raises(SettingsError, match="PORTAL_SESSION_IDLE_MINUTES must be a whole number"):
        load_settings()


def test_production_refuses_a_chosen_clock() -> None:
    from datetime import UTC, datetime

    with pytest.raises(SettingsError, match="PORTAL_CLOCK_START"):
        production(clock_start=datetime(2026, 12, 3, 15, tzinfo=UTC)).validate()


@pytest.mark.parametrize(
    ("raw", "message"),
    [("next tuesday", "ISO 8601"), ("2026-12-03T15:00:00", "UTC offset")],
)
def test_a_clock_start_that_cannot_be_read_is_refused(monkeypatch: pytest.MonkeyPatch, raw: str, message: str) -> None:
    monkeypatch.setenv("PORTAL_CLOCK_START", raw)
    with pytest.raises(SettingsError, match=message):
        load_settings()


def test_a_clock_start_puts_the_portal_on_that_day_and_lets_it_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """A demo or a browser journey can stand on a chosen day: utcnow() starts there and advances."""
    import time
    from datetime import UTC, datetime

    from portal import clock
    from portal.settings import apply_clock

    monkeypatch.setenv("PORTAL_CLOCK_START", "2026-12-03T10:00:00-05:00")
    settings = load_settings()
    assert settings.clock_start == datetime(2026, 12, 3, 15, tzinfo=UTC)
    previous = clock.current_clock()
    try:
        apply_clock(settings)
        first = clock.utcnow()
        time.sleep(0.01)
        apply_clock(settings)  # the CLI and then the app apply it: the clock keeps running, not restarted
        second = clock.utcnow()
        assert datetime(2026, 12, 3, 15, tzinfo=UTC) <= first < second < datetime(2026, 12, 3, 15, 1, tzinfo=UTC)
        assert clock.local_today("America/New_York").isoformat() == "2026-12-03"
    finally:
        clock.set_clock(previous)
