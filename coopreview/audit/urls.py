from django.urls import path

from coopreview.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.audit_log_view, name="log"),
    path("export.csv", views.audit_export_view, name="export"),
]
