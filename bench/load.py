"""Servers under load: the platform behind gunicorn, Datasette beside it, wrk at 1, 16 and 64 connections."""

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CONNECTIONS = [1, 16, 64]
WRK_LUA = """
local paths = {%s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%%d,"duration_us":%%d,"connect":%%d,"read":%%d,"write":%%d,"status":%%d,' ..
    '"timeout":%%d,"p50_us":%%d,"p95_us":%%d,"p99_us":%%d,"max_us":%%d}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
"""


def wait_for_port(port: int, timeout: float = 120) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"nothing listens on port {port} after {timeout}s")


def start_gunicorn(port: int, workers: int, log: Path, env: dict | None = None) -> subprocess.Popen:
    """The platform as `coopreview serve` runs it: gunicorn, sync workers, our own port; `env` adds to
    or overrides this process's environment (another data directory: another server)."""
    cmd = [sys.executable, "-m", "gunicorn", "coopreview.config.wsgi:application"]
    cmd += ["--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--timeout", "120"]
    from django.conf import settings

    # One machine: this process's key (generated into the data directory when SECRET_KEY is unset) is
    # the one gunicorn needs; on PostgreSQL the servers refuse to start without SECRET_KEY set.
    env = {**os.environ, "SECRET_KEY": settings.SECRET_KEY, **(env or {})}
    proc = subprocess.Popen(cmd, stdout=log.open("w"), stderr=subprocess.STDOUT, env=env)  # noqa: S603
    wait_for_port(port)
    return proc


def peer_list_index(db: Path) -> None:
    """Datasette's list search (`_search` on the recommendations table) needs an FTS5 table of its own;
    the platform no longer keeps one (its list searches through coopreview/search), so the bench builds
    it for the peer, once, before Datasette opens the file immutable. Not timed."""
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        with conn:
            conn.execute(
                "CREATE VIRTUAL TABLE IF NOT EXISTS recommendations_fts USING fts5(reference, text, text_fr, "
                "content='recommendations_recommendation', content_rowid='id', "
                "tokenize='unicode61 remove_diacritics 2')"
            )
            conn.execute("INSERT INTO recommendations_fts(recommendations_fts) VALUES ('rebuild')")
        # Datasette opens the file immutable, which ignores the write-ahead log: fold it into the file.
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def start_datasette(db: Path, port: int, log: Path) -> subprocess.Popen:
    """Datasette serving the same SQLite file, immutable (its fastest mode), time limit raised so the
    slow queries are answered rather than cut off."""
    cmd = [sys.executable, "-m", "datasette", "serve", "-i", str(db), "--port", str(port)]
    cmd += ["--setting", "sql_time_limit_ms", "60000", "--setting", "default_cache_ttl", "0"]
    # Facets computed whatever they cost (the platform's are), and no facet suggestions (it has none).
    cmd += ["--setting", "facet_time_limit_ms", "60000", "--setting", "suggest_facets", "off"]
    proc = subprocess.Popen(cmd, stdout=log.open("w"), stderr=subprocess.STDOUT)  # noqa: S603
    wait_for_port(port)
    return proc


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()


def wrk(base: str, paths: list[str], connections: int, seconds: int) -> dict:
    lua = WRK_LUA % ", ".join(json.dumps(p) for p in paths)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(lua)
    threads = min(connections, 2)
    cmd = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s", "--timeout", "30s"]
    cmd += ["-s", fh.name, base]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout  # noqa: S603
    os.unlink(fh.name)
    line = next(x for x in out.splitlines() if x.startswith("WRKJSON "))
    data = json.loads(line[len("WRKJSON ") :])
    errors = sum(data[k] for k in ("connect", "read", "write", "status", "timeout"))
    return {
        "connections": connections,
        "requests": data["requests"],
        "rps": round(data["requests"] / (data["duration_us"] / 1e6), 1),
        "p50_ms": round(data["p50_us"] / 1000, 1),
        "p95_ms": round(data["p95_us"] / 1000, 1),
        "p99_ms": round(data["p99_us"] / 1000, 1),
        "max_ms": round(data["max_us"] / 1000, 1),
        "errors": errors,
        "errors_detail": {k: data[k] for k in ("connect", "read", "write", "status", "timeout")},
    }


def warm_up(base: str, paths: list[str], rounds: int = 3) -> None:
    """Workers load the application lazily: a few sequential passes before measuring."""
    import urllib.request

    for _ in range(rounds):
        for path in paths:
            with urllib.request.urlopen(base + path, timeout=300) as response:  # noqa: S310 — our server
                response.read()


def load_levels(base: str, paths: list[str], seconds: int, log=print) -> list[dict]:
    warm_up(base, paths, rounds=1)
    results = []
    for connections in CONNECTIONS:
        result = wrk(base, paths, connections, seconds)
        log(f"  {base}{paths[0][:60]}… c={connections}: {result['rps']} req/s p95 {result['p95_ms']} ms")
        results.append(result)
    return results
