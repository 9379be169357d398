"""Template filters that show stored codes as words (issue 14 item 6)."""

from django import template

from resources.sniff import type_label

register = template.Library()


@register.filter
def file_type(content_type: str) -> str:
    """A stored media type ("application/pdf", "text/html") as people name it ("PDF", "网页")."""
    return type_label(content_type)
