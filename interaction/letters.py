"""The steps of a letter to the government (INT-1, INT-2), one action each.

Each action checks who may act (the policy, interaction/policies.py: the reviewers and
administrators of the site handling the letter) and the state the letter must be in, changes it in
one transaction with its `LetterStep` and its audit entry, recomputes the deadline
(interaction/letter_deadlines.py) and tells the writer (interaction/letter_notices.py: the status
page shows the steps marked `shown`; an e-mail goes out after the commit when an address is known).
Every action takes `now` (default: the present) so that the demo's past letters count from their day.

- submit (public; the form of the public process calls it): received at once; counted from the
  next working day when written on a day off; due after the channel's working days. Returns the
  letter and its query code (shown once, stored hashed).
- forward: to a sub-unit of the handling site (SITE-10), or to the portal or a department site of
  the same portal; the deadline stands (counted from the first receipt).
- answer: the answer text and the replying department; the letter then awaits review. Whether it
  was on time and how many working days it took are kept for the statistics.
- review: by a handler other than the one who answered: `publish` (shown in the channel's public
  listing), `keep_private` (with a `PrivateReason`), or `send_back` (with a reason: answered again).
- unpublish: a published answer withdrawn from the listing, with a reason.
- merge: a letter on the same matter as another open or answered letter of the site is closed into
  it; its writer reads the other letter's answer.

The public listings (interaction's pages, INT-2) are published from the change feed: every action
that changes what a channel's listing or statistics show (submit, answer, publish, unpublish,
keep_private, merge) calls `feed.changed(column_lists=[letter.channel.column_id])`. The publisher then renders
again the pages that depend on that column (its list, its letter pages, the statistics).
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from auditlog import audit
from auditlog.events import AuditEvent
from core import feed
from interaction import letter_attachments, letter_deadlines, letter_notices
from interaction.models.letters import (
    BODY_MAX_LENGTH,
    Channel,
    Letter,
    LetterStatus,
    LetterStep,
    LetterStepKind,
    PrivateReason,
)
from interaction.policies import LETTERS

# Tracking numbers are digits only (the day, then its serial: 202612070001): read out on the
# phone and typed on any keyboard without mistaking letters.
SERIAL_DIGITS = 4
# Query codes: no 0/O, 1/I/L, so that a code read from paper is typed right.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10
WRITER_FIELDS = ("writer_name", "writer_phone", "writer_email", "title", "body")
PUBLISH = "publish"
KEEP_PRIVATE = "keep_private"
SEND_BACK = "send_back"
REVIEW_DECISIONS = (PUBLISH, KEEP_PRIVATE, SEND_BACK)

# --- what every step records ----------------------------------------------------------------


def _present(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _day_of(now: dt.datetime) -> dt.date:
    return timezone.localdate(now)


def _locked(letter: Letter) -> Letter:
    """The letter read again under a row lock, so that two handlers' steps do not interleave."""
    return Letter.objects.select_for_update().select_related("channel", "site").get(pk=letter.pk)


def _refuse(message: str) -> None:
    raise ValidationError(message, code="state")


def _step(letter, kind, *, actor, now, note="", public_note="", shown=True) -> LetterStep:
    return LetterStep.objects.create(
        letter=letter,
        kind=kind,
        actor=actor,
        actor_name=(actor.get_username() if actor is not None else ""),
        at=now,
        on=_day_of(now),
        note=note,
        public_note=public_note,
        shown=shown,
    )


def _finish(letter, step, event: AuditEvent, *, actor, details=None) -> Letter:
    audit.record(event, actor=actor, obj=letter, site=letter.site, details=details)
    letter_notices.notify_after_commit(letter, step)
    return letter


def _listing_changed(letter: Letter) -> None:
    feed.changed(column_lists=[letter.channel.column_id])


# --- the writer -----------------------------------------------------------------------------


def new_query_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _tracking_number(on: dt.date) -> str:
    prefix = f"{on:%Y%m%d}"
    last = (
        Letter.objects.filter(tracking_number__startswith=prefix)
        .order_by("-tracking_number")
        .values_list("tracking_number", flat=True)
        .first()
    )
    serial = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{serial:0{SERIAL_DIGITS}d}"


