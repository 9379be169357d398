from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkdaysConfig(AppConfig):
    """Working days of the official Chinese calendar (节假日安排), for statutory deadlines."""

    name = "workdays"
    verbose_name = _("Working days")
