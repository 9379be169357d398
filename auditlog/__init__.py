"""The append-only audit log with typed event kinds (core layer)."""
