"""Reads of webhooks. Endpoints and deliveries are seen by administrators only (views check
webhooks.manage_endpoints); everyone else gets an empty set here too."""

from django.db.models import Count, Q, QuerySet

from coopreview.accounts.selectors import AnyUser
from coopreview.webhooks.enums import DeliveryStatus
from coopreview.webhooks.models import Delivery, Endpoint


def endpoints_for(*, user: AnyUser) -> QuerySet[Endpoint]:
    if not user.has_perm("webhooks.manage_endpoints"):
        return Endpoint.objects.none()
    return Endpoint.objects.select_related("owner").annotate(
        failed_count=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.FAILED)),
        pending_count=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.PENDING)),
    )


def deliveries_for(
    *, user: AnyUser, endpoint: Endpoint | None = None, status: str = ""
) -> QuerySet[Delivery]:
    if not user.has_perm("webhooks.manage_endpoints"):
        return Delivery.objects.none()
    qs = Delivery.objects.select_related("endpoint")
    if endpoint is not None:
        qs = qs.filter(endpoint=endpoint)
    if status:
        qs = qs.filter(status=status)
    return qs
