from django.urls import path

from coopreview.followup import views

app_name = "followup"
urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("schedule/", views.schedule_view, name="schedule"),
    path("changes/", views.changes_view, name="changes"),
    path("bulk/", views.bulk_change_view, name="bulk"),
    path("recommendation/<int:pk>/", views.panel_view, name="panel"),
    path("recommendation/<int:pk>/categorise/", views.categorise_view, name="categorise"),
    path("recommendation/<int:pk>/approve/", views.approve_view, name="approve"),
    path("recommendation/<int:pk>/view/", views.stakeholder_view_view, name="stakeholder-view"),
    path("recommendation/<int:pk>/action/", views.action_create_view, name="action-create"),
    path("part/<int:pk>/", views.part_edit_view, name="part-edit"),
    path("part/<int:pk>/status/", views.part_transition_view, name="part-transition"),
    path("action/<int:pk>/", views.action_detail_view, name="action"),
    path("action/<int:pk>/update/", views.update_create_view, name="update-create"),
    path("update/<int:pk>/validate/", views.update_validate_view, name="update-validate"),
    path("attachment/<int:pk>/", views.attachment_view, name="attachment"),
]
