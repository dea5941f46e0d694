from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "coopreview.accounts"
    label = "accounts"
    verbose_name = _("Accounts and organisations")
    url_prefix = "accounts/"  # password change and reset, two-factor (sign-in itself: config/urls.py)

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from coopreview.accounts import (
            mfa,  # noqa: F401 — connects the sign-in receiver
            selectors,
        )
        from coopreview.accounts.models import Organisation

        def changed(sender, **kwargs) -> None:
            selectors.organisation_names_invalidate()

        # Any write of an organisation, whichever service or command made it, on whichever server.
        post_save.connect(changed, sender=Organisation, dispatch_uid="accounts_org_names_saved", weak=False)
        post_delete.connect(
            changed, sender=Organisation, dispatch_uid="accounts_org_names_deleted", weak=False
        )
