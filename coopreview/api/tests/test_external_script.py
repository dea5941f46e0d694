"""Done when: an external script imports a set, follows it up and reads it back through the API only
(scripts/api_example.py, over HTTP against the live server, with a personal access token)."""

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "api_example.py"
CSV = (
    "Reference,Recommendation\n"
    "R1,The Assembly should appoint a focal point for arrests.\n"
    "R2,The Bureau should report on cooperation every year.\n"
)


def _script():
    spec = importlib.util.spec_from_file_location("api_example", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.django_db(transaction=True)
def test_import_follow_up_and_read_back_over_http(live_server, orgs, editor, make_token, tmp_path):
    file = tmp_path / "set.csv"
    file.write_text(CSV, encoding="utf-8")
    result = _script().run(live_server.url, make_token(editor, "write"), file, "EXT/2026/1")
    assert [r["reference"] for r in result["recommendations"]] == ["R1", "R2"]
    assert {p["status"] for p in result["parts"]} == {"action_planned"}  # the action moved them on
    assert {p["narrative"] for p in result["parts"]} == {"Taken up by the Bureau."}
    assert result["actions"][0]["title"] == "Implement EXT/2026/1"
    assert len(result["actions"][0]["recommendations"]) == 2
    assert result["history"][-1]["kind"] == "created"


@pytest.mark.django_db(transaction=True)
def test_a_read_token_cannot_import(live_server, orgs, editor, make_token, tmp_path):
    file = tmp_path / "set.csv"
    file.write_text(CSV, encoding="utf-8")
    with pytest.raises(SystemExit, match="403"):
        _script().run(live_server.url, make_token(editor, "read"), file, "EXT/2026/2")
