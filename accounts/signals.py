"""Logins, logouts and failed logins go into the audit log too (SEC-2)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from auditlog import audit
from auditlog.events import AuditEvent


@receiver(user_logged_in, dispatch_uid="audit_login")
def record_login(sender, request, user, **kwargs):
    audit.record(AuditEvent.AUTH_LOGIN, actor=user, obj=user)


@receiver(user_logged_out, dispatch_uid="audit_logout")
def record_logout(sender, request, user, **kwargs):
    if user is not None:
        audit.record(AuditEvent.AUTH_LOGOUT, actor=user, obj=user)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def record_login_failure(sender, credentials, request=None, **kwargs):
    # The password is never recorded; the username is, to spot attacks on one account.
    details = {"username": str(credentials.get("username", ""))[:150]}
    if credentials.get("second_factor"):
        details["step"] = "second_factor"
    audit.record(AuditEvent.AUTH_LOGIN_FAILED, details=details)
