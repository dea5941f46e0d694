"""An endpoint form posted back with its own values writes no history row and says so."""

from coopreview.core.testing import client_for, form_values
from coopreview.webhooks import services
from coopreview.webhooks.enums import WebhookEvent
from coopreview.webhooks.models import Endpoint


def test_endpoint_form_posted_back_unchanged_writes_nothing(admin_user):
    endpoint = services.endpoint_create(
        by=admin_user, url="https://receiver.example/hook", events=[WebhookEvent.STATUS_CHANGED]
    )
    client = client_for(admin_user)
    url = f"/webhooks/{endpoint.pk}/edit/"
    data = form_values(client.get(url).content, field="url")
    before = (endpoint.history.count(), Endpoint.objects.get(pk=endpoint.pk).updated_at)

    response = client.post(url, data, follow=True)

    assert "No changes to save." in response.content.decode()
    assert (endpoint.history.count(), Endpoint.objects.get(pk=endpoint.pk).updated_at) == before
    client.post(url, {**data, "description": "Monitoring"})
    assert endpoint.history.count() == before[0] + 1
