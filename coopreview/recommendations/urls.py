from django.urls import path

from coopreview.recommendations import views

app_name = "recommendations"
urlpatterns = [
    path("", views.recommendation_list_view, name="list"),
    path("sources/options/", views.source_options_view, name="source-options"),
    path("new/", views.recommendation_create_view, name="create"),
    path("sources/<int:pk>/edit/", views.source_edit_view, name="source-edit"),
    path("<int:pk>/", views.recommendation_detail_view, name="detail"),
    path("<int:pk>/edit/", views.recommendation_edit_view, name="edit"),
    path("<int:pk>/flag/<int:flag_pk>/", views.recommendation_flag_view, name="flag"),
]
