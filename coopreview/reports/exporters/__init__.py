"""One module per format. `export()` writes atomically: a temporary file renamed into place."""

import os
import tempfile
from pathlib import Path

from coopreview.reports.enums import ReportFormat


def render_bytes(report, fmt: str) -> bytes:
    if fmt == ReportFormat.PDF:
        from coopreview.reports.exporters.to_pdf import render_pdf as render
    elif fmt == ReportFormat.DOCX:
        from coopreview.reports.exporters.to_docx import render_docx as render
    elif fmt == ReportFormat.XLSX:
        from coopreview.reports.exporters.to_xlsx import render_xlsx as render
    elif fmt == ReportFormat.HTML:
        from coopreview.reports.exporters.to_html import render_html_bytes as render
    else:
        raise ValueError(fmt)
    return render(report)


def write_atomically(path: Path, write) -> None:
    """Call `write(tmp_path)`, then rename the file into place; on any error nothing is left behind."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600; a report is an ordinary file
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def export(report, fmt: str, path: Path, **options) -> Path:
    """Write `report` as `fmt` to `path`; large spreadsheets stream to disk."""
    if fmt == ReportFormat.XLSX:
        from coopreview.reports.exporters.to_xlsx import write_xlsx

        write_atomically(path, lambda tmp: write_xlsx(report, tmp, **options))
    else:
        data = render_bytes(report, fmt)
        write_atomically(path, lambda tmp: tmp.write_bytes(data))
    return Path(path)
