"""Settings come from the environment; production settings pass Django's deployment checks."""

import os
import stat

import pytest
from django.db import connection

from govplatform import env
from tests.conftest import require_service
from tests.subprocesses import clean_env, run


def test_deploy_check_passes_in_production(tmp_path):  # SEC-3, SEC-4
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        clean_env(tmp_path, DEBUG="0", DJANGO_SETTINGS_MODULE="govplatform.settings"),
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_fails_with_debug_on(tmp_path):  # the check above can fail
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        clean_env(tmp_path, DEBUG="1", DJANGO_SETTINGS_MODULE="govplatform.settings"),
    )

    assert result.returncode != 0
    assert "DEBUG" in result.stdout + result.stderr


@pytest.fixture
def var_dir(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    directory = tmp_path / "var"
    monkeypatch.setattr(env, "VAR_DIR", directory)
    return directory


def test_secret_key_is_generated_once_into_var(var_dir):  # SEC-4
    key = env.secret_key()

    path = var_dir / "secret_key"
    assert path.read_text().strip() == key
    assert len(key) >= 50
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert env.secret_key() == key  # reused: sessions survive a restart


def test_each_installation_gets_its_own_secret_key(tmp_path, monkeypatch):  # SEC-4
    monkeypatch.delenv("SECRET_KEY", raising=False)
    keys = set()
    for name in ("one", "two"):
        monkeypatch.setattr(env, "VAR_DIR", tmp_path / name)
        keys.add(env.secret_key())

    assert len(keys) == 2


def test_secret_key_from_the_environment_wins(var_dir, monkeypatch):  # SEC-4
    monkeypatch.setenv("SECRET_KEY", "k" * 60)

    assert env.secret_key() == "k" * 60
    assert not (var_dir / "secret_key").exists()


def test_boolean_settings_are_strict(monkeypatch):
    monkeypatch.setenv("DEBUG", "yes")
    assert env.env_bool("DEBUG", False) is True
    monkeypatch.setenv("DEBUG", "0")
    assert env.env_bool("DEBUG", True) is False
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(ValueError, match="DEBUG"):
        env.env_bool("DEBUG", False)


def test_list_settings_are_comma_separated(monkeypatch):
    monkeypatch.setenv("BACKOFFICE_HOSTS", " admin.bd.gov.cn , ,localhost")

    assert env.env_list("BACKOFFICE_HOSTS", []) == ["admin.bd.gov.cn", "localhost"]
    assert env.env_list("NOT_SET_AT_ALL", ["x"]) == ["x"]


@pytest.mark.services
@pytest.mark.django_db
def test_required_services_mean_postgresql():  # DESIGN: CI runs on real PostgreSQL
    require_service(
        "PostgreSQL",
        connection.vendor == "postgresql",
        f"the tests run on {connection.vendor} (DATABASE_URL={os.environ.get('DATABASE_URL', 'unset')})",
    )

    with connection.cursor() as cursor:
        cursor.execute("select version()")
        assert "PostgreSQL" in cursor.fetchone()[0]
