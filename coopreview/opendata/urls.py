from django.urls import path, re_path

from coopreview.opendata import views

app_name = "opendata"
urlpatterns = [
    path("", views.index_view, name="index"),
    re_path(
        r"^recommendations\.(?P<fmt>csv|json)$", views.recommendations_download_view, name="recommendations"
    ),
    # Source symbols hold slashes (ICC-ASP/19/16): the whole rest of the path is the symbol.
    re_path(r"^sources/(?P<symbol>.+)\.(?P<fmt>csv|json)$", views.source_download_view, name="source"),
]
