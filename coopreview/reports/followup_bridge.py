"""The follow-up columns of a report (status, lead, stakeholder views, narrative), read from followup.

Kept apart so the reports of the registry work on their own; filled in from followup's selectors.
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from coopreview.reports.builders.common import ReportOptions, Row


def available() -> bool:
    return False


def add_followup(rows: "list[Row]", options: "ReportOptions") -> None:
    """Set status, lead, views and narrative on `rows` as of `options.as_of`, for what the user may see."""
    return None


def sheet_sections(recommendation, options: "ReportOptions") -> list:
    """(title, [lines]) sections of the sheet: parts per addressee, actions, updates, meetings."""
    return []
