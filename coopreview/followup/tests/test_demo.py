from coopreview.core.demo import demo_load
from coopreview.followup.models import Action, Categorisation, FollowupPart, ProgressUpdate, StakeholderView
from coopreview.followup.selectors import recommendations_where_disagree


def test_demo_loader_is_idempotent_and_realistic(db):
    demo_load()
    counts = [
        m.objects.count() for m in (Categorisation, StakeholderView, FollowupPart, Action, ProgressUpdate)
    ]

    demo_load()

    assert [
        m.objects.count() for m in (Categorisation, StakeholderView, FollowupPart, Action, ProgressUpdate)
    ] == counts
    assert counts[0] == 17 and counts[1] == 17 and counts[3] == 1
    assert Categorisation.objects.filter(approved=True).count() == 9
    court_274 = FollowupPart.objects.get(recommendation__reference="274", side="court")
    assert (
        court_274.status == "in_progress"
        and court_274.history.filter(history_user__username="court").exists()
    )
    assert ProgressUpdate.objects.get().state == "published"
    from django.contrib.auth.models import AnonymousUser

    disagree = {r.reference for r in recommendations_where_disagree(user=AnonymousUser())}
    assert "149" in disagree and "274" not in disagree
    assert StakeholderView.objects.filter(priority_flag__name="Facilitation priority").count() == 2
