"""Celery: tasks run eagerly without Redis; with REDIS_URL they go through the real broker."""

import uuid

import pytest
from django.conf import settings

from tests.conftest import redis_reachable, require_service
from tests.subprocesses import clean_env, run

TEST_QUEUE = "govplatform.tests.ping"


def test_ping_runs_eagerly_by_default(tmp_path):
    script = (
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "from govplatform.tasks import ping\n"
        "assert settings.CELERY_TASK_ALWAYS_EAGER and settings.CELERY_BROKER_URL == 'memory://'\n"
        "print(ping.delay('eager').get(timeout=5))\n"
    )

    result = run(["-c", script], clean_env(tmp_path, DJANGO_SETTINGS_MODULE="govplatform.settings_test"))

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "pong:eager"


@pytest.mark.services
def test_ping_round_trip_through_redis():
    available, reason = redis_reachable(settings.REDIS_URL)
    require_service("Redis", available, reason)
    from celery.contrib.testing.worker import start_worker

    from govplatform.celery import app
    from govplatform.tasks import ping

    assert app.conf.broker_url.startswith("redis://")
    payload = uuid.uuid4().hex
    # The test settings run tasks eagerly; this test sends one through the broker for real.
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    # A queue of the tests' own: a real worker of the platform never takes the task, and a test
    # worker runs only this ping (parallel test processes may answer each other's pings).
    with start_worker(app, pool="solo", perform_ping_check=False, queues=[TEST_QUEUE], shutdown_timeout=10):
        result = ping.apply_async(args=[payload], queue=TEST_QUEUE)
        try:
            assert result.get(timeout=30) == f"pong:{payload}"
        finally:
            result.forget()
            app.conf.task_always_eager = eager
