"""URLs of the back office, served only on BACKOFFICE_HOSTS (SEC-3)."""

from django.urls import include, path
from django.views.generic import RedirectView

from govplatform.admin_site import backoffice

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", backoffice.urls),
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
]
