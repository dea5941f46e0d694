from django.urls import path

from coopreview.knowledge import views

app_name = "knowledge"
urlpatterns = [
    path("", views.index_view, name="index"),
    path("states/<str:code>/", views.state_view, name="state"),
    path("sections/<int:pk>/verify/", views.verify_view, name="verify"),
    path("sections/<int:pk>/propose/", views.propose_view, name="propose"),
    path("sections/<int:pk>/history/", views.profile_history_view, name="history"),
    path("review/", views.review_view, name="review"),
    path("review/<int:pk>/", views.decide_view, name="decide"),
    path("practices/", views.practice_list_view, name="practices"),
    path("practices/<int:pk>/", views.practice_detail_view, name="practice"),
    path("case-law/", views.case_law_list_view, name="caselaw_list"),
    path("case-law/<int:pk>/", views.case_law_detail_view, name="caselaw"),
    path("documents/<int:pk>/", views.document_view, name="document"),
]
