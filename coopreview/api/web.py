"""The token page of the signed-in user: make a token (its secret shown once, on this response only),
see their tokens (name, scope, prefix, expiry, last use) and revoke one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularSwaggerSplitView

from coopreview.api import selectors, services
from coopreview.api.forms import TokenForm
from coopreview.core.access import get_or_404
from coopreview.core.middleware import CSP


@never_cache  # the page that shows a new secret is never stored by a browser or proxy
@login_required
@require_http_methods(["GET", "POST"])
def token_list_view(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    secret, status = "", 200
    if request.method == "POST":
        if form.is_valid():
            try:
                _token, secret = services.token_create(user=request.user, **form.cleaned_data)
            except services.TokenRefused as exc:
                form.add_error(None, str(exc))
            else:
                form = TokenForm()
        status = 200 if secret else 422
    context = {"form": form, "secret": secret, "tokens": selectors.tokens_of(user=request.user)}
    return render(request, "api/tokens.html", context, status=status)


@login_required
@require_POST
def token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_or_404(lambda: selectors.tokens_of(user=request.user).get(pk=pk))  # another's: 404
    services.token_revoke(token=token, by=request.user)
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("api:tokens")


@extend_schema(exclude=True)  # the documentation page is not an endpoint of the API it documents
class ApiDocsView(SpectacularSwaggerSplitView):
    """Swagger UI, served from our own static files with its start script as a separate file (no inline
    script). It sets style attributes on the elements it draws, so this page alone allows inline
    styles; scripts stay 'self' only."""

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        response["Content-Security-Policy"] = CSP.replace(
            "style-src 'self'", "style-src 'self' 'unsafe-inline'"
        )
        return response
