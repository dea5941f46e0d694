"""Structured logs: LOG_FORMAT=json writes each record as one JSON object a line, and
RequestLogMiddleware writes one line per request with its id, user id, path, status and duration.

A stdlib formatter of a few lines rather than python-json-logger: the fields are ours (the request
context comes from a contextvar), and one dependency fewer to keep up to date. Imported by the logging
configuration before the apps load, so nothing here imports models.
"""

import contextvars
import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from django.http import HttpRequest, HttpResponse

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
request_logger = logging.getLogger("coopreview.request")
# An id from the proxy (nginx's $request_id, X-Request-ID) is kept when it looks like an id.
_INCOMING_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_FIELDS = ("request_id", "user_id", "method", "path", "status", "duration_ms")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in _FIELDS:
            if (value := getattr(record, name, None)) is not None:
                entry[name] = value
        if "request_id" not in entry and (current := request_id_var.get()):
            entry["request_id"] = current  # any line written while serving a request carries its id
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class RequestLogMiddleware:
    """Give each request an id (X-Request-ID, echoed in the response) and log one line when it ends."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _INCOMING_ID.match(incoming) else uuid.uuid4().hex
        # Not reset when the response leaves: Django logs 4xx responses ("Not Found: …") after the
        # middleware chain returns, and that line should carry the id too. The next request sets its own.
        request_id_var.set(request_id)
        started = time.monotonic()
        response = self.get_response(request)
        response["X-Request-ID"] = request_id
        user = getattr(request, "user", None)
        request_logger.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "request_id": request_id,
                "user_id": user.pk if user is not None and user.is_authenticated else None,
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.monotonic() - started) * 1000, 1),
            },
        )
        return response
