"""The anonymised statistics: small counts suppressed (and a second group so the first cannot be worked
out from the total), delays only for published groups, drafts never counted, exact for administrators."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coopreview.assistance.enums import Kind, Status
from coopreview.assistance.models import AssistanceRequest
from coopreview.assistance.statistics import request_statistics
from coopreview.core.testing import client_for

pytestmark = pytest.mark.django_db


def make(orgs, n, state, *, status=Status.EXECUTED, kind=Kind.ARREST_SURRENDER, start=0):
    for i in range(n):
        AssistanceRequest.objects.create(
            reference=f"T-{state}-{status}-{start + i}",
            requesting_organ=orgs["OTP"],
            requested_state=orgs[state],
            kind=kind,
            language="en",
            title=f"Secret {state} {i}",
            status=status,
            sent_on=date(2026, 1, 1),
            acknowledged_on=date(2026, 1, 1 + 2 * (i + 1)) if status != Status.SENT else None,
            closed_on=date(2026, 2, 1) if status == Status.EXECUTED else None,
        )


def test_small_groups_suppressed_with_a_second_group(orgs):
    make(orgs, 6, "SEN")
    make(orgs, 1, "FRA")
    make(orgs, 5, "ALB")
    make(orgs, 3, "FRA", status=Status.DRAFT, start=10)  # drafts never count

    states = {r.label: r for r in request_statistics(exact=False)["state"].rows}

    assert states["France"].suppressed and states["France"].count == 0
    assert states["Albania"].suppressed  # else France = total − Senegal − Albania
    assert not states["Senegal"].suppressed and states["Senegal"].count == 6
    assert states["Senegal"].acknowledge_days == 7.0  # median of 2, 4, … 12
    assert states["Senegal"].execute_days == 31.0
    assert states["France"].acknowledge_days is None


def test_exact_figures_for_administrators(orgs):
    make(orgs, 1, "FRA")

    table = request_statistics(exact=True)["state"]

    assert [(r.label, r.count, r.suppressed) for r in table.rows] == [("France", 1, False)]
    assert table.total == 1


def test_total_below_the_threshold_is_suppressed(orgs):
    make(orgs, 2, "SEN")

    table = request_statistics(exact=False)["kind"]

    assert table.total_suppressed and table.total == 0
    assert all(r.suppressed for r in table.rows)


def test_statistics_page_charts_with_tables(orgs, admin_user, outsider):
    make(orgs, 6, "SEN")
    make(orgs, 1, "FRA")

    public = client_for(None).get(reverse("assistance:statistics")).content.decode()
    exact = client_for(admin_user).get(reverse("assistance:statistics")).content.decode()

    assert "<svg" in public and 'class="chart-data"' in public
    assert "Senegal" in public and "Secret" not in public and "T-SEN" not in public
    assert "fewer than 5 (suppressed)" in public
    assert "fewer than 5" not in exact and "<td>1</td>" in exact


def test_no_empty_chart_when_every_group_is_suppressed(orgs):
    make(orgs, 2, "SEN")

    public = client_for(None).get(reverse("assistance:statistics")).content.decode()

    # an empty chart would say "Nothing to count." beside a table that counts 2 requests, suppressed
    assert '<figure class="chart"' not in public
    assert "fewer than 5 (suppressed)" in public


def _list_queries(user) -> int:
    client = client_for(user)
    client.get(reverse("assistance:index"))  # warm the session and the language
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("assistance:index")).status_code == 200
    return len(ctx.captured_queries)


def test_list_queries_constant(orgs, court_focal_point):
    make(orgs, 1, "SEN", status=Status.SENT)
    one = _list_queries(court_focal_point)
    make(orgs, 3, "FRA", status=Status.SENT, start=5)

    three = _list_queries(court_focal_point)

    assert one == three
