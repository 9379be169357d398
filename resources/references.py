"""The references of a kind form checked against the library (RES-2, RES-3, SEC-3).

A reference field (resources.fields.ResourceRefField) holds ids; `ReferenceChecks.clean` looks
them up among the resources the form may refer to: those of the sites the user has a role on and
of the resource's own site (every resource for the system and platform administrators). Any other
id, one of another site as much as one that does not exist or is too large for the database,
gets the field's one "missing" message, naming nothing of what another site holds (issue 12 item 3).
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.reference_fields import in_range
from resources.fields import ResourceRefField
from resources.models import Resource, ResourceKind
from sites.permissions import is_platform_admin, site_ids_for


class ReferenceChecks:
    """Mixed into a form with `site`, `user`, `resource` and `referenced` (resources.kinds.KindForm)."""

    def reference_fields(self):
        return [(name, field) for name, field in self.fields.items() if isinstance(field, ResourceRefField)]

    def clean(self):
        cleaned = super().clean()
        wanted = {}
        for name, field in self.reference_fields():
            value = cleaned.get(name)
            ids = value if isinstance(value, list) else ([value] if value else [])
            wanted[name] = (field, ids)
        all_ids = {pk for _field, ids in wanted.values() for pk in ids}
        if all_ids:
            # Ids too large for the database name nothing: they are missing, not a failed query.
            usable = self.usable_resources()
            found = usable.in_bulk(in_range(usable, list(all_ids)))
            self.referenced.update(found)
            for name, (field, ids) in wanted.items():
                for pk in ids:
                    error = self._reference_error(found.get(pk), pk, field)
                    if error:
                        self.add_error(name, error)
                        break
        return cleaned

    def usable_resources(self):
        """The resources this form may refer to. Others are looked up nowhere: a resource of a site
        the user may not use answers as one that does not exist, with neither its title nor its
        kind (SEC-3)."""
        site_ids = self._usable_site_ids()
        resources = Resource.objects.all()
        return resources if site_ids is None else resources.filter(site_id__in=site_ids)

    def _usable_site_ids(self):
        if not hasattr(self, "_site_ids"):
            if self.user is None or is_platform_admin(self.user):
                self._site_ids = None  # the system and platform administrators may use every site's resources
            else:
                self._site_ids = site_ids_for(self.user) | ({self.site.pk} if self.site is not None else set())
        return self._site_ids

    def _reference_error(self, target, pk, field):
        if target is None:
            return ValidationError(field.error_messages["missing"], code="missing", params={"id": pk})
        if self.resource is not None and target.pk == self.resource.pk:
            return ValidationError(_("A resource cannot refer to itself."), code="self_reference")
        if target.kind not in field.kinds:
            expected = gettext(" or ").join(str(ResourceKind(kind).label) for kind in field.kinds)
            return ValidationError(
                _("“%(title)s” (number %(id)s) is of the kind “%(kind)s”; only %(expected)s can be used here."),
                code="wrong_kind",
                params={"title": target.title, "id": pk, "kind": target.get_kind_display(), "expected": expected},
            )
        return None
