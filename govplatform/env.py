"""Reading settings from the environment.

Every setting that differs between a developer's laptop, CI and production comes from an
environment variable; the embedded default (SQLite, eager tasks, files under var/) needs none.
"""

import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    value = value.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"{name}={value!r} is not a boolean (use 1/0, true/false)")


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_path(name: str, default: Path) -> Path:
    return Path(os.environ.get(name) or default).resolve()


def secret_key() -> str:
    """SECRET_KEY from the environment, or generated once into var/secret_key.

    The key is never a literal in the code: a fresh installation makes its own, readable by
    the owner only, and keeps it across restarts so sessions stay valid.
    """
    from_env = os.environ.get("SECRET_KEY")
    if from_env:
        return from_env
    path = VAR_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # Write the key to a private temporary file, then link it into place: os.link fails if the
    # name exists, so two processes starting at once agree on one key and nobody reads a half file.
    key = secrets.token_urlsafe(64)
    temporary = VAR_DIR / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
        handle.flush()
        os.fsync(handle.fileno())
    try:
        os.link(temporary, path)
    except FileExistsError:
        key = path.read_text().strip()
    finally:
        temporary.unlink()
    return key
