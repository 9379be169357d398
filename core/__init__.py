"""The lowest layer: the change feed, encrypted fields, web addresses and helpers that import no app."""
