from django.urls import path

from coopreview.reports import views

app_name = "reports"
urlpatterns = [
    path("download/", views.report_download_view, name="download"),
]
