"""`coopreview bench`: build the corpus, measure, write bench/results/<date>-<scale>-<db>.{json,md}.

The command re-runs itself in a child process whose DATABASE_URL points at the dedicated bench database
(a SQLite file under the output directory, or the PostgreSQL database coopreview_bench), so the
platform's own settings, selectors and server run unchanged against the bench data.
"""

import datetime as dt
import importlib.util
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import psycopg

SCALES = {
    # scale: (recommendations, knowledge entries, wrk seconds per level)
    "tiny": (1_500, 200, 3),
    "small": (0, 2_000, 5),
    "full": (1_000_000, 100_000, 10),
}


def scale_settings(scale: str) -> tuple[int, int, int]:
    """(recommendations, knowledge entries, wrk seconds) of a named scale or of a number of
    recommendations ("19702" is the real UPR corpus; more are topped up with recombined ones; the
    knowledge entries are a tenth of the recommendations, as at full scale)."""
    if scale in SCALES:
        return SCALES[scale]
    rows = int(scale)
    return rows, max(200, rows // 10), 10 if rows >= 1_000_000 else 5


# The smoke scales (CI) compare on the first queries of each published set and time each page fewer
# times, to stay short; a number of recommendations runs every query.
QUERIES_PER_KIND = {"tiny": 5, "small": 10}
PAGE_REPEATS = {"tiny": 5, "small": 8}
PORT = int(os.environ.get("COOPREVIEW_BENCH_PORT", "8765"))
PEER_PORT = int(os.environ.get("COOPREVIEW_BENCH_PEER_PORT", "8766"))
# The second application server of the "several servers" section (bench.multiserver); the first is PORT.
SECOND_PORT = int(os.environ.get("COOPREVIEW_BENCH_SECOND_PORT") or PEER_PORT + 1)
PG_ADMIN_URL = os.environ.get("COOPREVIEW_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
# Another name lets a second run (a helper's smoke run) go on beside one on the default database.
PG_DB = os.environ.get("COOPREVIEW_BENCH_PG_DB", "coopreview_bench")


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def run(*, scale: str, db: str, out: Path, tiny_rows: int | None = None, apps: bool = True) -> Path:
    """Outer process: prepare an empty database, run the measurements in a child, return the JSON path."""
    out = out.resolve()
    work = out / "work"
    work.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env["COOPREVIEW_DATA_DIR"] = str(work / "var")
    env["ALLOWED_HOSTS"] = "127.0.0.1,localhost,testserver"
    env["DEBUG"] = "false"
    env["DJANGO_SETTINGS_MODULE"] = "coopreview.config.settings"
    env.pop("DATABASE_URL", None)
    env["COOPREVIEW_BENCH_APPS"] = "1" if apps else "0"
    if db == "sqlite":
        (work / scale).mkdir(exist_ok=True)
        path = work / scale / "bench.sqlite3"  # Datasette names the database after the file: "bench"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        env["DATABASE_URL"] = f"sqlite:///{path}"
    else:
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", PG_DB):
            raise SystemExit(f"COOPREVIEW_BENCH_PG_DB must be a plain lower-case name, not {PG_DB!r}")
        with psycopg.connect(f"{PG_ADMIN_URL}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {PG_DB}")
        env["DATABASE_URL"] = f"{PG_ADMIN_URL}/{PG_DB}"
    cmd = [sys.executable, "-m", "bench.inner", scale, db, str(out)]
    if tiny_rows:
        cmd.append(str(tiny_rows))
    root = Path(__file__).resolve().parent.parent
    subprocess.run(cmd, env=env, check=True, cwd=root)  # noqa: S603
    return Path((work / "last_result").read_text().strip())


def app_benchmarks() -> list[str]:
    from django.apps import apps

    names = []
    for config in apps.get_app_configs():
        if config.name.startswith("coopreview.") and importlib.util.find_spec(f"{config.name}.benchmarks"):
            names.append(config.name)
    return sorted(names)


def _call_app(module: str, scale: str, workdir: str) -> dict:
    return importlib.import_module(f"{module}.benchmarks").run(scale, Path(workdir))


def result_paths(out: Path, scale: str, db: str) -> tuple[Path, Path]:
    stem = f"{dt.datetime.now(dt.UTC):%Y-%m-%d}-{scale}-{db}"
    return out / f"{stem}.json", out / f"{stem}.md"


def run_scales(*, scales: list[str], db: str, out: Path, apps: bool = True) -> Path:
    """Several scales in one run, smallest first: each a corpus and a results document of its own, then
    one report over all of them (bench.scales) in <date>-scales-<db>.md and .json."""
    import json

    from bench import scales as scales_report

    docs = []
    for scale in scales:
        log(f"=== scale {scale}")
        path = run(scale=scale, db=db, out=out, apps=apps)
        doc = json.loads(path.read_text())
        doc["summary_file"] = path.with_suffix(".md").name
        docs.append(doc)
    stem = f"{dt.datetime.now(dt.UTC):%Y-%m-%d}-scales-{'-'.join(scales)}-{db}"
    json_path = out.resolve() / f"{stem}.json"
    json_path.write_text(json.dumps([scales_report.figures(d) | {"rows": d["rows"]} for d in docs], indent=1))
    text = scales_report.markdown(docs)
    json_path.with_suffix(".md").write_text(text)
    if max(d["rows"]["recommendations"] for d in docs) >= 1_000_000:
        (out.resolve() / "LATEST.md").write_text(text)
    return json_path
