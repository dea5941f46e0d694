"""People are shown by name and organisation, never by the name they sign in with."""

import re

from django.contrib.auth.models import User
from django.test import Client

from coopreview.accounts.display import user_display_name
from coopreview.core.demo import DEMO_USERS, demo_load
from coopreview.knowledge.models import StateProfile
from coopreview.meetings.models import Meeting
from coopreview.recommendations.models import Recommendation

LOGIN_NAMES = "|".join(u.username for u in DEMO_USERS)
# A login name where a person is named: "by editor", "par editor", "<strong>editor</strong>", "editor (…)"
BY_LOGIN = re.compile(rf"(\b(by|par)\s+|<strong>|<td>|<li>)({LOGIN_NAMES})\b")


def test_user_display_name_is_name_and_organisation_never_the_login(db):
    demo_load()
    editor = User.objects.get(username="editor")
    nameless = User.objects.create_user("jdoe")

    assert user_display_name(editor) == "Amara Okonkwo (Review Mechanism)"
    assert user_display_name(nameless) == "unnamed user"
    assert user_display_name(None) == "—"


def test_demo_users_have_real_looking_names(db):
    demo_load()

    names = {u.username: u.get_full_name() for u in User.objects.all()}

    assert all(name and " " in name for name in names.values()), names
    assert names["state"] == "Aïssatou Ndiaye"


def test_anonymous_pages_never_name_people_by_login(db):
    demo_load()
    client = Client()
    urls = [f"/recommendations/{pk}/" for pk in Recommendation.objects.values_list("pk", flat=True)]
    urls += [f"/meetings/{pk}/" for pk in Meeting.objects.values_list("pk", flat=True)]
    urls += ["/lineage/links/", "/followup/changes/", "/recommendations/", "/meetings/"]
    states = StateProfile.objects.values_list("state__code", flat=True).distinct()
    urls += [f"/cooperation/states/{code}/" for code in states]

    seen_by = 0
    for url in urls:
        body = client.get(url, follow=True).content.decode()
        assert not BY_LOGIN.search(body), (url, BY_LOGIN.search(body))
        seen_by += body.count("Okonkwo") + body.count("Ferreyra") + body.count("Ndiaye")

    assert seen_by > 0  # the pages do name people, by their names
