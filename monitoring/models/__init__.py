"""The monitoring app's models, one module per part (exported here)."""
