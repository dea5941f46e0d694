from django.urls import path

from coopreview.lineage import views

app_name = "lineage"
urlpatterns = [
    path("", views.links_view, name="links"),
    path("review/", views.review_view, name="review"),
    path("confirm/", views.confirm_view, name="confirm"),
    path("reject/", views.reject_view, name="reject"),
    path("groups/<int:source_pk>/", views.groups_view, name="groups"),
    path("groups/<int:source_pk>/change/", views.groups_change_view, name="groups-change"),
    path("implementation/<int:source_pk>/", views.implementation_view, name="implementation"),
]
