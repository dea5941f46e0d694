from unittest import mock

from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from coopreview.core import context_processors


def test_navigation_is_built_once_per_request_and_again_for_the_next(db):
    first, second = RequestFactory().get("/recommendations/"), RequestFactory().get("/followup/")
    first.user = second.user = AnonymousUser()

    with mock.patch.object(context_processors, "nav_items", wraps=context_processors.nav_items) as items:
        a, b = context_processors.navigation(first), context_processors.navigation(first)
        c = context_processors.navigation(second)

    assert items.call_count == 2
    assert a is b and a["nav_items"]
    assert [i["current"] for i in a["nav_items"]] != [i["current"] for i in c["nav_items"]]
