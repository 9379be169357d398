"""Users, sign-in and two-factor login; platform administrators (core layer)."""
