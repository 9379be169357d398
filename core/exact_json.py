"""A JSON serialisation format ("exactjson") that keeps times to the microsecond, for backups (SEC-6).

Django's own JSON format cuts datetimes and times to milliseconds (ECMA-262 style), so a
backup-and-restore through it would change stored values. This format writes `isoformat()`
unchanged; reading is Django's JSON reader (fields parse full ISO 8601). Registered in
settings.SERIALIZATION_MODULES, so `dumpdata --format exactjson` and `loaddata x.exactjson.gz` work.
"""

import datetime

from django.core.serializers import json as django_json
from django.core.serializers.json import DjangoJSONEncoder

Deserializer = django_json.Deserializer


class ExactJSONEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime.datetime):
            text = o.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        if isinstance(o, datetime.time):
            if o.utcoffset() is not None:
                raise ValueError("JSON can't represent timezone-aware times.")
            return o.isoformat()
        return super().default(o)


class Serializer(django_json.Serializer):
    def _init_options(self):
        self.options.setdefault("cls", ExactJSONEncoder)
        super()._init_options()
