"""Receivers that write the audit log for events raised outside our services: Django's sign-in
signals, django-axes' lockouts, and role changes however they are made (services or the admin)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from coopreview.accounts.models import Membership
from coopreview.audit.enums import AuditAction
from coopreview.audit.services import audit_record

User = get_user_model()
PRIVILEGE_FIELDS = ("is_active", "is_staff", "is_superuser")


@receiver(user_logged_in, dispatch_uid="audit_login")
def _logged_in(sender, request, user, **kwargs) -> None:
    audit_record(action=AuditAction.LOGIN, user=user, obj=user, request=request)


@receiver(user_logged_out, dispatch_uid="audit_logout")
def _logged_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        audit_record(action=AuditAction.LOGOUT, user=user, obj=user, request=request)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    # `credentials` is already cleansed by Django (the password is masked); keep only the name typed.
    username = str(credentials.get("username", ""))
    audit_record(
        action=AuditAction.LOGIN_FAILED, username=username, object_repr=username, request=request, user=None
    )


try:  # django-axes is a dependency; kept optional here so the audit app stands on its own
    from axes.signals import user_locked_out
except ImportError:  # pragma: no cover
    user_locked_out = None

if user_locked_out is not None:

    @receiver(user_locked_out, dispatch_uid="audit_locked_out")
    def _locked_out(sender, request, username, ip_address, **kwargs) -> None:
        audit_record(
            action=AuditAction.LOCKED_OUT,
            username=username or "",
            object_repr=username or "",
            detail={"ip": ip_address},
            request=request,
            user=None,
        )


def _membership_detail(membership: Membership, change: str) -> dict:
    return {
        "change": change,
        "member": membership.user.get_username(),
        "organisation": membership.organisation.code,
        "role": membership.role,
    }


@receiver(post_save, sender=Membership, dispatch_uid="audit_membership_saved")
def _membership_saved(sender, instance: Membership, created: bool, raw: bool = False, **kwargs) -> None:
    if raw:  # fixtures
        return
    audit_record(
        action=AuditAction.PERMISSION_CHANGED,
        obj=instance,
        detail=_membership_detail(instance, "granted" if created else "changed"),
    )


@receiver(post_delete, sender=Membership, dispatch_uid="audit_membership_deleted")
def _membership_deleted(sender, instance: Membership, **kwargs) -> None:
    audit_record(
        action=AuditAction.PERMISSION_CHANGED, obj=instance, detail=_membership_detail(instance, "revoked")
    )


@receiver(pre_save, sender=User, dispatch_uid="audit_user_privileges")
def _user_privileges(sender, instance, raw: bool = False, update_fields=None, **kwargs) -> None:
    """A change of is_active / is_staff / is_superuser on an existing account is a permission change."""
    if (
        raw
        or instance.pk is None
        or (update_fields is not None and not set(update_fields) & set(PRIVILEGE_FIELDS))
    ):
        return
    before = sender.objects.filter(pk=instance.pk).values(*PRIVILEGE_FIELDS).first()
    if before is None:
        return
    changed = {
        f: [before[f], getattr(instance, f)] for f in PRIVILEGE_FIELDS if before[f] != getattr(instance, f)
    }
    if changed:
        audit_record(
            action=AuditAction.PERMISSION_CHANGED, obj=instance, detail={"change": "account", **changed}
        )
