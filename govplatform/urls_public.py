"""URLs of the public process: published pages and the few dynamic citizen endpoints (SEC-3).

No back-office URL is mounted here.
"""

from django.urls import path, re_path

from disclosure import public_views as disclosure_views
from interaction import account_views as citizen_views
from interaction import error_report_views, letter_views
from interaction import public_pages as interaction_pages
from public import views as public_views
from search import views as search_views

urlpatterns = [
    path("-/health", public_views.health, name="public-health"),
    path("search/", search_views.search_page, name="search"),
    path("search/suggest", search_views.suggest_view, name="search-suggest"),
    path("search/suggest.js", search_views.suggest_script, name="search-suggest-script"),
    path("search/similar", search_views.similar_view, name="search-similar"),
    path("search/similar.js", search_views.similar_script, name="search-similar-script"),
    path("search/search.css", search_views.search_styles, name="search-styles"),
    path("search/click", search_views.click, name="search-click"),
    path("disclosure/apply/", disclosure_views.apply, name="disclosure-apply"),
    path("disclosure/status/", disclosure_views.status, name="disclosure-status"),
    path("disclosure/status/file/", disclosure_views.attachment, name="disclosure-attachment"),
    path("disclosure/disclosure.css", disclosure_views.styles, name="disclosure-styles"),
    path("interaction/account/", citizen_views.home, name="citizen-home"),
    path("interaction/account/register/", citizen_views.register, name="citizen-register"),
    path("interaction/account/verify/", citizen_views.verify, name="citizen-verify"),
    path("interaction/account/login/", citizen_views.login, name="citizen-login"),
    path("interaction/account/logout/", citizen_views.logout, name="citizen-logout"),
    path("interaction/write/<int:channel_id>/", letter_views.write, name="interaction-write"),
    path("interaction/status/", letter_views.status, name="interaction-status"),
    path("interaction/interaction.css", interaction_pages.styles, name="interaction-styles"),
    path("interaction/error-report/", error_report_views.error_report, name="interaction-error-report"),
    re_path(r"^(?P<path>.*)$", public_views.published_file, name="published-file"),
]

# An unreachable database answers 503 with a page that needs none (govplatform/errors.py).
handler500 = "govplatform.errors.server_error"
