#!/usr/bin/env python3
"""An external script using only the REST API: import a set of recommendations, follow them up and
read them back. Usage:

    export COOPREVIEW_URL=https://coopreview.example.org COOPREVIEW_TOKEN=crv_…
    python scripts/api_example.py set.csv ICC-ASP/24/1

The token is a personal access token with the write scope of a Review Mechanism editor (made on the
"API tokens" page). Needs `requests`.
"""

import os
import sys
import time
from pathlib import Path

import requests


class Api:
    def __init__(self, base: str, token: str) -> None:
        self.base = base.rstrip("/") + "/api/v1/"
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"

    def call(self, method: str, path: str, **kwargs) -> dict | list:
        response = self.session.request(method, self.base + path, timeout=60, **kwargs)
        if response.status_code >= 400:
            raise SystemExit(f"{method} {path}: {response.status_code} {response.text}")
        return response.json() if response.content else {}

    def wait(self, path: str, until: set[str], *, seconds: float = 120) -> dict:
        """GET `path` until its status is one of `until` (imports run as background jobs)."""
        deadline = time.monotonic() + seconds
        while True:
            state = self.call("GET", path)
            if state["status"] in until or time.monotonic() > deadline:
                return state
            time.sleep(0.5)


def run(base: str, token: str, file: Path, symbol: str) -> dict:
    api = Api(base, token)
    # 1. Import: upload (the preview is computed), check it, apply.
    with file.open("rb") as fh:
        job = api.call("POST", "imports/", files={"file": (file.name, fh)}, data={"source": symbol})
    job = api.wait(f"imports/{job['id']}/", {"ready", "failed"})
    if job["status"] != "ready" or any(p["blocking"] for p in job["problems"]):
        raise SystemExit(f"import refused: {job['error'] or job['problems']}")
    api.call("POST", f"imports/{job['id']}/apply/")
    job = api.wait(f"imports/{job['id']}/", {"applied"})
    if job["status"] != "applied":
        raise SystemExit(f"import not applied: {job['error']}")
    source = next(s for s in api.call("GET", "sources/?page_size=200")["results"] if s["symbol"] == symbol)
    recommendations = api.call("GET", f"recommendations/?source={source['id']}&page_size=200")["results"]
    # 2. Follow up: categorise each for the Assembly, assess its part, plan an action on all of them.
    assembly = next(
        o for o in api.call("GET", "organisations/?page_size=200")["results"] if o["kind"] == "assembly"
    )
    for rec in recommendations:
        api.call("POST", "categorisations/", json={"recommendation": rec["id"], "category": "assembly"})
        for part in api.call("GET", f"followup-parts/?recommendation={rec['id']}")["results"]:
            api.call("POST", f"followup-parts/{part['id']}/transition/", json={"status": "categorised"})
            api.call(
                "PATCH",
                f"followup-parts/{part['id']}/",
                json={"assessment": "positive", "narrative": "Taken up by the Bureau."},
            )
            api.call("POST", f"followup-parts/{part['id']}/transition/", json={"status": "assessed"})
    action = api.call(
        "POST",
        "actions/",
        json={
            "title": f"Implement {symbol}",
            "lead": assembly["id"],
            "recommendations": [r["id"] for r in recommendations],
        },
    )
    api.call(
        "POST", "progress-updates/", json={"action": action["id"], "text": "Work has begun.", "progress": 10}
    )
    # 3. Read back.
    return {
        "source": source,
        "recommendations": api.call("GET", f"recommendations/?source={source['id']}&page_size=200")[
            "results"
        ],
        "parts": [
            part
            for rec in recommendations
            for part in api.call("GET", f"followup-parts/?recommendation={rec['id']}")["results"]
        ],
        "actions": api.call("GET", f"actions/?recommendation={recommendations[0]['id']}")["results"],
        "history": api.call("GET", f"recommendations/{recommendations[0]['id']}/history/"),
    }


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    result = run(os.environ["COOPREVIEW_URL"], os.environ["COOPREVIEW_TOKEN"], Path(sys.argv[1]), sys.argv[2])
    for rec in result["recommendations"]:
        parts = [p for p in result["parts"] if p["recommendation"] == rec["id"]]
        print(rec["reference"], "·", ", ".join(p["status"] for p in parts), "·", rec["text"][:60])
