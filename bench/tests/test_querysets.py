"""The published query sets are what the documented rule gives, not edited by hand."""

from bench import querysets


def test_committed_query_files_are_the_rules_output():
    assert querysets.load() == querysets.generate()


def test_every_set_is_full_and_the_kinds_differ():
    sets = querysets.load()
    assert set(sets) == set(querysets.KINDS)
    assert all(len(v) == querysets.PER_SET for v in sets.values())
    assert all(" " not in q for q in sets["common"] + sets["rare"])
    assert all(len(q.split()) == 2 and not q.startswith('"') for q in sets["phrases"])
    assert all(q.startswith('"') and q.endswith('"') for q in sets["quoted"])


def test_the_bands_follow_document_frequency():
    texts = ["alpha beta gamma"] * 60 + ["delta epsilon"] * 10 + [f"word{i} zeta" for i in range(30)]
    sets = querysets.generate(texts)
    assert "alpha" in sets["common"] and "zeta" in sets["common"]
    assert "delta" in sets["rare"] and "alpha" not in sets["rare"]
    assert "alpha beta" in sets["phrases"]
