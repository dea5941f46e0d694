import os
import tomllib
from pathlib import Path

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


def test_demo_command_prints_a_line_per_step_and_sets_site_url_from_port(db, capsys, monkeypatch, settings):
    monkeypatch.delenv("SITE_URL", raising=False)

    call_command("demo", "--no-serve", "--port", "8123")

    out = capsys.readouterr().out
    steps = ["Migrating the database…", "Loading the demo data…", "Indexing for search…"]
    assert [out.index(s) for s in steps] == sorted(out.index(s) for s in steps)
    assert "http://127.0.0.1:8123/accounts/login/" in out
    assert settings.SITE_URL == "http://127.0.0.1:8123"


def test_demo_command_keeps_an_explicit_site_url(db, capsys, monkeypatch, settings):
    monkeypatch.setenv("SITE_URL", "https://coopreview.example.org/")

    call_command("demo", "--no-serve", "--port", "8123")

    assert settings.SITE_URL == "https://coopreview.example.org"
    assert "https://coopreview.example.org/accounts/login/" in capsys.readouterr().out


def test_scripts_run_announces_installing_before_it_installs():
    run = (Path(__file__).resolve().parents[3] / "scripts" / "run").read_text()

    assert run.index('echo "Installing…') < run.index("scripts/install\n")
    assert 'demo --port "${PORT:-8000}"' in run


def test_licence_file_matches_pyproject():
    root = Path(__file__).resolve().parents[3]

    licence = (root / "LICENSE").read_text()
    pyproject = tomllib.loads((root / "pyproject.toml").read_text())

    assert pyproject["project"]["license"]["text"] == "AGPL-3.0-or-later"
    assert licence.startswith("GNU AFFERO GENERAL PUBLIC LICENSE\nVersion 3, 19 November 2007")
    assert "13. Remote Network Interaction; Use with the GNU General Public License." in licence
    assert "END OF TERMS AND CONDITIONS" in licence
