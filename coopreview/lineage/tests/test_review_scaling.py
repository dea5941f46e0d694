"""The review page showing a finished suggestion job runs the same number of queries whether the job
found 10 pairs or 60, shows them a page at a time, and never a pair with a restricted end."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from coopreview.core.testing import client_for
from coopreview.jobs.enums import JobKind, JobState
from coopreview.jobs.models import Job
from coopreview.recommendations.enums import Visibility
from coopreview.recommendations.models import Recommendation, Source


def _finished_job(owner, n: int, orgs) -> tuple[str, int]:
    """`n` recommendations in each of two sources, one in four restricted to the OTP, and a done job
    pairing each new one with an old one."""
    import datetime

    old = Source.objects.create(symbol=f"OLD/{n}", title="Older", date=datetime.date(2019, 1, 1))
    new = Source.objects.create(symbol=f"NEW/{n}", title="Newer", date=datetime.date(2023, 1, 1))
    pairs = []
    for i in range(n):
        hidden = i % 4 == 3
        visibility = Visibility.RESTRICTED if hidden else Visibility.PUBLIC
        a = Recommendation.objects.create(
            source=new, reference=f"{i}", text=f"New {i}", visibility=visibility
        )
        b = Recommendation.objects.create(source=old, reference=f"{i}", text=f"Old {i}")
        if hidden:
            a.restricted_to.set([orgs["OTP"]])
            a.text = f"quokkacode {i}"
            a.save()
        pairs.append([a.pk, b.pk, 0.5, False])
    job = Job.objects.create(
        kind=JobKind.LINEAGE_SUGGEST,
        owner=owner,
        state=JobState.DONE,
        params={"source": new.pk},
        result={"pairs": pairs, "notes": []},
    )
    return f"/lineage/review/?source={new.pk}&job={job.pk}", len(pairs)


def _count(client, url: str) -> tuple[int, str]:
    client.get(url)  # warm: session, caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_review_of_a_finished_job_runs_a_constant_number_of_queries(facilitator, orgs):
    client = client_for(facilitator)
    small_url, _n = _finished_job(facilitator, 10, orgs)
    large_url, _n = _finished_job(facilitator, 60, orgs)

    small, small_body = _count(client, small_url)
    large, large_body = _count(client, large_url)

    assert small == large
    # 60 pairs, 15 with a restricted end left out; one page of them rendered
    assert "45 suggestions" in large_body and large_body.count('class="suggestion"') == 25
    last, last_body = _count(client, large_url + "&page=2")
    assert last == large and last_body.count('class="suggestion"') == 20
    assert 'id="suggestion-44"' in last_body  # numbered across pages: each form's prefix stays unique
    assert not any("quokkacode" in body for body in (small_body, large_body, last_body))
