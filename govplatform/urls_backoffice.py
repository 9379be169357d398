"""URLs of the back office, served only on BACKOFFICE_HOSTS (SEC-3)."""

from django.conf import settings
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from backoffice import media_views
from backoffice.site import backoffice

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", backoffice.urls),
    # Uploads, for back-office users only (nginx serves them in production, SEC-7).
    re_path(
        rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.+)$",
        backoffice.admin_view(media_views.media_file),
        name="media",
    ),
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
]

# An unreachable database answers 503 with a page that needs none (govplatform/errors.py).
handler500 = "govplatform.errors.server_error"
