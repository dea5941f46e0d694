from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from coopreview.api import web
from coopreview.api.views import followup, imports, knowledge, meetings, recommendations

app_name = "api"

router = DefaultRouter()
router.register("organisations", recommendations.OrganisationViewSet, basename="organisation")
router.register("priority-flags", recommendations.PriorityFlagViewSet, basename="priority-flag")
router.register("themes", recommendations.ThemeViewSet, basename="theme")
router.register("sources", recommendations.SourceViewSet, basename="source")
router.register("sections", recommendations.SectionViewSet, basename="section")
router.register("recommendations", recommendations.RecommendationViewSet, basename="recommendation")
router.register("categorisations", followup.CategorisationViewSet, basename="categorisation")
router.register("stakeholder-views", followup.StakeholderViewViewSet, basename="stakeholder-view")
router.register("followup-parts", followup.FollowupPartViewSet, basename="followup-part")
router.register("actions", followup.ActionViewSet, basename="action")
router.register("progress-updates", followup.ProgressUpdateViewSet, basename="progress-update")
router.register("links", followup.LinkViewSet, basename="link")
router.register("meetings", meetings.MeetingViewSet, basename="meeting")
router.register("agenda-items", meetings.AgendaItemViewSet, basename="agenda-item")
router.register("state-profiles", knowledge.StateProfileViewSet, basename="state-profile")
router.register("practices", knowledge.PracticeViewSet, basename="practice")
router.register("case-law", knowledge.CaseLawViewSet, basename="case-law")
router.register("documents", knowledge.DocumentViewSet, basename="document")
router.register("imports", imports.ImportViewSet, basename="import")

urlpatterns = [
    path("v1/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("v1/docs/", web.ApiDocsView.as_view(url_name="api:schema"), name="docs"),
    path("v1/", include(router.urls)),
    # The user's own tokens: a web page (session only), not part of the API.
    path("tokens/", web.token_list_view, name="tokens"),
    path("tokens/<int:pk>/revoke/", web.token_revoke_view, name="token-revoke"),
]
