"""Every API error is JSON with a `detail` message (and field messages for invalid input); the
platform's own refusals (ServiceError, PermissionDenied, not found) map to 400/403/404, never to a 500
with a traceback."""

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from coopreview.core.exceptions import ConcurrentEditError, ServiceError
from coopreview.meetings.services import MeetingPermissionDenied


def exception_handler(exc, context):
    if isinstance(exc, ConcurrentEditError):
        return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, MeetingPermissionDenied):  # a refusal the meeting pages answer with a 403
        return Response({"detail": str(exc)}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, DjangoPermissionDenied):  # a service's refusal (e.g. the other side's part)
        message = str(exc) or _("You do not have permission to perform this action.")
        return Response({"detail": message}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, ServiceError):
        return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, ObjectDoesNotExist):
        exc = exceptions.NotFound()
    if isinstance(exc, DjangoValidationError):
        return Response({"detail": "; ".join(exc.messages)}, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)
