"""One report over the scales of one run: every figure at every scale, its growth from the smallest to
the largest scale, and a stated prediction at 10,000,000 recommendations from a log-log fit."""

import math

PREDICT_AT = 10_000_000


def fit(points: list[tuple[float, float]]) -> tuple[float, float] | None:
    """Least squares on log(value) = log(a) + b·log(rows): returns (a, b), or None with < 2 points."""
    pts = [(math.log(x), math.log(y)) for x, y in points if x > 0 and y > 0]
    if len(pts) < 2 or len({x for x, _ in pts}) < 2:
        return None
    mx = sum(x for x, _ in pts) / len(pts)
    my = sum(y for _, y in pts) / len(pts)
    b = sum((x - mx) * (y - my) for x, y in pts) / sum((x - mx) ** 2 for x, _ in pts)
    return math.exp(my - b * mx), b


def _get(doc: dict, path: tuple):
    node = doc
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def _level(levels, connections: int, key: str):
    level = next((x for x in levels or [] if x["connections"] == connections), None)
    return level[key] if level else None


GROUPS = {
    "search": "/search/ against Datasette over HTTP (ms; ratio of medians)",
    "list": "/recommendations/?q= against Datasette over HTTP (ms; ratio of medians)",
    "pages": "Other pages over HTTP (ms) and SQL queries per request",
    "several": "Several servers: /search/ on two servers over HTTP (ms), a new server's catch-up (s), "
    "a change's lag until the other server's search finds it (ms)",
    "throughput": "Search throughput under wrk (req/s)",
    "jobs": "Job queue (jobs/s)",
    "writes": "Writes through the web form (SQL queries)",
    "secondary": "Secondary: in-process",
}


def figures(doc: dict) -> dict[str, float | None]:
    """The figures followed across scales ("group: name" → value), from one results document."""
    out: dict[str, float | None] = {}
    compare = _get(doc, ("http", "compare", "personas")) or {}
    for page in ("search", "list"):
        for persona, kinds in compare.items():
            for kind, f in kinds.items():
                for stat in ("median_ms", "p95_ms"):
                    out[f"{page}: platform {stat[:-3]} ({persona}, {kind})"] = _get(
                        f, (f"platform_{page}", stat)
                    )
                    out[f"{page}: Datasette {stat[:-3]} ({persona}, {kind})"] = _get(
                        f, (f"peer_{page}", stat)
                    )
                out[f"{page}: ratio ({persona}, {kind})"] = f.get(f"ratio_{page}")
    for name, page in (_get(doc, ("http", "pages")) or {}).items():
        out[f"pages: {name} p50"] = page["all"]["median_ms"]
        out[f"pages: {name} p95"] = page["all"]["p95_ms"]
        out[f"pages: {name} SQL queries (max over personas)"] = max(page["queries"].values())
    out |= _several(doc.get("multiserver"))
    for c in (16, 64):
        out[f"throughput: search page, {c} connections"] = _level(_get(doc, ("http", "search")), c, "rps")
        out[f"throughput: Datasette, {c} connections"] = _level(_get(doc, ("http", "peer_search")), c, "rps")
    for name in ("edit", "create"):
        out[f"writes: {name}, SQL queries"] = _get(doc, ("http", "writes", name, "queries"))
        out[f"writes: {name}, index updates"] = _get(doc, ("http", "writes", name, "index_updates"))
    for broker in ("database", "redis"):
        for stat, label in (("jobs_per_second", "jobs/s"), ("steady_jobs_per_second", "steady jobs/s")):
            out[f"jobs: {broker} broker, {label}"] = _get(doc, ("apps", "jobs", f"{broker}_broker", stat))
    out["secondary: search selector median ms"] = _get(doc, ("search", "platform", "median_ms"))
    out["secondary: search selector p95 ms"] = _get(doc, ("search", "platform", "p95_ms"))
    return out


def _several(m: dict | None) -> dict[str, float | None]:
    """The multi-server figures (None each when the section failed, so the row shows the gap)."""
    if m is None:
        return {}
    ok = "error" not in m
    out: dict[str, float | None] = {}
    for server in ("A", "B"):
        for stat in ("median_ms", "p95_ms"):
            value = _get(m, ("search", "servers", server, "all", stat)) if ok else None
            out[f"several: /search/ {stat[:-3]}, server {server}"] = value
    out["several: catch-up of a new server (s)"] = _get(m, ("catch_up", "seconds")) if ok else None
    for stat in ("median_ms", "p95_ms", "max_ms"):
        value = _get(m, ("propagation", "lag_ms", "B", stat)) if ok else None
        out[f"several: change found on the other server, {stat[:-3]} lag"] = value
    return out


def _row(name: str, rows: list[int], values: list) -> str:
    cells = ["" if v is None else f"{v:g}" for v in values]
    known = [(r, v) for r, v in zip(rows, values, strict=True) if v is not None]
    growth = slope = predicted = ""
    if len(known) >= 2 and known[0][1]:
        growth = f"{known[-1][1] / known[0][1]:.2f}×"
        fitted = fit(known)
        if fitted:
            a, b = fitted
            slope, predicted = f"{b:.2f}", f"{a * PREDICT_AT**b:.3g}"
    return f"| {name} | " + " | ".join(cells) + f" | {growth} | {slope} | {predicted} |"


def markdown(docs: list[dict]) -> str:
    docs = sorted(docs, key=lambda d: d["rows"]["recommendations"])
    rows = [d["rows"]["recommendations"] for d in docs]
    per_doc = [figures(d) for d in docs]
    names = list(dict.fromkeys(n for f in per_doc for n in f))
    header = "| figure | " + " | ".join(f"{r:,}" for r in rows)
    header += " | growth first→last | log-log slope | predicted at 10 M |"
    lines = [
        f"# Benchmark over {len(docs)} scales ({docs[0]['db']}, commit {docs[0].get('commit', '?')})",
        "",
        "Each column is one scale of the same run (recommendations; knowledge entries a tenth of them). "
        "Growth is last/first. The last column is a prediction, not a measurement: value = a·rows^b "
        "fitted by least squares on the logarithms of every scale, evaluated at 10,000,000 rows; a "
        "slope b near 0 means the figure does not grow with the corpus, near 1 that it grows linearly. "
        "The smoke scales (tiny, small) compare on the first 5 or 10 queries of each set, the numbered "
        "scales on all of them; with two scales the fit is a line through two noisy points.",
    ]
    for group, title in GROUPS.items():
        mine = [n for n in names if n.startswith(f"{group}: ")]
        if not mine:
            continue
        lines += ["", f"## {title}", "", header, "|---|" + "---|" * (len(rows) + 3)]
        for name in mine:
            lines.append(_row(name.split(": ", 1)[1], rows, [f.get(name) for f in per_doc]))
    lines += ["", "Per-scale summaries (targets marked met or missed at each scale):", ""]
    lines += [f"- {d['rows']['recommendations']:,}: {d.get('summary_file', '?')}" for d in docs]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # regenerate: python -m bench.scales OUT.md RESULT.json RESULT.json ...
    import json
    import sys
    from pathlib import Path

    results = []
    for name in sys.argv[2:]:
        doc = json.loads(Path(name).read_text())
        doc["summary_file"] = Path(name).with_suffix(".md").name
        results.append(doc)
    Path(sys.argv[1]).write_text(markdown(results))
