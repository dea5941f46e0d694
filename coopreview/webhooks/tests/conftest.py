"""A receiver on loopback (a real HTTP server in a thread) and the fixtures of the apps that emit events."""

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from coopreview.followup.conftest import recs  # noqa: F401  (fixtures of the emitting apps)
from coopreview.meetings.conftest import flag, make_meeting, meeting  # noqa: F401


@dataclass
class Receiver:
    url: str
    status: int = 200
    received: list[dict] = field(default_factory=list)

    def bodies(self) -> list[dict]:
        return [json.loads(r["body"]) for r in self.received]


@pytest.fixture(autouse=True)
def loopback_allowed(settings) -> None:
    """The receiver below listens on loopback, which production refuses (test_address_guard.py)."""
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    box = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            box.received.append({"path": self.path, "headers": dict(self.headers), "body": body})
            self.send_response(box.status)
            if 300 <= box.status < 400:
                self.send_header("Location", "/elsewhere")
            self.end_headers()
            self.wfile.write(b"receiver says no" if box.status >= 300 else b"ok")

        def log_message(self, *args) -> None:  # keep the test output quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    box.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    yield box
    server.shutdown()
    server.server_close()
