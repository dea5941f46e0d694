"""Shared fixtures: personas (one per role, plus an outsider), data that must not leak, a browser."""

import os
import shutil
from collections.abc import Iterator

import pytest
from django.contrib.auth.models import User

from coopreview.accounts.enums import OrganisationKind, Role
from coopreview.accounts.models import Organisation
from coopreview.accounts.services import membership_grant
from coopreview.recommendations.enums import Visibility
from coopreview.recommendations.models import Recommendation, Source

PASSWORD = "test-password-1"  # noqa: S105

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(autouse=True)
def _english_by_default() -> Iterator[None]:
    """Each test starts in English and leaves no language behind: a test that activates French
    (a request with the French cookie, translation.activate) must not change the next test's
    messages — with pytest-xdist the next test on a worker is any test."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _reference_rows_per_test() -> None:
    """The per-process copies of organisations, themes and flags (core.reference) may hold rows of an
    earlier test, rolled back since (and rows written in bulk send no signal): each test starts
    without them."""
    from coopreview.core.reference import forget_all

    forget_all()


@pytest.fixture(autouse=True)
def _two_factor_off_by_default(settings) -> None:
    """Two-factor authentication is required in production (MFA_REQUIRED defaults to on); tests sign
    editors in with a password or force_login, so it is off here and the tests of accounts/mfa turn
    it on to prove the enforcement. Likewise the idle timeout (its last-seen time is a session write
    on the first request, which query-count tests need not know about): accounts/tests turn it on."""
    settings.MFA_REQUIRED = False
    settings.SESSION_IDLE_TIMEOUT = 0


@pytest.fixture(autouse=True)
def _jobs_inline(settings) -> None:
    """Background jobs run inline in tests (a test's transaction never commits, so nothing would
    reach a worker); coopreview/jobs/tests run real workers in their own processes."""
    settings.JOBS_EAGER = True


@pytest.fixture(autouse=True)
def _search_index_per_test(settings, tmp_path_factory) -> None:
    """Each test gets its own search index directory: the database is rolled back after each test,
    an index directory would not be."""
    settings.SEARCH_INDEX_DIR = tmp_path_factory.mktemp("search-index")


@pytest.fixture(autouse=True)
def _search_follows_before_each_search(request, monkeypatch) -> None:
    """Pages built on the recommendation list search with the engine of /search/ (tantivy by default),
    whose index follows the change log after each commit or from the follower thread. A test's
    transaction never commits: one follower step precedes each search here, as on a server after a save.
    The search app's own tests choose for themselves (coopreview/search/conftest.py)."""
    if "/search/" in str(request.node.path):
        return
    from coopreview.search.backends.tantivy_engine import TantivyBackend
    from coopreview.search.follower import search_follow_once

    search = TantivyBackend._search

    def followed(self, *args, **kwargs):
        search_follow_once(prune=False)
        return search(self, *args, **kwargs)

    followed.__wrapped__ = search  # query-count tests follow first, then count the page's queries only
    monkeypatch.setattr(TantivyBackend, "_search", followed)


@pytest.fixture
def orgs(db) -> dict[str, Organisation]:
    """A small organisation tree: the Court and its organs, the Assembly and its bodies, three States."""

    def org(code: str, kind: str, name: str, parent: Organisation | None = None, **extra) -> Organisation:
        # update_or_create: coexists with demo or reference data loaded by the same test
        org, _ = Organisation.objects.update_or_create(
            code=code, defaults={"kind": kind, "name": name, "parent": parent, **extra}
        )
        return org

    icc = org(
        "ICC", OrganisationKind.COURT, "International Criminal Court", name_fr="Cour pénale internationale"
    )
    asp = org(
        "ASP", OrganisationKind.ASSEMBLY, "Assembly of States Parties", name_fr="Assemblée des États Parties"
    )
    return {
        "ICC": icc,
        "ASP": asp,
        "OTP": org(
            "OTP",
            OrganisationKind.COURT_ORGAN,
            "Office of the Prosecutor",
            icc,
            name_fr="Bureau du Procureur",
        ),
        "REGISTRY": org("REGISTRY", OrganisationKind.COURT_ORGAN, "Registry", icc, name_fr="Greffe"),
        "RM": org("RM", OrganisationKind.ASSEMBLY_BODY, "Review Mechanism", asp),
        "FAC-COOP": org("FAC-COOP", OrganisationKind.ASSEMBLY_BODY, "Facilitation on cooperation", asp),
        "SEN": org(
            "SEN", OrganisationKind.STATE, "Senegal", iso_alpha2="SN", is_state_party=True, name_fr="Sénégal"
        ),
        "FRA": org("FRA", OrganisationKind.STATE, "France", iso_alpha2="FR", is_state_party=True),
        "ALB": org(
            "ALB", OrganisationKind.STATE, "Albania", iso_alpha2="AL", is_state_party=True, name_fr="Albanie"
        ),
        "NGO": org("NGO", OrganisationKind.OTHER, "Observer NGO"),
    }


