import os

from django.contrib.auth.models import User
from django.core.management import call_command

from coopreview.accounts.models import Organisation
from coopreview.core.demo import DEMO_USERS, demo_load
from coopreview.recommendations.models import Recommendation


def test_demo_loads_the_seed_annex_once(db):
    demo_load()
    demo_load()

    recs = Recommendation.objects.all()
    assert recs.count() == 17
    assert User.objects.count() == len(DEMO_USERS)
    assert Organisation.objects.filter(is_state_party=True).count() > 100
    by_ref = {r.reference: r for r in recs.prefetch_related("priority_flags", "addressees")}
    assert {f.name for f in by_ref["274"].priority_flags.all()} == {
        "Facilitation priority",
        "IER Annex I priority",
    }
    assert {f.name for f in by_ref["290"].priority_flags.all()} == {"Facilitation priority"}
    assert {a.code for a in by_ref["284"].addressees.all()} == {"ASP"}
    assert {a.code for a in by_ref["152"].addressees.all()} == {"ASP", "ICC"}
    assert by_ref["279"].section.title == "Cooperation Requests - JCCD International Cooperation Section"
    assert by_ref["278"].text.endswith("to assist in achieving the same goals.")


def test_demo_command_prints_how_to_sign_in(db, capsys, monkeypatch):
    monkeypatch.setenv("MFA_REQUIRED", "")  # so that the test's end restores the variable as it was
    monkeypatch.delenv("MFA_REQUIRED")

    call_command("demo", "--no-serve")

    out = capsys.readouterr().out
    assert "coopreview-demo" in out and "editor" in out and "http://127.0.0.1:8000/accounts/login/" in out
    assert "Two-factor authentication is OFF for this demo" in out
    assert os.environ["MFA_REQUIRED"] == "false"  # inherited by the server the demo starts
