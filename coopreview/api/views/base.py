"""Shared pieces of the API views: querysets come from the apps' selectors (visibility in the query),
writes go through their services; nothing here decides who may see or do what."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions, viewsets


class ReadViewSet(viewsets.ReadOnlyModelViewSet):
    """A list and a detail over `queryset_for(user)`; what the user may not open is absent (404)."""

    lookup_value_regex = r"[0-9]{1,18}"  # an id the database can hold; anything else is a 404

    def queryset_for(self, user):  # pragma: no cover — every view sets it
        raise NotImplementedError

    def get_queryset(self):
        return self.queryset_for(self.request.user)


def int_param(request, name: str) -> int | None:
    """An optional integer query parameter; a 400 naming it when it is not one."""
    value = request.query_params.get(name)
    if value in (None, ""):
        return None
    if not value.isdigit() or int(value) >= 2**63:
        raise exceptions.ValidationError({name: [_("A whole number is expected.")]})
    return int(value)


def param(name: str, kind: type = int, description: str = "") -> OpenApiParameter:
    return OpenApiParameter(name, kind, OpenApiParameter.QUERY, required=False, description=description)


def one_of(queryset, pk: Any, field: str):
    """The row `pk` of `queryset` (already filtered to what the user may open), else a 400 naming
    `field`: one message for "absent" and "hidden"."""
    try:
        return queryset.get(pk=int(pk))
    except (queryset.model.DoesNotExist, TypeError, ValueError, OverflowError):
        raise exceptions.ValidationError({field: [_("Not found: %(pk)s.") % {"pk": pk}]}) from None


def require(user, perm: str, obj=None) -> None:
    """403 when the web would refuse `perm` (the same django-rules permission)."""
    if not user.has_perm(perm, obj):
        raise PermissionDenied(_("You do not have permission to perform this action."))


def form_errors(form) -> exceptions.ValidationError:
    """A web form's errors as a 400: the messages the page would show, by field."""
    return exceptions.ValidationError({field: list(errors) for field, errors in form.errors.items()})


def date_errors(form) -> list[str]:
    """The "as of" form's errors on `date`, or the message asking for one."""
    return list(form.errors.get("as_of", [])) or [_("A date (YYYY-MM-DD) is required.")]


def timeline(entries) -> list[dict]:
    """core.history's timeline (already filtered by accounts.layers.may_read_version) as JSON."""
    return [
        {
            "when": e.when,
            "who": e.who,
            "kind": e.kind,
            "reason": e.reason,
            "withheld": e.withheld,
            "changes": [{"label": c.label, "old": c.old, "new": c.new} for c in e.changes],
        }
        for e in entries
    ]
