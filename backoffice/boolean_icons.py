"""Yes/no icons that say 是 / 否 to screen readers (issue 14 item 6).

Django's admin draws a boolean of a list or a read-only field as an icon whose alt text is the
Python value, "True", "False" or "None", in every language (admin_list._boolean_icon; helpers.py
and utils.py import it when they draw). `install()` replaces it, once, with the same icon whose alt
text is translated.
"""

from django.contrib.admin.templatetags import admin_list
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext

ICONS = {True: "yes", False: "no", None: "unknown"}


def boolean_icon(field_val):
    words = {True: gettext("Yes"), False: gettext("No"), None: gettext("Unknown")}
    return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{ICONS[field_val]}.svg"), words[field_val])


def install() -> None:
    admin_list._boolean_icon = boolean_icon
