"""SEC-4: authenticator apps move from django-otp's TOTPDevice (plain hex secret) to
AuthenticatorDevice (secret encrypted with the field key).

Every device keeps its user, name, confirmation, secret, time step, drift, last verified step
(replay protection), throttling state and timestamps, so every enrolled phone keeps working; the
plain rows are then deleted. Only the session's note of the device used to log in changes
(its persistent id names the model), so people logged in during the upgrade log in again.
Backwards, the secrets are decrypted into TOTPDevice rows again.
"""

from django.db import migrations

COPIED = (
    "user_id", "name", "confirmed", "throttling_failure_timestamp", "throttling_failure_count",
    "last_used_at", "key", "step", "t0", "digits", "tolerance", "drift", "last_t",
)  # fmt: skip


def _move(source_label, target_label):
    def run(apps, schema_editor):
        source = apps.get_model(*source_label)
        target = apps.get_model(*target_label)
        for device in source.objects.order_by("pk").iterator():
            moved = target.objects.create(**{name: getattr(device, name) for name in COPIED})
            # created_at is auto_now_add: set the original afterwards.
            target.objects.filter(pk=moved.pk).update(created_at=device.created_at)
        source.objects.all().delete()

    return run


PLAIN = ("otp_totp", "TOTPDevice")
ENCRYPTED = ("govplatform", "AuthenticatorDevice")


class Migration(migrations.Migration):
    dependencies = [
        ("govplatform", "0004_authenticator_device"),
        ("otp_totp", "0003_add_timestamps"),
    ]

    operations = [
        migrations.RunPython(_move(PLAIN, ENCRYPTED), _move(ENCRYPTED, PLAIN)),
    ]
