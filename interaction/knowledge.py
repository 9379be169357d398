"""The knowledge base of citizens' questions (答问知识库, INT-5): a resource kind `qa` registered
with the library's kind classes (resources/kinds_registry.py) from `InteractionConfig.ready()`.

A Q&A entry is a resource like any other: written (by hand, or drafted from an answered letter
marked reusable: `make_entry_from_letter`), edited, reviewed and published through the editorial
workflow into a knowledge-base column (知识库). Its data: the question as citizens ask it, the
answer, and optionally the id of the letter it came from. The search index holds it with its kind
(`qa`), and the public endpoint /search/similar?kind=qa suggests entries while a citizen types a
letter (search/similar.py; interaction only calls the URL from the browser).
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from columns.models import Column
from editorial import drafts
from resources import kinds_registry
from resources.fields import PlainTextField
from resources.kinds import KIND_FORMS, KindForm
from resources.models import Resource, ResourceKind

MAX_QUESTION_CHARS = 2000
MAX_ANSWER_CHARS = 10_000
# The column type of a site's knowledge base (答问知识库): where entries drawn from letters go.
KNOWLEDGE_COLUMN_TYPE = "知识库"
# Letters whose answer has been reviewed (published, or kept private): LetterStatus values.
REVIEWED_STATUSES = ("published", "closed")


class QAForm(KindForm):
    """The data of one Q&A entry (INT-5)."""

    kind = ResourceKind.QA

    question = PlainTextField(
        label=_("question"),
        max_length=MAX_QUESTION_CHARS,
        multiline=True,
        help_text=_("The question as citizens ask it, without anyone's personal details."),
        error_messages={"required": _("Write the question.")},
    )
    answer = PlainTextField(
        label=_("answer"),
        max_length=MAX_ANSWER_CHARS,
        multiline=True,
        help_text=_("The answer: what to do, where, with which documents; one paragraph per line."),
        error_messages={"required": _("Write the answer.")},
    )
    source_letter = forms.IntegerField(
        label=_("source letter"),
        required=False,
        min_value=1,
        help_text=_("The number of the letter this entry was drawn from, if any (kept for the record)."),
        error_messages={"invalid": _("Give the letter's number in digits, or leave it empty.")},
    )

    def to_json(self) -> dict:
        result = super().to_json()
        result["source_letter"] = self.cleaned_data.get("source_letter")  # an integer or None
        return result


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in str(text or "").splitlines() if line.strip()]


class QA(kinds_registry.Kind):
    kind = ResourceKind.QA
    form = QAForm
    help_text = _("A question citizens ask and its answer, for the knowledge base (答问知识库).")
    page_template = "interaction_qa.html"

    @classmethod
    def page_context(cls, data: dict, site) -> dict:
        return {"qa": {"question": _paragraphs(data.get("question")), "answer": _paragraphs(data.get("answer"))}}


def register() -> None:
    """Give the library the form and class of the Q&A kind."""
    KIND_FORMS[QA.kind] = QA.form
    kinds_registry.register(QA)


def knowledge_column(site) -> Column | None:
    """The site's knowledge-base column (column type 知识库), the first by position."""
    return Column.objects.filter(site=site, column_type=KNOWLEDGE_COLUMN_TYPE).order_by("tree_id", "lft").first()


def entry_of_letter(letter) -> Resource | None:
    """The Q&A entry already drawn from `letter`, if any."""
    return (
        Resource.objects.filter(site=letter.site, kind=QA.kind, current_revision__data__source_letter=letter.pk)
        .order_by("id")
        .first()
    )


@transaction.atomic
def make_entry_from_letter(letter, acting_user) -> Resource:
    """A draft Q&A entry from an answered letter marked reusable (INT-5): the letter's title, text
    and answer, its number kept as the source, in the site's knowledge-base column; an editor then
    removes anything personal, and it is reviewed and published like every resource. The editorial
    action checks that `acting_user` may write on the site and records the creation (audit)."""
    if not letter.reusable:
        raise ValidationError(gettext("This letter's answer is not marked as reusable."), code="not_reusable")
    if letter.status not in REVIEWED_STATUSES or not letter.answer.strip():
        raise ValidationError(gettext("Only a letter whose answer has been reviewed can become an entry."),
                              code="not_answered")  # fmt: skip
    if entry_of_letter(letter) is not None:
        raise ValidationError(gettext("An entry has already been drawn from this letter."), code="exists")
    column = knowledge_column(letter.site)
    if column is None:
        raise ValidationError(
            gettext("This site has no knowledge-base column (column type 知识库): create one first."),
            code="no_column",
        )
    return drafts.create_resource(
        letter.site, QA.kind, title=letter.title, column=column, acting_user=acting_user,
        data={"question": letter.body, "answer": letter.answer, "source_letter": letter.pk},
    )  # fmt: skip
