"""The administrator-kept table of holidays and make-up working days (调休上班日).

chinese-calendar knows the State Council's announcements up to its release; for a year it does
not know yet (the announcement comes each November), administrators enter the year's days here.
A row also overrides the package for a day it knows (a correction takes effect at once).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarDay(models.Model):
    day = models.DateField(_("date"), unique=True)
    working = models.BooleanField(
        _("working day"), help_text=_("Ticked: a make-up working day; not ticked: a public holiday.")
    )
    name = models.CharField(_("name"), max_length=50, blank=True, help_text=_("For example 春节 or 国庆节调休."))

    class Meta:
        verbose_name = _("holiday or make-up working day")
        verbose_name_plural = _("holidays and make-up working days")
        ordering = ["day"]

    def __str__(self):
        return f"{self.day:%Y-%m-%d} {self.name}".strip()
