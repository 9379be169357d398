"""What the public process answers: published files, offline and redirect answers (features layer)."""
