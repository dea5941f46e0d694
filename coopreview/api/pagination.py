"""Page-number pagination over the list page's own paginator: counts stop at a cap (COUNT_CAP), so a
list of a million rows costs a bounded count; `count_capped` says the count is a lower bound."""

from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from coopreview.recommendations.pagination import RecommendationPaginator


class CappedPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def paginate_queryset(self, queryset, request, view=None):
        self.count_set = getattr(view, "count_set", None)
        return super().paginate_queryset(queryset, request, view)

    def django_paginator_class(self, object_list, per_page):  # the list page's paginator, same cap
        return RecommendationPaginator(
            object_list,
            per_page,
            count_set=self.count_set,
            near_page=self.request.query_params.get(self.page_query_param) if self.request else None,
        )

    def get_paginated_response(self, data) -> Response:
        paginator = self.page.paginator
        return Response(
            {
                "count": min(paginator.count, paginator.cap),
                "count_capped": paginator.capped,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict) -> dict:
        base = super().get_paginated_response_schema(schema)
        base["properties"]["count_capped"] = {"type": "boolean"}
        base["required"] = ["count", "count_capped", "results"]
        return base
