from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from coopreview.core import views as core_views
from coopreview.core.apps_registry import app_url_includes
from coopreview.inbox.views import LoginView

urlpatterns = [
    path("", core_views.home, name="home"),
    path("flags.css", core_views.flags_css, name="flags-css"),
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
]
# Each app declares its url_prefix on its AppConfig (see core/apps_registry.py).
urlpatterns += [path(prefix, include(module)) for prefix, module in app_url_includes()]

handler400 = "coopreview.core.views.bad_request"
handler403 = "coopreview.core.views.permission_denied"
handler404 = "coopreview.core.views.page_not_found"
handler500 = "coopreview.core.views.server_error"
