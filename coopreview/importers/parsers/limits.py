"""Bounds on what a file may make the parser do: checked before reading, and enforced while reading.

Before: the uncompressed size and number of the members of a DOCX/XLSX archive (zip bombs), the
dimension a worksheet declares (a 1.5 KB sheet claiming cell XFD1048576 makes a reader allocate
hundreds of GiB), the number of pages of a PDF. While: rows read are capped, and the parser runs in
a child process with an address-space limit and a deadline, so what the checks miss still fails
fast with a clear message and leaves the server untouched.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import resource
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from coopreview.importers.parsers.base import ImportFileError

DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]{0,3})(\d*):?([A-Z]{0,3})(\d*)\"")


@dataclass(frozen=True)
class Limits:
    rows: int = 200_000
    cells: int = 5_000_000
    pages: int = 1_000
    unzipped_bytes: int = 200 * 1024 * 1024
    zip_members: int = 5_000
    memory_mb: int = 400  # address space the parser may add to what the process already uses
    seconds: int = 120
    preview_bytes: int = 50 * 1024 * 1024


def limits() -> Limits:
    return Limits(
        **{
            name: getattr(settings, f"IMPORT_MAX_{name.upper()}")
            for name in Limits.__dataclass_fields__
            if hasattr(settings, f"IMPORT_MAX_{name.upper()}")
        }
    )


def _mb(n: int) -> str:
    return f"{n / 1048576:.0f}"


def check_archive(path: Path, *, file: str) -> None:
    """Refuse a DOCX/XLSX whose members would inflate beyond the limit, before any is read."""
    bound = limits()
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if len(members) > bound.zip_members:
                raise ImportFileError(
                    _("%(file)s: the archive holds %(count)s parts, more than %(max)s; it is not a normal "
                      "Word or Excel file.") % {"file": file, "count": len(members), "max": bound.zip_members}
                )  # fmt: skip
            total = sum(m.file_size for m in members)
            if total > bound.unzipped_bytes:
                raise ImportFileError(
                    _("%(file)s: the file would unpack to %(size)s MB, more than the %(max)s MB allowed "
                      "(a “zip bomb”, or a document too large to import); nothing was read.")
                    % {"file": file, "size": _mb(total), "max": _mb(bound.unzipped_bytes)}
                )  # fmt: skip
            for member in members:
                if re.fullmatch(r"xl/worksheets/[^/]+\.xml", member.filename):
                    with archive.open(member) as fh:
                        _check_dimension(fh.read(65536), sheet=member.filename, file=file, bound=bound)
    except zipfile.BadZipFile as exc:
        raise ImportFileError(
            _("%(file)s: the archive is damaged and cannot be read.") % {"file": file}
        ) from exc


def column_number(letters: str) -> int:
    number = 0
    for char in letters:
        number = number * 26 + ord(char) - 64
    return number


def _check_dimension(head: bytes, *, sheet: str, file: str, bound: Limits) -> None:
    m = DIMENSION.search(head)
    if not m:
        return
    first_col, first_row, last_col, last_row = m.groups()
    rows = int(last_row or first_row or 1)
    cols = column_number((last_col or first_col).decode() or "A")
    name = Path(sheet).stem
    if rows > bound.rows + 1 or rows * cols > bound.cells:
        raise ImportFileError(
            _("%(file)s, %(sheet)s: the sheet declares %(rows)s rows × %(cols)s columns, more than the "
              "%(max_rows)s rows or %(max_cells)s cells allowed; nothing was read.")
            % {"file": file, "sheet": name, "rows": f"{rows:,}", "cols": f"{cols:,}",
               "max_rows": f"{bound.rows:,}", "max_cells": f"{bound.cells:,}"}
        )  # fmt: skip


def check_rows(count: int, *, file: str) -> None:
    bound = limits().rows
    if count > bound:
        raise ImportFileError(
            _("%(file)s: more than %(max)s rows; split the file and import the parts.")
            % {"file": file, "max": f"{bound:,}"}
        )


def check_pages(count: int, *, file: str) -> None:
    bound = limits().pages
    if count > bound:
        raise ImportFileError(
            _("%(file)s: %(count)s pages, more than the %(max)s allowed; import the part that holds the "
              "recommendations.") % {"file": file, "count": f"{count:,}", "max": f"{bound:,}"}
        )  # fmt: skip


def check_preview(size: int, *, file: str) -> None:
    bound = limits().preview_bytes
    if size > bound:
        raise ImportFileError(
            _(
                "%(file)s: the preview would take %(size)s MB, more than the %(max)s MB allowed; "
                "split the file and import the parts."
            )
            % {"file": file, "size": _mb(size), "max": _mb(bound)}
        )


def _vm_kb(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _child(conn, fn: Callable[..., Any], args: tuple, kwargs: dict, memory: int) -> None:
    import faulthandler
    import tracemalloc

    tracemalloc.stop()  # a caller's tracing would multiply the child's memory
    faulthandler.disable()  # a native reader aborting on the limit is reported by the parent, not dumped
    os.environ["RUST_BACKTRACE"] = "0"  # python-calamine: one line, not a backtrace, in the server log
    if memory:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    def progress(done: int, total: int) -> None:
        conn.send(("progress", done, total))

    try:
        outcome = ("ok", fn(*args, progress=progress, **kwargs))  # kwargs hold file=
    except ImportFileError as exc:
        outcome = ("refused", str(exc))
    except MemoryError:
        outcome = ("memory", "")
    except Exception as exc:  # noqa: BLE001 — reported by class in the parent, never a traceback
        outcome = ("error", exc.__class__.__name__)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    try:
        conn.send((*outcome, peak))
    except MemoryError:
        conn.send(("memory", "", peak))


class Isolated:
    """What the last isolated run used (for tests and logs): the peak resident memory the reading
    added to the process it was forked from (the child starts with the parent's pages resident, a
    baseline that depends on what the parent did before, not on the file), and the time."""

    peak_bytes: int = 0
    seconds: float = 0.0


def run_isolated(fn: Callable[..., Any], *args: Any, file: str, progress=None, **kwargs: Any) -> Any:
    """fn(*args, progress=…, **kwargs) in a forked child with an address-space limit and a deadline.

    Returns its result; its ImportFileError is raised again here; running out of memory or time
    becomes an ImportFileError naming the file and the limit.
    """
    bound = limits()
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    base = _vm_kb(os.getpid(), "VmSize") * 1024
    resident = _vm_kb(os.getpid(), "VmRSS") * 1024  # what the child has resident when it starts
    memory = base + bound.memory_mb * 1048576 if base else 0
    kwargs = {**kwargs, "file": file}
    process = context.Process(target=_child, args=(send, fn, args, kwargs, memory), daemon=True)
    started = time.monotonic()
    process.start()
    send.close()
    outcome = None
    peak = 0
    try:
        while outcome is None:
            remaining = started + bound.seconds - time.monotonic()
            if remaining <= 0:
                peak = _vm_kb(process.pid, "VmHWM") * 1024
                raise ImportFileError(
                    _("%(file)s: reading the file took longer than %(max)s seconds; it was stopped and "
                      "nothing was kept.") % {"file": file, "max": bound.seconds}
                )  # fmt: skip
            if receive.poll(min(remaining, 0.5)):
                try:
                    message = receive.recv()
                except EOFError:
                    outcome = ("crashed", "", _vm_kb(process.pid, "VmHWM") * 1024)
                    break
                if message[0] == "progress":
                    if progress:
                        progress(message[1], message[2])
                    continue
                outcome = message
            elif not process.is_alive() and not receive.poll(0):
                outcome = ("crashed", "", 0)
    finally:
        if process.is_alive():
            process.kill()
        process.join(5)
        receive.close()
        Isolated.seconds = time.monotonic() - started
        high = max(peak, outcome[-1] if outcome else 0)
        if not high:
            high = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
        Isolated.peak_bytes = max(high - resident, 0)
    kind, value = outcome[0], outcome[1]
    if kind == "ok":
        return value
    if kind == "refused":
        raise ImportFileError(value)
    if kind in ("memory", "crashed"):
        raise ImportFileError(
            _("%(file)s: reading the file needed more than the %(max)s MB of memory allowed; it was "
              "stopped and nothing was kept.") % {"file": file, "max": bound.memory_mb}
        )  # fmt: skip
    raise ImportFileError(
        _("%(file)s: the file could not be read (%(error)s).") % {"file": file, "error": value}
    )
