import json

import pytest
from django.core.management import CommandError, call_command

from coopreview.lineage import services
from coopreview.lineage.models import Link


def _run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("link", *args, stdout=out)
    return out.getvalue()


def test_suggest_prints_scores_with_paraphrase_first(sets):
    out = _run("suggest", "--from", "A/HRC/20/1", "--to", "A/HRC/8/1", "--top", "1")

    first = next(line for line in out.splitlines() if line.startswith("A/HRC/20/1 90.1\t"))
    assert first.endswith("Ratify the Optional Protocol to the Convention against Torture (France).")
    assert "A/HRC/8/1 67.1" in first and "=" in first.split("\t")[1]


def test_suggest_json_by_id(sets):
    data = json.loads(
        _run(
            "suggest",
            "--from",
            str(sets["new"].pk),
            "--to",
            str(sets["old"].pk),
            "--json",
            "--method",
            "tfidf-plain",
        )
    )

    assert data["method"] == "tfidf-plain" and data["to"] == "A/HRC/8/1"
    assert all(isinstance(s["score"], float) for s in data["suggestions"])


def test_suggest_as_outsider_hides_records(outsider, sets):
    out = _run("--user", "outsider", "suggest", "--from", "A/HRC/8/1", "--to", "A/HRC/20/1", "--top", "20")

    assert "90.5" not in out and "90.6" not in out and "90.1" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["suggest", "--from", "NOPE", "--to", "A/HRC/8/1"], "Unknown source: NOPE"),
        (
            ["suggest", "--from", "A/HRC/20/1", "--to", "A/HRC/8/1", "--method", "bm99"],
            "Unknown method: bm99",
        ),
        (["groups", "--source", "12345"], "Unknown source: 12345"),
        (["groups", "--source", "A/HRC/8/1", "--build"], "give --user"),
    ],
)
def test_bad_input_is_a_command_error(sets, args, message):
    with pytest.raises(CommandError, match=message):
        _run(*args)


def test_groups_build_and_print(editor, sets):
    out = _run("--user", "editor", "groups", "--source", "A/HRC/8/1", "--build")
    data = json.loads(_run("groups", "--source", "A/HRC/8/1", "--json"))

    assert "67.2, 67.3" in out
    assert any({m["reference"] for m in g["members"]} == {"67.2", "67.3"} for g in data["groups"])


def test_export_then_import_round_trip(editor, sets, tmp_path):
    services.link_create(
        by=editor,
        from_pk=sets["new_opcat"].pk,
        to_pk=sets["old_opcat"].pk,
        link_type="duplicates",
        reason="same",
    )
    for fmt in ("csv", "json"):
        path = tmp_path / f"links.{fmt}"
        _run("export", "--format", fmt, "--output", str(path))
        Link.objects.all().delete()

        out = _run("--user", "editor", "import", str(path))

        assert "1 links imported" in out
        link = Link.objects.get()
        assert (link.link_type, link.reason, link.origin) == ("duplicates", "same", "import")


def test_import_bad_row_saves_nothing(editor, sets, tmp_path):
    path = tmp_path / "links.json"
    path.write_text(
        json.dumps(
            [
                {"from_id": sets["new_nhri"].pk, "to_id": sets["old_nhri"].pk, "link_type": "overlaps"},
                {"from_id": sets["new_fgm"].pk, "to_id": sets["old_crpd"].pk, "link_type": "cousin"},
            ]
        )
    )

    with pytest.raises(CommandError, match="Row 2: Unknown link type: cousin"):
        _run("--user", "editor", "import", str(path))
    assert Link.objects.count() == 0


def test_suggest_with_unavailable_method_warns_and_falls_back(sets, monkeypatch, capsys):
    from io import StringIO

    from coopreview.lineage import similarity

    def missing():
        raise similarity.MethodUnavailable("not installed")

    monkeypatch.setattr(similarity, "load_embedding_model", missing)
    out, err = StringIO(), StringIO()

    call_command(
        "link",
        "suggest",
        "--from",
        "A/HRC/20/1",
        "--to",
        "A/HRC/8/1",
        "--method",
        "embeddings",
        stdout=out,
        stderr=err,
    )

    assert "unavailable" in err.getvalue()
    assert "A/HRC/8/1 67.1" in out.getvalue()
