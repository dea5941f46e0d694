from django.urls import path

from coopreview.reports import views

app_name = "reports"
urlpatterns = [
    path("download/", views.report_download_view, name="download"),
    path("jobs/<int:pk>/", views.report_job_view, name="job"),
    path("jobs/<int:pk>/file/", views.report_job_file_view, name="job-file"),
]
