"""Lines of the daily check (monitoring/lines.py): being written."""
