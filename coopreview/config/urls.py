from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from coopreview.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("flags.css", core_views.flags_css, name="flags-css"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("recommendations/", include("coopreview.recommendations.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "coopreview.core.views.bad_request"
handler403 = "coopreview.core.views.permission_denied"
handler404 = "coopreview.core.views.page_not_found"
handler500 = "coopreview.core.views.server_error"
