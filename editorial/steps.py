"""What each step of the workflow needs, asked by the actions (editorial/workflow.py) and by the
pages that offer the steps (backoffice/resource_views.py), so that a page offers a step exactly
when its action would accept it: the permission policy's answer (resources/policies.py) and the
resource's state.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from editorial import queries
from resources.models import Resource, ResourceStatus
from resources.policies import RESOURCES

SUBMITTABLE = (ResourceStatus.DRAFT, ResourceStatus.RETURNED, ResourceStatus.WITHDRAWN)


def status_label(resource) -> str:
    return str(ResourceStatus(resource.status).label)


def require_in_review(resource) -> None:
    if resource.status != ResourceStatus.IN_REVIEW or resource.submitted_revision_id is None:
        raise ValidationError(
            _("Only content in review can be reviewed; “%(title)s” is %(status)s.")
            % {"title": resource.title, "status": status_label(resource)},
            code="not_in_review",
        )


STEPS = ("submit", "recall", "withdraw", "schedule")


def state_refusal(step: str, resource: Resource) -> ValidationError | None:
    """Why `resource`'s state does not allow `step` now; None when it does."""
    if step == "submit":
        if resource.status not in SUBMITTABLE:
            return ValidationError(
                _("Only a draft, returned or withdrawn content can be submitted; “%(title)s” is %(status)s.")
                % {"title": resource.title, "status": status_label(resource)},
                code="not_submittable",
            )
        if resource.current_revision_id is None:
            return ValidationError(_("There is nothing to submit: no version has been saved."), code="no_revision")
        if resource.current_revision_id == resource.published_revision_id:
            return ValidationError(
                _("This version is already published; edit it to submit a new one."), code="unchanged"
            )
    elif step == "recall":
        try:
            require_in_review(resource)
        except ValidationError as error:
            return error
    elif step == "withdraw" and not queries.is_online(resource) and not queries.approved_waiting(resource):
        return ValidationError(
            _(
                "Only published content, or approved content waiting for its time, can be withdrawn; “%(title)s” is %(status)s."
            )
            % {"title": resource.title, "status": status_label(resource)},
            code="not_published",
        )
    return None


def raise_(refusal: Exception | None) -> None:
    if refusal is not None:
        raise refusal


def refusal(step: str, resource: Resource, user) -> Exception | None:
    """What `step` (one of STEPS) by `user` on `resource` would be refused with now, or None.

    The page of a resource offers exactly the steps this accepts; the actions below ask the same
    two questions (the policy: may this user; the state: may this resource), so a button is never
    offered that its action then refuses.
    """
    try:
        RESOURCES.require(user, step, resource)
    except PermissionDenied as error:
        return error
    return state_refusal(step, resource)


def available_steps(resource: Resource, user) -> set[str]:
    return {step for step in STEPS if refusal(step, resource, user) is None}
