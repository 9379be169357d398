"""URLs of the public process: published pages and the few dynamic citizen endpoints (SEC-3).

No back-office URL is mounted here.
"""

from django.urls import path, re_path

from govplatform import public_views

urlpatterns = [
    path("-/health", public_views.health, name="public-health"),
    re_path(r"^(?P<path>.*)$", public_views.published_file, name="published-file"),
]
