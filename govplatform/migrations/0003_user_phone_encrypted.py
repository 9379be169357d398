"""SEC-4: users' phone numbers are encrypted at rest (EncryptedTextField).

The column becomes text (ciphertext is longer than the number), then every stored number is
encrypted with the current key and profile; backwards, numbers are decrypted again.
"""

from django.db import migrations

import govplatform.fields

CONTEXT = "govplatform.user.phone"


def _rewrite(transform):
    def run(apps, schema_editor):
        User = apps.get_model("govplatform", "User")
        table = schema_editor.connection.ops.quote_name(User._meta.db_table)
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(f"SELECT id, phone FROM {table} WHERE phone IS NOT NULL AND phone <> ''")
            rows = cursor.fetchall()
            for pk, value in rows:
                new = transform(value)
                if new != value:
                    cursor.execute(f"UPDATE {table} SET phone = %s WHERE id = %s", [new, pk])

    return run


def _encrypt(value):
    from govplatform import crypto

    return value if crypto.is_encrypted(value) else crypto.encrypt_text(value, context=CONTEXT)


def _decrypt(value):
    from govplatform import crypto

    return crypto.decrypt_text(value, context=CONTEXT) if crypto.is_encrypted(value) else value


class Migration(migrations.Migration):

    dependencies = [
        ("govplatform", "0002_audit_append_only_guard"),
    ]

    operations = [
        migrations.AlterField(
            model_name="user",
            name="phone",
            field=govplatform.fields.EncryptedTextField(blank=True, max_length=30, verbose_name="phone"),
        ),
        migrations.RunPython(_rewrite(_encrypt), _rewrite(_decrypt)),
    ]
