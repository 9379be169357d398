from celery import shared_task


@shared_task(name="govplatform.ping")
def ping(payload: str) -> str:
    """A round trip through the broker: used by health checks and the CI test of the real Redis."""
    return f"pong:{payload}"
