"""Practice, case-law and State profile edits that change nothing write nothing: no history row, no new
"last updated", no search index change; the editor reads "No changes to save.". A change of links
only (the organisations a restricted entry is open to, the profiles a decision concerns) still writes
exactly one history row."""

from datetime import timedelta

import pytest
from django.urls import reverse

from coopreview.core.edits import saved_nothing
from coopreview.core.exceptions import ConcurrentEditError
from coopreview.core.testing import client_for, form_values
from coopreview.knowledge import services
from coopreview.search.models import SearchChange


def trace(entry) -> tuple:
    """What a save leaves behind: history rows, "last updated", index change log rows."""
    entry = type(entry).objects.get(pk=entry.pk)
    return entry.history.count(), entry.updated_at, SearchChange.objects.count()


@pytest.mark.parametrize(
    ("kind", "url_name"),
    [
        ("public", "knowledge:practice_edit"),
        ("restricted", "knowledge:practice_edit"),
        ("decision", "knowledge:caselaw_edit"),
    ],
)
def test_entry_form_posted_back_unchanged_writes_nothing(editor, knowledge_data, kind, url_name):
    entry = knowledge_data["decision"] if kind == "decision" else knowledge_data["practices"][kind]
    client = client_for(editor)
    url = reverse(url_name, args=[entry.pk])
    data = form_values(client.get(url).content, field="title")
    before = trace(entry)

    response = client.post(url, data, follow=True)

    assert response.redirect_chain[0][1] == 302
    assert "No changes to save." in response.content.decode()
    assert trace(entry) == before


def test_practice_opened_to_one_more_organisation_writes_one_history_row(editor, knowledge_data, orgs):
    practice = knowledge_data["practices"]["restricted"]
    client = client_for(editor)
    url = reverse("knowledge:practice_edit", args=[practice.pk])
    data = form_values(client.get(url).content, field="title")
    data["restricted_to"] = [str(orgs["OTP"].pk), str(orgs["REGISTRY"].pk)]
    history, updated_at, changes = trace(practice)

    response = client.post(url, data, follow=True)

    assert "Changes saved." in response.content.decode()
    after = trace(practice)
    assert after[0] == history + 1 and after[1] > updated_at and after[2] > changes
    assert set(practice.restricted_to.values_list("code", flat=True)) == {"OTP", "REGISTRY"}


def test_case_law_service_no_op_from_a_stale_form_and_a_links_only_change(editor, knowledge_data):
    decision = knowledge_data["decision"]
    profiles = list(decision.profiles.all())
    opened = decision.updated_at - timedelta(seconds=5)
    before = trace(decision)

    same = services.case_law_update(
        decision=decision, by=editor, expected_updated_at=opened, title=decision.title, profiles=profiles
    )

    assert saved_nothing(same) and trace(decision) == before
    with pytest.raises(ConcurrentEditError):
        services.case_law_update(decision=decision, by=editor, expected_updated_at=opened, profiles=[])
    services.case_law_update(decision=decision, by=editor, profiles=[])
    assert trace(decision)[0] == before[0] + 1 and not decision.profiles.exists()


def test_profile_update_with_its_own_values_writes_nothing(editor, knowledge_data):
    profile = knowledge_data["profiles"]["public"]
    before = trace(profile)

    same = services.profile_update(
        profile=profile, by=editor, competent_authority="Ministry of Justice", restricted_to=[]
    )

    assert saved_nothing(same) and trace(profile) == before
    services.profile_update(profile=profile, by=editor, competent_authority="Ministry of the Interior")
    assert trace(profile)[0] == before[0] + 1
