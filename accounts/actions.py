"""Actions on users and roles. Each is one transaction that checks permission and writes the audit log."""

import secrets

from django.db import transaction

from accounts.authority import require_platform_admin
from accounts.models import User
from accounts.password_validation import character_classes
from auditlog import audit
from auditlog.events import AuditEvent
from auditlog.models import AuditEntry
from core.changes import field_changes

PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def generate_password(length: int = 16) -> str:
    """A random password (no confusable characters) that passes the password rules: never a
    known or default one (SEC-1)."""
    while True:
        password = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(length))
        if character_classes(password) >= 3:
            return password


@transaction.atomic
def create_user(
    username: str,
    *,
    acting_user,
    real_name: str = "",
    email: str = "",
    is_platform_admin: bool = False,
    password: str | None = None,
) -> tuple[User, str]:
    """Create a back-office user with a random password unless one is given; returns both."""
    require_platform_admin(acting_user)
    password = password or generate_password()
    user = User(
        username=username,
        real_name=real_name,
        email=email,
        is_platform_admin=is_platform_admin,
        is_staff=True,
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    audit.record(AuditEvent.USER_CREATE, actor=acting_user, obj=user, details={"platform_admin": is_platform_admin})
    return user, password


@transaction.atomic
def update_user(user: User, *, acting_user, fields=None) -> User:
    """Save changes to a user's profile (platform administrators only)."""
    require_platform_admin(acting_user)
    changes = field_changes(user, fields)
    changes.pop("password", None)
    changes.pop("last_login", None)
    user.is_staff = True
    user.full_clean(exclude=["password"])
    user.save()
    if changes:
        audit.record(AuditEvent.USER_UPDATE, actor=acting_user, obj=user, details={"changes": changes})
    return user


@transaction.atomic
def set_user_password(user: User, raw_password: str, *, acting_user) -> None:
    if acting_user is not None and acting_user.pk != user.pk:
        require_platform_admin(acting_user)
    user.set_password(raw_password)
    user.save(update_fields=["password"])
    audit.record(AuditEvent.USER_PASSWORD_SET, actor=acting_user, obj=user)


@transaction.atomic
def deactivate_user(user: User, *, acting_user) -> None:
    """Users are deactivated, never deleted, so the audit log keeps naming them."""
    require_platform_admin(acting_user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    audit.record(AuditEvent.USER_DEACTIVATE, actor=acting_user, obj=user)


@transaction.atomic
def purge_audit_log(*, retention_days: int, acting_user) -> int:
    """Delete audit entries past the retention period (≥ 183 days, SEC-2); the purge is logged too."""
    require_platform_admin(acting_user)
    deleted = AuditEntry.objects.purge_expired(retention_days)
    if deleted:
        audit.record(
            AuditEvent.AUDIT_PURGE, actor=acting_user, details={"retention_days": retention_days, "deleted": deleted}
        )
    return deleted
