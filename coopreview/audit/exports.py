"""The audit log as CSV. Cells that a spreadsheet would run as a formula are written as text."""

import csv
import json
from collections.abc import Iterable
from typing import IO

from django.utils import timezone
from django.utils.translation import gettext as _

from coopreview.audit.models import AuditEvent

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> str:
    """A leading quote makes Excel and LibreOffice show `=cmd|...` as text instead of running it."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write_csv(events: Iterable[AuditEvent], out: IO[str]) -> int:
    writer = csv.writer(out)
    writer.writerow(
        [_("when"), _("who"), _("action"), _("object type"), _("object id"), _("object"), _("detail"),
         _("address"), _("user agent")]
    )  # fmt: skip
    count = 0
    for e in events:
        writer.writerow(
            spreadsheet_safe(v)
            for v in (
                timezone.localtime(e.created_at).isoformat(timespec="seconds"),
                e.username,
                e.action,
                e.object_type,
                e.object_id,
                e.object_repr,
                json.dumps(e.detail, ensure_ascii=False, sort_keys=True) if e.detail else "",
                e.ip or "",
                e.user_agent,
            )
        )
        count += 1
    return count
