"""The monitoring app's models, one module per part (exported here)."""
from monitoring.models.checks import CheckRun, LineResult, Trigger  # noqa: F401 (part A)
from monitoring.models.alerts import Alert  # noqa: F401 (part G)
