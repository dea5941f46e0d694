"""Recommendations streamed as CSV or JSON, row by row, with the exporters' columns (the files read
back into `coopreview import`) and CSV formula injection neutralised (core/spreadsheet_safe)."""

import csv
import io
import json
from collections.abc import Iterable, Iterator

from coopreview.core.spreadsheet_safe import csv_row
from coopreview.importers.exporters import COLUMNS, as_dict, as_row
from coopreview.recommendations.models import Recommendation

CHUNK = 500  # rows read per query (prefetches included) and written per piece of the response


def csv_chunks(records: Iterable[Recommendation]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([label for _key, label in COLUMNS])
    for count, record in enumerate(records, start=1):
        writer.writerow(csv_row(as_row(as_dict(record))))
        if count % CHUNK == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def json_chunks(records: Iterable[Recommendation]) -> Iterator[str]:
    """A JSON array, like `coopreview export --format json`, written one element at a time."""
    yield "["
    separator = "\n"
    for record in records:
        yield separator + json.dumps(as_dict(record), ensure_ascii=False)
        separator = ",\n"
    yield "\n]\n"
