from django.urls import path

from coopreview.webhooks import views

app_name = "webhooks"
urlpatterns = [
    path("", views.endpoint_list_view, name="endpoints"),
    path("new/", views.endpoint_create_view, name="create"),
    path("<int:pk>/", views.endpoint_detail_view, name="detail"),
    path("<int:pk>/edit/", views.endpoint_edit_view, name="edit"),
    path("<int:pk>/active/", views.endpoint_active_view, name="active"),
    path("<int:pk>/secret/", views.endpoint_secret_view, name="secret"),
    path("deliveries/", views.delivery_list_view, name="deliveries"),
    path("deliveries/<int:pk>/", views.delivery_detail_view, name="delivery"),
    path("deliveries/<int:pk>/again/", views.delivery_again_view, name="again"),
]
