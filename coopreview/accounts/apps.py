from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "coopreview.accounts"
    label = "accounts"
    verbose_name = _("Accounts and organisations")
    url_prefix = "accounts/"  # password change and reset, two-factor (sign-in itself: config/urls.py)

    def ready(self) -> None:
        from coopreview.accounts import mfa  # noqa: F401 — connects the sign-in receiver
