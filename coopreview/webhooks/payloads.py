"""The `data` of each event, built where the change happens (inside its transaction).

What a payload may hold: endpoints belong to administrators, who may open every record, but a
payload travels to another system and sits in its logs. So payloads carry identifiers, states,
dates and links, and free text only from public recommendations; the receiver reads anything else
through the platform with its own access (a link in `url`)."""

from typing import Any

from django.conf import settings
from django.urls import reverse

from coopreview.accounts.enums import Visibility


def _url(name: str, pk: int) -> str:
    return settings.SITE_URL + reverse(name, args=[pk])


def recommendation_ref(rec: Any) -> dict[str, Any]:
    return {
        "id": rec.pk,
        "source": rec.source.symbol,
        "reference": rec.reference,
        "visibility": rec.visibility,
        "url": _url("recommendations:detail", rec.pk),
    }


def recommendation(rec: Any) -> dict[str, Any]:
    data = recommendation_ref(rec)
    if rec.visibility == Visibility.PUBLIC:
        data.update(text=rec.text, text_fr=rec.text_fr, response=rec.response, page=rec.page)
    data["updated_at"] = rec.updated_at.isoformat() if rec.updated_at else None
    return {"recommendation": data}


def status_moved(part: Any, *, from_status: str, to_status: str) -> dict[str, Any]:
    return {
        "part": {
            "id": part.pk,
            "side": part.side,
            "addressee": part.addressee.code,
            "from_status": from_status,
            "to_status": to_status,
        },
        "recommendation": recommendation_ref(part.recommendation),
    }


def progress_validated(update: Any) -> dict[str, Any]:
    return {
        "progress_update": {
            "id": update.pk,
            "state": update.state,
            "progress": update.progress,
            "validated_at": update.validated_at.isoformat() if update.validated_at else None,
        },
        "action": {"id": update.action_id, "url": _url("followup:action", update.action_id)},
    }


def decisions_applied(meeting: Any, changes: list[Any]) -> dict[str, Any]:
    return {
        "meeting": {"id": meeting.pk, "url": _url("meetings:detail", meeting.pk)},
        "changes": [
            {
                "decision": change.decision_id,
                "kind": change.kind,
                "recommendation": recommendation_ref(change.recommendation),
                "target": {
                    "type": f"{change.target_type.app_label}.{change.target_type.model}"
                    if change.target_type_id
                    else None,
                    "id": change.target_id,
                },
            }
            for change in changes
        ],
    }
