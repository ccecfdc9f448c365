"""The `portal` command against a database of its own: users, demo, refusing unsafe production settings."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.scratch import ScratchDatabase, create_scratch_database


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ScratchDatabase]:
    database = create_scratch_database(tmp_path_factory.mktemp("cli"))
    yield database
    database.drop()


def test_user_create_list_and_deactivate(scratch: ScratchDatabase) -> None:
    created = scratch.cli(
        "user",
        "create",
        "Dana@Example.com",
        "--role",
        "case_manager",
        "--name",
        "Dana Reyes",
        "--password-stdin",
        stdin="a long enough password\n",
    )
    assert created.returncode == 0, created.stderr
    assert "Created dana@example.com (case_manager)." in created.stdout

    listed = scratch.cli("user", "list")
    assert listed.returncode == 0
    line = next(line for line in listed.stdout.splitlines() if line.startswith("dana@example.com"))
    assert "case_manager" in line and "active" in line and "Dana Reyes" in line

    deactivated = scratch.cli("user", "deactivate", "dana@example.com")
    assert deactivated.returncode == 0
    assert "deactivated" in next(l for l in scratch.cli("user", "list").stdout.splitlines() if "dana@" in l)  # noqa: E741


def test_user_create_refuses_bad_input_with_a_message_and_exit_1(scratch: ScratchDatabase) -> None:
    weak = scratch.cli("user", "create", "weak@example.com", "--role", "billing", "--password-stdin", stdin="short\n")
    assert weak.returncode == 1
    assert "Error: password: Use at least 12 characters." in weak.stderr
    bad_email = scratch.cli(
        "user",
        "create",
        "not-an-email",
        "--role",
        "billing",
        "--password-stdin",
        stdin="a long enough password\n",
    )
    assert bad_email.returncode == 1 and "valid e-mail" in bad_email.stderr
    bad_role = scratch.cli("user", "create", "x@example.com", "--role", "admin", "--password-stdin", stdin="x\n")
    assert bad_role.returncode == 2 and "Invalid value for '--role'" in bad_role.stderr
    unknown = scratch.cli("user", "deactivate", "nobody@example.com")
    assert unknown.returncode == 1 and "No account for nobody@example.com" in unknown.stderr


def test_the_password_can_come_from_a_prompt(scratch: ScratchDatabase) -> None:
    prompted = scratch.cli(
        "user",
        "create",
        "prompted@example.com",
        "--role",
        "billing",
        stdin="a long enough password\na long enough password\n",
    )
    assert prompted.returncode == 0, prompted.stderr


def test_production_refuses_to_start_with_unsafe_settings(tmp_path: Path) -> None:
    scratch = ScratchDatabase(url=f"sqlite:///{tmp_path / 'p.sqlite3'}", directory=tmp_path)
    env_overrides = {
        "PORTAL_ENV": "production",
        "PORTAL_SECRET_KEY": "",
        "PORTAL_BASE_URL": "https://p.example.org",
    }
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "portal.cli", "migrate"],
        capture_output=True,
        text=True,
        env={**scratch.env, **env_overrides},
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "PORTAL_SECRET_KEY must be set" in result.stderr
    env_overrides.update(PORTAL_SECRET_KEY="s" * 40, PORTAL_BASE_URL="http://p.example.org")
    result = subprocess.run(
        [sys.executable, "-m", "portal.cli", "serve"],
        capture_output=True,
        text=True,
        env={**scratch.env, **env_overrides},
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "must start with https://" in result.stderr


def test_demo_loads_the_practice_once_and_prints_the_sign_ins(tmp_path: Path) -> None:
    scratch = create_scratch_database(tmp_path)
    try:
        loaded = scratch.cli("demo")
        assert loaded.returncode == 0, loaded.stderr
        assert "Harbor Case Management" in loaded.stdout
        for email in (
            "olivia@example.com",
            "casey@example.com",
            "morgan@example.com",
            "bea@example.com",
            "pat@example.com",
            "sam@example.com",
        ):
            assert email in loaded.stdout
        password = loaded.stdout.split("password for everyone: ", 1)[1].split(")", 1)[0]
        assert len(password) >= 12
        again = scratch.cli("demo")
        assert again.returncode == 1 and "only loads into an empty database" in again.stderr
        if_empty = scratch.cli("demo", "--if-empty")
        assert if_empty.returncode == 0 and password in if_empty.stdout  # the sign-ins, printed again
        users = scratch.cli("user", "list").stdout
        assert "olivia@example.com" in users and "owner" in users
    finally:
        scratch.drop()
