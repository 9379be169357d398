"""The letter channels of a site (INT-1), configured by its administrators: each change checked
(the channel's own rules, Channel.clean), audited, and told to the listing pages through the
change feed (the channel's column shows its form and its letters)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from auditlog import audit
from auditlog.events import AuditEvent
from core import feed
from interaction.models.letters import Channel
from interaction.policies import CHANNELS
from sites.policies import CHANGE

FIELDS = ("name", "kind", "leader_name", "column", "sub_unit", "answer_working_days", "allows_anonymous", "is_open")


def _details(channel: Channel) -> dict:
    values = {name: getattr(channel, name) for name in FIELDS if name not in ("column", "sub_unit")}
    return {
        **values,
        "column": channel.column.name if channel.column_id else "",
        "sub_unit": channel.sub_unit.name if channel.sub_unit_id else "",
    }


def _save(channel: Channel) -> None:
    channel.name = (channel.name or "").strip()
    channel.leader_name = (channel.leader_name or "").strip()
    channel.full_clean()
    try:
        with transaction.atomic():
            channel.save()
    except IntegrityError as error:  # two administrators at once: the constraint answers
        raise ValidationError({"name": _("The site has a channel of this name already.")}, code="unique") from error


@transaction.atomic
def create_channel(site, *, acting_user, **values) -> Channel:
    channel = Channel(site=site, **{name: values[name] for name in FIELDS if name in values})
    CHANNELS.require(acting_user, CHANGE, channel)
    _save(channel)
    audit.record(AuditEvent.LETTER_CHANNEL_CREATE, actor=acting_user, obj=channel, site=site, details=_details(channel))
    feed.changed(column_lists=[channel.column_id])
    return channel


@transaction.atomic
def update_channel(channel: Channel, *, acting_user, **values) -> Channel:
    locked = Channel.objects.select_for_update().get(pk=channel.pk)
    CHANNELS.require(acting_user, CHANGE, locked)
    before = _details(locked)
    for name in FIELDS:
        if name in values:
            setattr(locked, name, values[name])
    _save(locked)
    after = _details(locked)
    if after != before:
        audit.record(
            AuditEvent.LETTER_CHANNEL_UPDATE, actor=acting_user, obj=locked, site=locked.site,
            details={"before": before, "after": after},
        )  # fmt: skip
        feed.changed(column_lists=sorted({channel.column_id, locked.column_id}))
    return locked


@transaction.atomic
def delete_channel(channel: Channel, *, acting_user) -> None:
    locked = Channel.objects.select_for_update().get(pk=channel.pk)
    CHANNELS.require(acting_user, CHANGE, locked)
    if locked.letters.exists():
        raise ValidationError(
            _("“%(name)s” has letters; close it to new letters instead.") % {"name": locked.name}, code="in_use"
        )
    audit.record(
        AuditEvent.LETTER_CHANNEL_DELETE, actor=acting_user, obj=locked, site=locked.site, details=_details(locked)
    )
    feed.changed(column_lists=[locked.column_id])
    locked.delete()