def submit(
    channel: Channel, data: dict, *, citizen=None, files=(), now: dt.datetime | None = None
) -> tuple[Letter, str]:
    """A citizen's letter (INT-1). Returns (letter, query code): the code is shown once and stored
    only as a hash. Raises ValidationError (by field) when something is missing or too long, when
    an attached file is refused (interaction/letter_attachments.py), or when the channel takes no
    anonymous letters and no account wrote it; the caller keeps what was typed."""
    now = _present(now)
    if not channel.is_open:
        raise ValidationError(_("This channel takes no letters at present."), code="closed")
    if citizen is None and not channel.allows_anonymous:
        raise ValidationError(_("Sign in to write to this channel."), code="account_required")
    values = {name: str(data.get(name) or "").strip() for name in WRITER_FIELDS}
    errors = {}
    for name in ("title", "body"):
        if not values[name]:
            errors[name] = _("This field is required.")
    if len(values["body"]) > BODY_MAX_LENGTH:
        errors["body"] = _("At most %(n)d characters.") % {"n": BODY_MAX_LENGTH}
    try:
        checked = letter_attachments.check(files)
    except ValidationError as refusal:
        errors.update(refusal.message_dict)
    if errors:
        raise ValidationError(errors)
    received_on, unknown_year = letter_deadlines.receipt_day(_day_of(now))
    code = new_query_code()
    for _attempt in range(10):
        try:
            with transaction.atomic():
                letter = Letter(
                    channel=channel,
                    site=channel.site,
                    sub_unit=channel.sub_unit,
                    tracking_number=_tracking_number(_day_of(now)),
                    query_code_hash=code_digest(code),
                    citizen=citizen,
                    writer_wants_private=bool(data.get("writer_wants_private")),
                    submitted_at=now,
                    received_on=received_on,
                    **values,
                )
                letter_deadlines.refresh(letter)
                if unknown_year is not None:
                    letter.deadline_unknown_year = unknown_year
                # the serial's uniqueness is left to the database: two letters at once get an IntegrityError
                # and the retry takes the next number (full_clean's check would refuse the letter instead)
                letter.full_clean(exclude=["query_code_hash", "tracking_number"])
                letter.save()
                letter_attachments.store(letter, checked, now=now)
                step = _step(letter, LetterStepKind.SUBMIT, actor=None, now=now)
                _listing_changed(letter)  # the statistics count it (INT-2)
                _finish(
                    letter,
                    step,
                    AuditEvent.LETTER_SUBMIT,
                    actor=None,
                    details={"channel": channel.name, "attachments": len(checked)},
                )
            return letter, code
        except IntegrityError:
            continue  # two letters took the same serial: take the next one
    raise IntegrityError("no free tracking number")


def find(tracking_number: str, query_code: str) -> Letter | None:
    """The letter with this tracking number and query code, or None (for either being wrong: the
    page does not tell which)."""
    number = (tracking_number or "").strip()
    code = (query_code or "").strip().upper().replace(" ", "")
    letter = Letter.objects.select_related("channel__site", "site", "sub_unit").filter(tracking_number=number).first()
    if letter is None:
        code_digest(code)  # the same work as a wrong code: the answer time tells nothing
        return None
    return letter if code_matches(code, letter.query_code_hash) else None


# The query code is random (10 of 31 symbols, about 49 bits) and looked up under a rate limit, so a
# slow password hash adds no protection; it cost 0.4 s of a worker per letter (a password hasher's
# hundreds of thousands of rounds), which made 2 workers take 4 letters a second. The code is kept
# as an HMAC under the installation's secret key instead: not readable from the database alone.
CODE_DIGEST_PREFIX = "hmac-sha256$"


def code_digest(code: str) -> str:
    return CODE_DIGEST_PREFIX + salted_hmac("interaction.letter-query-code", code, algorithm="sha256").hexdigest()


def code_matches(code: str, stored: str) -> bool:
    if stored.startswith(CODE_DIGEST_PREFIX):
        return constant_time_compare(code_digest(code), stored)
    return check_password(code, stored)  # a code stored by the password hasher before


def answer_for_writer(letter: Letter) -> Letter | None:
    """The letter whose answer the writer reads: the letter itself, or the one it was merged into
    (followed to the end), once the answer has passed review; None before."""
    seen = set()
    while letter.merged_into_id and letter.pk not in seen:
        seen.add(letter.pk)
        letter = letter.merged_into
    return letter if letter.status in (LetterStatus.PUBLISHED, LetterStatus.CLOSED) else None


# --- the handlers ---------------------------------------------------------------------------


def forward_targets(letter: Letter):
    """The sites a letter may be forwarded to: its site, that site's portal, and the portal's
    department sites (the same family of sites: SITE-1)."""
    from sites.models import Site

    site = letter.site
    portal_id = site.parent_id or site.pk
    return Site.objects.filter(pk=portal_id) | Site.objects.filter(parent_id=portal_id)


