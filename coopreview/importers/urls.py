from django.urls import path

from coopreview.importers import views

app_name = "importers"
urlpatterns = [
    path("", views.upload_view, name="upload"),
    path("template.xlsx", views.template_view, name="template"),
    path("<int:pk>/", views.preview_view, name="preview"),
    path("<int:pk>/apply/", views.apply_view, name="apply"),
    path("<int:pk>/source/", views.source_view, name="source"),
    path("<int:pk>/cancel/", views.cancel_view, name="cancel"),
    path("<int:pk>/names/", views.name_mapping_view, name="names"),
    path("<int:pk>/colours/", views.colour_flag_view, name="colours"),
]
