"""`manage.py reencrypt_fields`: rewrite every encrypted field with the current key and profile (SEC-4).

For key rotation: put the new key first in FIELD_ENCRYPTION_KEY (keep the old one after it), run
this command, then remove the old key. Also after switching CRYPTO_PROFILE. Each table is
rewritten in one transaction; values already current are left alone.
"""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from core import crypto
from core.fields import EncryptedTextField


def encrypted_fields():
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, EncryptedTextField):
                yield model, field


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field with the current key and CRYPTO_PROFILE."

    def handle(self, *args, **options):
        quote = connection.ops.quote_name
        total = 0
        for model, field in encrypted_fields():
            table, column, pk = quote(model._meta.db_table), quote(field.column), quote(model._meta.pk.column)
            rewritten = 0
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(f"SELECT {pk}, {column} FROM {table} WHERE {column} IS NOT NULL AND {column} <> ''")
                for key, value in cursor.fetchall():
                    if crypto.is_encrypted(value) and crypto.is_current(value):
                        continue
                    plain = crypto.decrypt_text(value, context=field.context) if crypto.is_encrypted(value) else value
                    cursor.execute(
                        f"UPDATE {table} SET {column} = %s WHERE {pk} = %s",
                        [crypto.encrypt_text(plain, context=field.context), key],
                    )
                    rewritten += 1
            total += rewritten
            self.stdout.write(f"{field.context}: {rewritten} value(s) re-encrypted")
        self.stdout.write(f"{total} value(s) re-encrypted with key {crypto.field_keyring().current.id}")
