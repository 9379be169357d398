"""SEC-1: no default or anonymous management accounts; passwords are random."""

import re
import string
import subprocess
from pathlib import Path

import pytest
from django.contrib.auth.password_validation import validate_password

from accounts import actions
from accounts.models import User
from tests.subprocesses import BASE_DIR, clean_env, run


def test_migrate_creates_no_user(tmp_path):  # SEC-1
    env = clean_env(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'fresh.sqlite3'}",
                    DJANGO_SETTINGS_MODULE="govplatform.settings")  # fmt: skip
    script = (
        "import django; django.setup()\n"
        "from django.core.management import call_command\n"
        "call_command('migrate', verbosity=0, interactive=False)\n"
        "from django.contrib.auth import get_user_model\n"
        "print('users:', get_user_model().objects.count())\n"
    )

    result = run(["-c", script], env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("users: 0")


@pytest.mark.django_db
def test_test_database_holds_no_user():  # SEC-1
    assert not User.objects.exists()


def test_generated_passwords_are_long_and_random():  # SEC-1
    passwords = {actions.generate_password() for _ in range(200)}

    assert len(passwords) == 200
    assert all(len(p) >= 16 for p in passwords)
    characters = set("".join(passwords))
    assert characters & set(string.ascii_lowercase)
    assert characters & set(string.ascii_uppercase)
    assert characters & set(string.digits)
    assert not characters & set("0O1lI")  # nothing to misread when it is handed over


@pytest.mark.django_db
def test_generated_password_passes_the_password_rules():  # SEC-1, SEC-4
    for _ in range(20):
        validate_password(actions.generate_password())


@pytest.mark.django_db
def test_new_account_gets_its_own_random_password(platform_admin):  # SEC-1
    first, first_password = actions.create_user("zhangsan", acting_user=platform_admin)
    second, second_password = actions.create_user("lisi", acting_user=platform_admin)

    assert first_password != second_password
    assert first.check_password(first_password) and not first.check_password(second_password)
    assert not first.password.endswith(first_password)  # stored hashed (SEC-4)


# A password written into the repository: `password = "…"`, `"password": "…"`, PASSWORD=value,
# 默认密码：…, admin/admin, or a literal SECRET_KEY.
LEAKS = [
    re.compile(r"""passw(?:or)?d["']?\s*[:=]\s*["'][^"'\s$%{}<>()]{3,}["']""", re.IGNORECASE),
    re.compile(r"""(?<![{\w])[A-Z][A-Z_]*PASSWORD\s*[:=]\s*["']?(?![$"'\s…<])[^\s"']+"""),
    re.compile(r"(?:默认|初始|缺省)(?:密码|口令)\s*[:：为是]\s*\w"),
    re.compile(r"\badmin\s*[/:]\s*admin\b", re.IGNORECASE),
    re.compile(r"""SECRET_KEY\s*[:=]\s*["'][^"']{8,}["']"""),
    re.compile(r"django-insecure-"),
]
TEXT_SUFFIXES = {".py", ".md", ".txt", ".toml", ".cfg", ".ini", ".yml", ".yaml", ".json", ".html", ".sh", ".env",
                 ".po", ".conf", ""}  # fmt: skip


SKIPPED_DIRS = {".git", ".venv", "venv", "var", "node_modules", "__pycache__", ".ruff_cache", ".pytest_cache"}


def repository_files():
    """The files git knows (tracked or not ignored); every file outside SKIPPED_DIRS without git."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
    )
    if listed.returncode == 0:
        paths = [BASE_DIR / name for name in listed.stdout.split("\0") if name]
    else:  # an exported tree, not a checkout
        paths = [p for p in BASE_DIR.rglob("*") if not SKIPPED_DIRS & set(p.relative_to(BASE_DIR).parts)]
    for path in paths:
        if path.is_file() and (path.suffix in TEXT_SUFFIXES or path.name in {"Makefile", "Dockerfile"}):
            yield path


def test_no_password_or_secret_is_written_in_the_repository():  # SEC-1
    files = list(repository_files())
    found = []
    for path in files:
        if path == Path(__file__).resolve():  # the samples of the test below
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for pattern in LEAKS:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(BASE_DIR)}:{line}: {match.group(0)}")

    assert any(p.name == "settings.py" for p in files)  # the scan saw the code
    assert not found, "\n".join(found)


@pytest.mark.parametrize(
    "text",
    [
        'password = "hunter22"',
        "'password': 'admin123'",
        "DJANGO_SUPERUSER_PASSWORD=admin",
        "默认密码：123456",
        "login with admin/admin",
        'SECRET_KEY = "abcdefghijklmnop"',
    ],  # fmt: skip
)
def test_the_scan_recognises_a_written_password(text):  # SEC-1
    assert any(pattern.search(text) for pattern in LEAKS)
