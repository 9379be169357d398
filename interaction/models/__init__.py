"""The interaction app's models, one module per part (exported here)."""