def forward(
    letter: Letter, *, to_site, to_sub_unit=None, note: str = "", acting_user, now: dt.datetime | None = None
) -> Letter:
    """Pass the letter to the site or sub-unit responsible (INT-2). The deadline stands."""
    LETTERS.require(acting_user, "forward", letter)
    now = _present(now)
    with transaction.atomic():
        letter = _locked(letter)
        if letter.status != LetterStatus.RECEIVED:
            _refuse(_("Only a letter still being handled can be forwarded."))
        if to_site is None or not forward_targets(letter).filter(pk=to_site.pk).exists():
            raise ValidationError({"to_site": _("Choose the portal or one of its department sites.")})
        if to_sub_unit is not None and to_sub_unit.portal_id != to_site.pk:
            raise ValidationError({"to_sub_unit": _("The sub-unit must belong to the site chosen.")})
        if to_site.pk == letter.site_id and (to_sub_unit.pk if to_sub_unit else None) == letter.sub_unit_id:
            raise ValidationError({"to_site": _("The letter is handled there already.")})
        origin = letter.handling_unit
        letter.site = to_site
        letter.sub_unit = to_sub_unit
        letter.save(update_fields=["site", "sub_unit"])
        step = _step(
            letter,
            LetterStepKind.FORWARD,
            actor=acting_user,
            now=now,
            note=(note or "").strip(),
        )
        return _finish(
            letter,
            step,
            AuditEvent.LETTER_FORWARD,
            actor=acting_user,
            details={"forwarded_from": origin, "forwarded_to": letter.handling_unit},
        )


def answer(
    letter: Letter,
    *,
    text: str,
    replying_department: str = "",
    reusable: bool = False,
    acting_user,
    now: dt.datetime | None = None,
) -> Letter:
    """Write the answer (INT-2); the letter then awaits review before the writer reads it."""
    LETTERS.require(acting_user, "answer", letter)
    now = _present(now)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the answer.")})
    with transaction.atomic():
        letter = _locked(letter)
        if letter.status != LetterStatus.RECEIVED:
            _refuse(_("Only a letter still being handled can be answered."))
        on = _day_of(now)
        letter.answer = text
        letter.replying_department = (replying_department or "").strip()[:100] or letter.handling_unit
        letter.reusable = bool(reusable)
        letter.answered_at = now
        letter.answered_on = on
        letter.answered_by = acting_user
        letter.answer_working_days = letter_deadlines.working_days_taken(letter.received_on, on)
        letter.answered_on_time = None if letter.due_on is None else on <= letter.due_on
        letter.status = LetterStatus.ANSWERED
        letter_deadlines.refresh(letter)
        letter.save()
        step = _step(letter, LetterStepKind.ANSWER, actor=acting_user, now=now, shown=False)
        _listing_changed(letter)  # the statistics count the answer (INT-2)
        return _finish(
            letter,
            step,
            AuditEvent.LETTER_ANSWER,
            actor=acting_user,
            details={"on_time": letter.answered_on_time, "answer_working_days": letter.answer_working_days},
        )


def review(
    letter: Letter,
    *,
    decision: str,
    private_reason: str = "",
    reason: str = "",
    acting_user,
    now: dt.datetime | None = None,
) -> Letter:
    """Review the answer (INT-2), by a handler other than the one who answered.

    publish: the answer is shown in the channel's public listing (not when the writer asked not to
    publish). keep_private: not published, with a `PrivateReason`. send_back: a poor answer goes
    back to be answered again, with the reason (`reason`, required)."""
    LETTERS.require(acting_user, "review", letter)
    now = _present(now)
    reason = (reason or "").strip()
    if decision not in REVIEW_DECISIONS:
        raise ValidationError({"decision": _("Choose what to do with the answer.")})
    if decision == SEND_BACK and not reason:
        raise ValidationError({"reason": _("Say what is wrong with the answer.")})
    if decision == KEEP_PRIVATE and private_reason not in PrivateReason.values:
        raise ValidationError({"private_reason": _("Choose why the answer is not published.")})
    with transaction.atomic():
        letter = _locked(letter)
        if letter.status != LetterStatus.ANSWERED:
            _refuse(_("Only an answered letter awaiting review can be reviewed."))
        if acting_user is not None and letter.answered_by_id == acting_user.pk:
            _refuse(_("The answer is reviewed by someone other than the person who wrote it."))
        if decision == PUBLISH and letter.writer_wants_private:
            _refuse(_("The writer asked not to publish this letter: keep it private with that reason."))
        if decision == SEND_BACK:
            letter.status = LetterStatus.RECEIVED
            letter.answered_at = letter.answered_on = None
            letter.answered_on_time = letter.answer_working_days = None
            letter_deadlines.refresh(letter)
            letter.save()
            step = _step(letter, LetterStepKind.SEND_BACK, actor=acting_user, now=now, note=reason, shown=False)
            return _finish(letter, step, AuditEvent.LETTER_SEND_BACK, actor=acting_user, details={"reason": reason})
        if decision == PUBLISH:
            letter.status = LetterStatus.PUBLISHED
            letter.published = True
            letter.published_at = now
            letter.private_reason = ""
            kind, event = LetterStepKind.PUBLISH, AuditEvent.LETTER_PUBLISH
        else:
            letter.status = LetterStatus.CLOSED
            letter.published = False
            letter.private_reason = private_reason
            kind, event = LetterStepKind.KEEP_PRIVATE, AuditEvent.LETTER_KEEP_PRIVATE
        letter.save()
        step = _step(letter, kind, actor=acting_user, now=now, note=reason, public_note=letter.answer)
        _listing_changed(letter)
        _tell_duplicates(letter, kind, acting_user, now)
        return _finish(letter, step, event, actor=acting_user, details={"private_reason": letter.private_reason})


