"""Views of the follow-up: the recommendation page's panel and its edits, actions, dashboard, schedule."""

from coopreview.followup.views.bulk import bulk_change_view
from coopreview.followup.views.overview import changes_view, dashboard_view, schedule_view
from coopreview.followup.views.panel import (
    action_create_view,
    action_detail_view,
    approve_view,
    attachment_view,
    categorise_view,
    panel_view,
    part_edit_view,
    part_transition_view,
    recommendation_panel,
    stakeholder_view_view,
    update_create_view,
    update_validate_view,
)

__all__ = [
    "action_create_view",
    "action_detail_view",
    "approve_view",
    "bulk_change_view",
    "attachment_view",
    "categorise_view",
    "changes_view",
    "dashboard_view",
    "panel_view",
    "part_edit_view",
    "part_transition_view",
    "recommendation_panel",
    "schedule_view",
    "stakeholder_view_view",
    "update_create_view",
    "update_validate_view",
]
