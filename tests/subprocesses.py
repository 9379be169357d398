"""Running manage.py or Python in a child process with a controlled environment."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def clean_env(tmp_path, **overrides) -> dict:
    """The current environment without the service URLs, with VAR_DIR in tmp_path and a SECRET_KEY."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG", "SECRET_KEY"}}
    env.update(VAR_DIR=str(tmp_path), SECRET_KEY=secrets.token_urlsafe(64), PYTHONPATH=str(BASE_DIR))
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


def run(args, env, timeout=120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=timeout
    )