def _tell_duplicates(letter: Letter, kind, acting_user, now) -> None:
    """The writers of the letters merged into this one read its answer too."""
    for duplicate in Letter.objects.filter(merged_into=letter).select_related("channel", "site"):
        step = _step(duplicate, kind, actor=acting_user, now=now, public_note=letter.answer)
        letter_notices.notify_after_commit(duplicate, step)


def unpublish(
    letter: Letter, *, private_reason: str, reason: str = "", acting_user, now: dt.datetime | None = None
) -> Letter:
    """Withdraw a published answer from the public listing, with the reason."""
    LETTERS.require(acting_user, "review", letter)
    now = _present(now)
    if private_reason not in PrivateReason.values:
        raise ValidationError({"private_reason": _("Choose why the answer is not published.")})
    with transaction.atomic():
        letter = _locked(letter)
        if letter.status != LetterStatus.PUBLISHED:
            _refuse(_("Only a published answer can be withdrawn."))
        letter.status = LetterStatus.CLOSED
        letter.published = False
        letter.private_reason = private_reason
        letter.save()
        step = _step(letter, LetterStepKind.UNPUBLISH, actor=acting_user, now=now, note=(reason or "").strip())
        _listing_changed(letter)
        return _finish(
            letter, step, AuditEvent.LETTER_UNPUBLISH, actor=acting_user, details={"private_reason": private_reason}
        )


def merge(letter: Letter, *, into: Letter, note: str = "", acting_user, now: dt.datetime | None = None) -> Letter:
    """Merge a duplicate (`letter`) into the letter on the same matter (`into`) of the same site:
    it is closed, and its writer reads the other letter's answer (INT-2)."""
    LETTERS.require(acting_user, "merge", letter)
    LETTERS.require(acting_user, "merge", into)
    now = _present(now)
    with transaction.atomic():
        letter = _locked(letter)
        into = _locked(into)
        if letter.pk == into.pk:
            raise ValidationError({"into": _("A letter cannot be merged into itself.")})
        if letter.status != LetterStatus.RECEIVED:
            _refuse(_("Only a letter still being handled can be merged into another."))
        if into.status == LetterStatus.MERGED:
            raise ValidationError({"into": _("That letter was itself merged: choose the letter it was merged into.")})
        if into.site_id != letter.site_id:
            raise ValidationError({"into": _("Both letters must be handled by the same site.")})
        letter.status = LetterStatus.MERGED
        letter.merged_into = into
        letter_deadlines.refresh(letter)
        letter.save()
        step = _step(letter, LetterStepKind.MERGE, actor=acting_user, now=now, note=(note or "").strip())
        if into.status in (LetterStatus.PUBLISHED, LetterStatus.CLOSED):
            done = LetterStepKind.PUBLISH if into.status == LetterStatus.PUBLISHED else LetterStepKind.KEEP_PRIVATE
            answered = _step(letter, done, actor=acting_user, now=now, public_note=into.answer)
            letter_notices.notify_after_commit(letter, answered)
        _listing_changed(letter)
        return _finish(letter, step, AuditEvent.LETTER_MERGE, actor=acting_user, details={"into": into.tracking_number})


def reveal(letter: Letter, *, acting_user) -> None:
    """A handler reads the writer's personal data in full (to call back): audited."""
    LETTERS.require(acting_user, "reveal_personal_data", letter)
    audit.record(AuditEvent.LETTER_REVEAL, actor=acting_user, obj=letter, site=letter.site)
