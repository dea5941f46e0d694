from django.urls import path

from coopreview.assistance import views

app_name = "assistance"
urlpatterns = [
    path("", views.index_view, name="index"),
    path("new/", views.new_view, name="new"),
    path("statistics/", views.statistics_view, name="statistics"),
    path("templates/", views.templates_view, name="templates"),
    path("templates/new/", views.template_edit_view, name="template_new"),
    path("templates/<int:pk>/", views.template_edit_view, name="template_edit"),
    path("<int:pk>/", views.detail_view, name="detail"),
    path("<int:pk>/edit/", views.edit_view, name="edit"),
    path("<int:pk>/checklist/", views.checklist_view, name="checklist"),
    path("<int:pk>/status/", views.status_view, name="status"),
    path("<int:pk>/correspondence/", views.correspondence_view, name="correspondence"),
    path("<int:pk>/correspondence/<int:entry>/file/", views.attachment_view, name="attachment"),
    path("<int:pk>/share/", views.share_view, name="share"),
    path("<int:pk>/export.<str:fmt>", views.export_view, name="export"),
]
