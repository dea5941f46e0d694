"""The webhooks.deliver job kind: one attempt of one delivery. Never raises, so the queue's own
immediate retry stays out of it: the delivery's backoff (services.delivery_attempt) decides."""

from coopreview.jobs.enums import JobKind
from coopreview.jobs.models import Job
from coopreview.jobs.services import JobContext, handler
from coopreview.webhooks.services import delivery_attempt


@handler(JobKind.WEBHOOK_DELIVERY)
def deliver(job: Job, context: JobContext) -> dict:
    delivery = delivery_attempt(delivery_id=int(job.params.get("delivery", 0)))
    if delivery is None:
        return {"skipped": "the delivery no longer exists"}
    context.progress(1, 1)
    return {"status": delivery.status, "response_code": delivery.response_code, "attempts": delivery.attempts}
