"""The report over scales: each figure at each scale, growth, and a log-log prediction at 10 M."""

import math

import pytest

from bench import scales


def test_fit_recovers_a_power_law():
    a, b = scales.fit([(10, 3 * 10**0.5), (1000, 3 * 1000**0.5), (100_000, 3 * 100_000**0.5)])
    assert b == pytest.approx(0.5) and a == pytest.approx(3)
    assert scales.fit([(10, 1.0)]) is None


def _doc(rows: int, ms: float) -> dict:
    level = [{"connections": c, "rps": 1000 / ms} for c in (1, 16, 64)]
    return {
        "db": "sqlite",
        "rows": {"recommendations": rows},
        "summary_file": f"{rows}.md",
        "search": {"platform": {"median_ms": ms}},
        "http": {
            "search": level,
            "peer_search": level,
            "pages": {"schedule": {"all": {"median_ms": ms, "p95_ms": 2 * ms}, "queries": {"member": 7}}},
        },
    }


def test_markdown_lists_every_scale_growth_and_prediction():
    docs = [_doc(1_000_000, 40.0), _doc(20_000, 10.0), _doc(100_000, 20.0)]
    text = scales.markdown(docs)
    assert "| 20,000 | 100,000 | 1,000,000 |" in text
    row = next(line for line in text.splitlines() if line.startswith("| schedule p50 |"))
    cells = [c.strip() for c in row.split("|")]
    assert cells[2:5] == ["10", "20", "40"] and cells[5] == "4.00×"
    a, b = scales.fit([(20_000, 10.0), (100_000, 20.0), (1_000_000, 40.0)])
    assert cells[6] == f"{b:.2f}" and float(cells[7]) == pytest.approx(a * 1e7**b, rel=1e-2)
    assert "prediction, not a measurement" in text
    assert math.isclose(float(cells[7]), a * 1e7**b, rel_tol=1e-2)
