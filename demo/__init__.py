"""The demo platform of `make run` (composition layer)."""
