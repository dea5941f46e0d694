"""Sign-in pages: password change and reset (Django's views in the site's style), two-factor
enrolment and verification."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from coopreview.accounts import mfa
from coopreview.accounts.forms import CodeForm, EnrolForm
from coopreview.audit.enums import AuditAction
from coopreview.audit.services import audit_record


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        return target
    return str(reverse_lazy(settings.LOGIN_REDIRECT_URL))


class LoginView(auth_views.LoginView):
    """Django's sign-in, plus the "session ended" notice and the single sign-on button when enabled."""

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context["idle"] = "idle" in self.request.GET
        context["oidc_enabled"] = settings.OIDC_ENABLED
        return context

    def get_redirect_url(self) -> str:
        # "next" pointing at the home page (the header's sign-in link there) is not a destination: the
        # person lands on their own page (LOGIN_REDIRECT_URL). Any other safe "next" is kept.
        url = super().get_redirect_url()  # "" unless safe
        return "" if url in ("", "/") else url


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password-change-done")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(action=AuditAction.PASSWORD_CHANGED, user=self.request.user, obj=self.request.user)
        return response


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/password_reset_email.txt"
    subject_template_name = "accounts/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password-reset-done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password-reset-complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(action=AuditAction.PASSWORD_RESET, user=form.user, obj=form.user)
        return response


def _throttled(request: HttpRequest, form) -> bool:
    """After wrong codes django-otp makes each user wait longer (1, 2, 4… s); say so, check nothing."""
    wait = mfa.mfa_wait_seconds(request.user)
    if wait:
        form.add_error(
            "code",
            _("Too many wrong codes: wait %(n)s seconds, then give the code the app shows.") % {"n": wait},
        )
    return bool(wait)


@login_required
@require_http_methods(["GET", "POST"])
def mfa_setup_view(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app (QR code, then a code from it), then see the recovery codes once.
    Someone already enrolled sees the state and may renew the recovery codes (after a code)."""
    enrolled = mfa.user_has_mfa(request.user)
    if enrolled:
        if request.method == "POST" and request.POST.get("action") == "recovery":
            if not request.user.is_verified():
                return redirect(f"{reverse_lazy('accounts:mfa-verify')}?next={request.path}")
            codes = mfa.mfa_recovery_codes_generate(user=request.user)
            return render(request, "accounts/mfa_codes.html", {"codes": codes, "next": request.path})
        context = {
            "codes_left": mfa.recovery_codes_left(request.user),
            "required": mfa.user_requires_mfa(request.user),
        }
        return render(request, "accounts/mfa_status.html", context)
    device = mfa.mfa_device_start(user=request.user)
    form = EnrolForm(request.POST or None)
    status = 200
    if request.method == "POST":
        codes = None
        if form.is_valid() and not _throttled(request, form):
            codes = mfa.mfa_enrol_confirm(request=request, device=device, token=form.cleaned_data["code"])
            if codes is None:
                form.add_error("code", _("This is not the code the app shows now. Check your phone's clock."))
        if codes is not None:
            return render(request, "accounts/mfa_codes.html", {"codes": codes, "next": _next(request)})
        status = 400
    context = {
        "form": form,
        "qr_svg": mfa.mfa_qr_svg(device, label=_("QR code to scan with the authenticator app")),
        "secret": device.config_url.split("secret=")[1].split("&")[0],
        "required": mfa.user_requires_mfa(request.user),
        "next": _next(request),
    }
    return render(request, "accounts/mfa_setup.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def mfa_verify_view(request: HttpRequest) -> HttpResponse:
    """The second step of signing in for users with a device: a code from the app or a recovery code."""
    if not mfa.user_has_mfa(request.user):
        return redirect("accounts:mfa-setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid() and not _throttled(request, form):
            if mfa.mfa_verify(request=request, token=form.cleaned_data["code"]):
                left = mfa.recovery_codes_left(request.user)
                if left <= 2:
                    messages.warning(
                        request,
                        _("You have %(n)s recovery code(s) left: renew them under Two-factor authentication.")
                        % {"n": left},
                    )
                return redirect(_next(request))
            form.add_error(
                "code", _("This code is wrong or was already used. Wait for the next code and try again.")
            )
        return render(request, "accounts/mfa_verify.html", {"form": form, "next": _next(request)}, status=400)
    return render(request, "accounts/mfa_verify.html", {"form": form, "next": _next(request)})
