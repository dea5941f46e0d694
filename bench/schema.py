"""The shape every results file must have (issue 9), checked before a run writes it and by the tests."""

NUMBER = (int, float)


def _number(errors: list[str], doc: dict, path: str) -> None:
    node = doc
    for key in path.split("."):
        if not isinstance(node, dict) or key not in node:
            errors.append(f"missing {path}")
            return
        node = node[key]
    if isinstance(node, bool) or not isinstance(node, NUMBER) or node < 0:
        errors.append(f"{path} is not a non-negative number: {node!r}")


def validate(doc: dict) -> list[str]:
    """Return the problems found (empty when the document is complete)."""
    errors: list[str] = []
    for key in ("scale", "db", "rows", "search", "http", "memory_mb", "apps", "machine"):
        if key not in doc:
            errors.append(f"missing {key}")
    if errors:
        return errors
    if doc["db"] not in ("sqlite", "postgres"):
        errors.append(f"db is {doc['db']!r}")
    _number(errors, doc, "rows.recommendations")
    for engine in ("platform", "floor"):
        for stat in ("median_ms", "p95_ms"):
            _number(errors, doc, f"search.{engine}.{stat}")
    _number(errors, doc, "search.ratio_platform_floor")
    if doc["db"] == "sqlite":
        _number(errors, doc, "search.peer.median_ms")
        _number(errors, doc, "search.peer.p95_ms")
        _number(errors, doc, "search.ratio_platform_peer")
    elif "peer" not in doc["search"] or "ratio_platform_peer" not in doc["search"]:
        errors.append("search.peer and search.ratio_platform_peer must be present (null without a peer)")
    for endpoint in ("list_page", "search") + (("peer_search",) if doc["db"] == "sqlite" else ()):
        levels = doc["http"].get(endpoint)
        if not isinstance(levels, list) or [x.get("connections") for x in levels] != [1, 16, 64]:
            errors.append(f"http.{endpoint} must hold the 1, 16 and 64 connection levels")
            continue
        for i, level in enumerate(levels):
            for stat in ("rps", "p50_ms", "p95_ms", "p99_ms", "errors"):
                value = level.get(stat)
                if isinstance(value, bool) or not isinstance(value, NUMBER) or value < 0:
                    errors.append(f"http.{endpoint}[{i}].{stat} is not a non-negative number: {value!r}")
    _http_headline(errors, doc)
    _multiserver(errors, doc)
    if not isinstance(doc["apps"], dict):
        errors.append("apps must be an object")
    if not isinstance(doc["memory_mb"], dict) or "server" not in doc["memory_mb"]:
        errors.append("memory_mb.server missing")
    return errors


def _http_headline(errors: list[str], doc: dict) -> None:
    """Issue 17: the HTTP comparison (SQLite: Datasette is the peer), the other pages, the writes."""
    http = doc["http"]
    if doc["db"] == "sqlite":
        personas = (http.get("compare") or {}).get("personas") or {}
        if set(personas) != {"anonymous", "member", "restricted_member"}:
            errors.append("http.compare.personas must hold anonymous, member and restricted_member")
        for persona in personas:
            for endpoint in ("platform_search", "peer_search", "platform_list", "peer_list"):
                for stat in ("median_ms", "p95_ms"):
                    _number(errors, doc, f"http.compare.personas.{persona}.all.{endpoint}.{stat}")
    pages = http.get("pages")
    if not isinstance(pages, dict) or not pages:
        errors.append("http.pages missing")
    else:
        for name in pages:
            _number(errors, doc, f"http.pages.{name}.all.p95_ms")
    for write in ("edit", "create"):
        _number(errors, doc, f"http.writes.{write}.queries")


def _multiserver(errors: list[str], doc: dict) -> None:
    """Issue 16: two servers on one database (bench.multiserver): their figures, or why they are missing."""
    several = doc.get("multiserver")
    if not isinstance(several, dict):
        errors.append("missing multiserver (its figures, or the error that stopped it)")
        return
    if "error" in several:
        if not isinstance(several["error"], str) or not several["error"]:
            errors.append("multiserver.error must say what failed")
        return
    for server in ("A", "B"):
        for stat in ("median_ms", "p95_ms"):
            _number(errors, doc, f"multiserver.search.servers.{server}.all.{stat}")
    for path in ("search.failure_total", "search.differing_results_total", "catch_up.seconds"):
        _number(errors, doc, f"multiserver.{path}")
    for stat in ("median_ms", "p95_ms", "max_ms"):
        _number(errors, doc, f"multiserver.propagation.lag_ms.B.{stat}")
    for path in ("propagation.edits", "propagation.timeouts", "follow_interval_s"):
        _number(errors, doc, f"multiserver.{path}")
    load = several.get("load_average_after")
    if not isinstance(load, list) or len(load) != 3:
        errors.append("multiserver.load_average_after must hold the three load averages")
