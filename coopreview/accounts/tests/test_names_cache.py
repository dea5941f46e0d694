from django.core.cache import cache

from coopreview.accounts import selectors
from coopreview.accounts.models import Organisation


def test_a_renamed_organisation_is_seen_at_once_through_the_shared_cache_version(orgs):
    assert selectors.organisation_names_by_code(["SEN"]) == {"SEN": "Senegal"}
    version = cache.get(selectors.NAMES_VERSION_KEY, 0)

    senegal = Organisation.objects.get(code="SEN")
    senegal.name = "Republic of Senegal"
    senegal.save()

    assert cache.get(selectors.NAMES_VERSION_KEY) > version
    assert selectors.organisation_names_by_code(["SEN"]) == {"SEN": "Republic of Senegal"}


def test_another_servers_write_is_seen_through_the_version_alone(orgs, django_assert_num_queries):
    selectors.organisation_names_by_code(["SEN"])
    with django_assert_num_queries(0):
        selectors.organisation_names_by_code(["SEN"])  # the per-process copy

    selectors.organisation_names_invalidate()  # what a save on another server does to the shared cache

    with django_assert_num_queries(1):
        selectors.organisation_names_by_code(["SEN"])
