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
    path("practices/new/", views.practice_create_view, name="practice_create"),
    path("practices/<int:pk>/", views.practice_detail_view, name="practice"),
    path("practices/<int:pk>/edit/", views.practice_edit_view, name="practice_edit"),
    path("practices/<int:pk>/attachments/", views.practice_attachments_view, name="practice_attachments"),
    path("case-law/", views.case_law_list_view, name="caselaw_list"),
    path("case-law/new/", views.case_law_create_view, name="caselaw_create"),
    path("case-law/<int:pk>/", views.case_law_detail_view, name="caselaw"),
    path("case-law/<int:pk>/edit/", views.case_law_edit_view, name="caselaw_edit"),
    path("documents/<int:pk>/", views.document_view, name="document"),
    path("documents/<int:pk>/delete/", views.document_delete_view, name="document_delete"),
]