def _persona(username: str, role: str | None, organisation: Organisation | None, **extra) -> User:
    user = User.objects.create_user(username, email=f"{username}@example.org", password=PASSWORD, **extra)
    if role and organisation:
        membership_grant(user=user, organisation=organisation, role=role)
    return user


@pytest.fixture
def admin_user(orgs) -> User:
    return _persona("admin", Role.ADMINISTRATOR, orgs["RM"], is_staff=True, is_superuser=True)


@pytest.fixture
def editor(orgs) -> User:
    return _persona("editor", Role.EDITOR, orgs["RM"])


@pytest.fixture
def facilitator(orgs) -> User:
    return _persona("facilitator", Role.FACILITATOR, orgs["FAC-COOP"])


@pytest.fixture
def court_focal_point(orgs) -> User:
    return _persona("court", Role.COURT_FOCAL_POINT, orgs["OTP"])


@pytest.fixture
def registry_focal_point(orgs) -> User:
    return _persona("registry", Role.COURT_FOCAL_POINT, orgs["REGISTRY"])


@pytest.fixture
def state_focal_point(orgs) -> User:
    return _persona("state", Role.STATE_FOCAL_POINT, orgs["SEN"])


@pytest.fixture
def observer(orgs) -> User:
    return _persona("observer", Role.OBSERVER, orgs["NGO"])


@pytest.fixture
def outsider(db) -> User:
    """Signed in, but holds no role anywhere: must see exactly what the anonymous public sees."""
    return _persona("outsider", None, None)


@pytest.fixture
def source(db) -> Source:
    return Source.objects.create(symbol="ICC-ASP/19/16", title="Independent Expert Review — Final Report")


@pytest.fixture
def leak_data(orgs, source) -> dict[str, Recommendation]:
    """One recommendation per access layer. Tests assert the non-public ones never reach outsiders."""

    def rec(ref: str, text: str, visibility: str, restricted_to=()) -> Recommendation:
        r = Recommendation.objects.create(source=source, reference=ref, text=text, visibility=visibility)
        r.addressees.set([orgs["ICC"]])
        r.restricted_to.set(restricted_to)
        return r

    return {
        "public": rec("1", "Public recommendation on cooperation agreements.", Visibility.PUBLIC),
        "members": rec(
            "2", "Members-only zebracode recommendation on witness relocation.", Visibility.MEMBERS
        ),
        "restricted": rec(
            "3",
            "Restricted quokkacode recommendation for the Prosecutor.",
            Visibility.RESTRICTED,
            [orgs["OTP"]],
        ),
    }


@pytest.fixture
def browser_page(live_server) -> Iterator:
    """A Playwright page in Debian's Chromium. Skips with a reason when Chromium is absent — never in CI."""
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        message = (
            f"Chromium not found at {CHROMIUM}: install it with `apt-get install chromium`"
            " (scripts/test does, as root)"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = (
        "true"  # Playwright's sync API runs an event loop in this thread
    )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.base_url = live_server.url
        yield page
        context.close()
        browser.close()


def pytest_terminal_summary(terminalreporter) -> None:
    """Print what tests measured (record_property("measured", …)): recall figures of the parsers and the
    like. Goes through the reports, so it works with pytest-xdist too."""
    lines = [
        value
        for report in terminalreporter.stats.get("passed", []) + terminalreporter.stats.get("failed", [])
        for name, value in getattr(report, "user_properties", [])
        if name == "measured"
    ]
    if lines:
        terminalreporter.section("measured")
        for line in sorted(set(lines)):
            terminalreporter.write_line(line)
