"""Drafts, review, word lists and placements in columns (editorial layer)."""
