"""Per-token throttling: each token has its own budget (API_RATE), so one busy script never slows
another; session users by user, anonymous callers by address (API_ANON_RATE)."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from coopreview.api.models import ApiToken
from coopreview.audit.services import client_ip


class PerTokenThrottle(SimpleRateThrottle):
    scope = "api"

    def get_rate(self) -> str:
        return settings.API_RATE

    def allow_request(self, request, view) -> bool:
        # The rate is read per request (settings may change in tests), not once at import as DRF does.
        anonymous = not (request.user and request.user.is_authenticated)
        self.rate = settings.API_ANON_RATE if anonymous else settings.API_RATE
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view) -> str:
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"addr-{client_ip(request)}"  # REMOTE_ADDR, never X-Forwarded-For
        return f"api-throttle:{ident}"
