from django.urls import path

from coopreview.meetings import views

app_name = "meetings"
urlpatterns = [
    path("", views.meeting_list_view, name="list"),
    path("new/", views.meeting_create_view, name="create"),
    path("calendar/", views.calendar_settings_view, name="calendar"),
    path("calendar/<str:token>.ics", views.calendar_feed_view, name="feed"),
    path("<int:pk>/", views.meeting_detail_view, name="detail"),
    path("<int:pk>/edit/", views.meeting_edit_view, name="edit"),
    path("<int:pk>/cancel/", views.meeting_cancel_view, name="cancel"),
    path("<int:pk>/held/", views.meeting_held_view, name="held"),
    path("<int:pk>/invite/", views.meeting_invite_view, name="invite"),
    path("<int:pk>/approve/", views.minutes_approve_view, name="approve"),
    path("<int:pk>/meeting.ics", views.meeting_ics_view, name="ics"),
    path("<int:pk>/<str:document>.<str:fmt>", views.meeting_export_view, name="export"),
    path("<int:pk>/sessions/new/", views.session_create_view, name="session-create"),
    path("<int:pk>/participants/new/", views.participant_create_view, name="participant-create"),
    path("<int:pk>/agenda/new/", views.agenda_item_create_view, name="item-create"),
    path("items/<int:pk>/minutes/", views.minutes_edit_view, name="item-minutes"),
    path("items/<int:pk>/move/", views.agenda_item_move_view, name="item-move"),
    path("items/<int:pk>/remove/", views.agenda_item_remove_view, name="item-remove"),
    path("items/<int:pk>/decisions/new/", views.decision_create_view, name="decision-create"),
    path("items/<int:pk>/documents/new/", views.document_create_view, name="document-create"),
    path("documents/<int:pk>/", views.document_download_view, name="document"),
]
