"""The files a citizen attaches to a letter (INT-1; issue 16 item 8).

Each file passed the platform's upload checks (resources/uploads.py `check_file`: judged by its
content, images re-encoded, scripts and disguised files refused) and is stored under a name the
platform chooses, in a folder the public sites never serve: the letter's handlers download it
from the back office (the letter's policy), and the writer sees its name on the status page.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from interaction.models.letters import Letter

MAX_LETTER_ATTACHMENTS = 3
MAX_LETTER_ATTACHMENT_BYTES = 10 * 1024 * 1024


class LetterAttachment(models.Model):
    letter = models.ForeignKey(Letter, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to="interaction/letters/%Y/%m/", max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("attachment of a letter")
        verbose_name_plural = _("attachments of letters")
        ordering = ["id"]

    def __str__(self):
        return self.original_name
