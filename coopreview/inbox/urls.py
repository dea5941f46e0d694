from django.urls import path

from coopreview.inbox import views

app_name = "inbox"
urlpatterns = [
    path("", views.my_work_view, name="my-work"),
    path("start/", views.landing_view, name="landing"),
    path("queue/", views.queue_view, name="queue"),
    path("notifications/", views.notifications_view, name="notifications"),
]
