"""What each kind of entry puts in the unified index: one IndexRow per language it has."""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

import nh3
from django.db.models import Model, Prefetch, QuerySet
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

from coopreview.accounts.enums import OrganisationKind
from coopreview.accounts.models import Organisation
from coopreview.knowledge.enums import Measure
from coopreview.knowledge.models import CaseLaw, Document, Practice, StateProfile
from coopreview.recommendations.models import Recommendation
from coopreview.search.models import Kind, entry_id
from coopreview.search.text import clean_stored, token


@dataclass
class IndexRow:
    language: str
    title: str
    body: str
    url: str
    visibility: str
    restricted_to: list[int] = field(default_factory=list)
    states: list[str] = field(default_factory=list)
    measure: str = ""
    topics: list[str] = field(default_factory=list)
    date: dt.date | None = None

    def tokens(self, kind: str) -> str:
        parts = [
            "xallx",
            token("vis", self.visibility),
            token("kind", kind),
            token("language", self.language),
        ]
        if self.visibility == "restricted":
            parts += [token("org", org) for org in self.restricted_to]
        parts += [token("state", s) for s in self.states]
        if self.measure:
            parts.append(token("measure", self.measure))
        parts += [token("topic", t) for t in self.topics]
        if self.date:
            parts.append(token("year", self.date.year))
        return " ".join(parts)

    def fields(self, kind: str, object_id: int) -> dict:
        return {
            "id": entry_id(
                kind=kind, object_id=object_id, language=self.language, visibility=self.visibility
            ),
            "kind": kind,
            "object_id": object_id,
            "language": self.language,
            "title": clean_stored(self.title)[:1000],
            "body": clean_stored(self.body),
            "tokens": self.tokens(kind),
            "url": self.url,
            "visibility": self.visibility,
            "states": " ".join(self.states),
            "measure": self.measure,
            "topics": "|".join(self.topics),
            "date": self.date,
        }


def _split(value: str) -> list[str]:
    return [t.strip() for t in value.split(",") if t.strip()]


def _strip_html(html: str) -> str:
    return nh3.clean(html or "", tags=set())


def _state_codes(orgs) -> list[str]:
    return sorted({o.code for o in orgs if o.kind == OrganisationKind.STATE})


def _restricted(obj: Model) -> list[int]:
    return sorted(o.pk for o in obj.restricted_to.all())


def recommendation_rows(rec: Recommendation) -> list[IndexRow]:
    common = {
        "url": reverse("recommendations:detail", args=[rec.pk]),
        "visibility": rec.visibility,
        "restricted_to": _restricted(rec),
        "states": _state_codes(rec.addressees.all()),
        "topics": [t.name for t in rec.themes.all()],
        "date": rec.source.date,
    }
    title = f"{rec.source.symbol} — {rec.reference}"
    rows = [IndexRow(language="en", title=title, body=rec.text, **common)]
    if rec.text_fr:
        rows.append(IndexRow(language="fr", title=title, body=rec.text_fr, **common))
    return rows


PROFILE_SECTIONS = (  # (English field, French field, heading) as written in the indexed text
    ("legislation_title", "legislation_title_fr", gettext_noop("Implementing legislation")),
    ("competent_authority", "competent_authority_fr", gettext_noop("Competent authority")),
    ("requirements", "requirements_fr", gettext_noop("Form and content requirements")),
    ("processing_time", "processing_time_fr", gettext_noop("Typical processing time")),
    ("agreements", "agreements_fr", gettext_noop("Agreements concluded with the Court")),
)


def profile_rows(profile: StateProfile) -> list[IndexRow]:
    """The requirements of one section, with its headings so "requirements for …" finds it.
    Points of contact are never indexed: they are for signed-in Court and State users only."""
    common = {
        "url": reverse("knowledge:state", args=[profile.state.code]) + f"#measure-{profile.measure}",
        "visibility": profile.visibility,
        "restricted_to": _restricted(profile),
        "states": [profile.state.code],
        "measure": profile.measure,
        "date": profile.last_verified_on,
    }
    rows = []
    for language in ("en", "fr"):
        if language == "fr" and not profile.has_language("fr"):
            continue
        with translation.override(language):
            state = profile.state.display_name
            measure = str(Measure(profile.measure).label)
            parts = [measure]
            for en, fr, heading in PROFILE_SECTIONS:
                value = getattr(profile, fr if language == "fr" else en) or getattr(profile, en)
                if value:
                    parts.append(f"{gettext(heading)}: {value}")
            if profile.channel:
                parts.append(f"{gettext('Channel for requests')}: {profile.get_channel_display()}")
            if profile.languages:
                parts.append(f"{gettext('Accepted languages')}: {profile.languages}")
            rows.append(
                IndexRow(language=language, title=f"{state} — {measure}", body="\n".join(parts), **common)
            )
    return rows


def practice_rows(practice: Practice) -> list[IndexRow]:
    org = practice.organisation
    common = {
        "url": reverse("knowledge:practice", args=[practice.pk]),
        "visibility": practice.visibility,
        "restricted_to": _restricted(practice),
        "states": _state_codes([org] if org else []),
        "measure": practice.measure,
        "topics": practice.tag_list,
        "date": practice.created_at.date() if practice.created_at else None,
    }
    rows = [
        IndexRow(
            language="en",
            title=practice.title,
            body="\n".join([practice.summary, _strip_html(practice.body), practice.tags]),
            **common,
        )
    ]
    if practice.has_language("fr"):
        rows.append(
            IndexRow(
                language="fr",
                title=practice.title_fr or practice.title,
                body="\n".join([practice.summary_fr, _strip_html(practice.body_fr), practice.tags]),
                **common,
            )
        )
    return rows


def case_law_rows(decision: CaseLaw) -> list[IndexRow]:
    common = {
        "url": reverse("knowledge:caselaw", args=[decision.pk]),
        "visibility": decision.visibility,
        "restricted_to": _restricted(decision),
        "states": sorted({p.state.code for p in decision.profiles.all()}),
        "measure": decision.measure,
        "topics": decision.topic_list,
        "date": decision.date,
    }
    meta = " ".join(
        filter(None, [decision.situation, decision.case, decision.chamber, decision.document_number])
    )
    rows = [
        IndexRow(
            language="en",
            title=decision.title,
            body="\n".join([meta, decision.summary, decision.topics]),
            **common,
        )
    ]
    if decision.has_language("fr"):
        rows.append(
            IndexRow(
                language="fr",
                title=decision.title_fr or decision.title,
                body="\n".join([meta, decision.summary_fr, decision.topics]),
                **common,
            )
        )
    return rows


def document_rows(document: Document) -> list[IndexRow]:
    org = document.organisation
    title = document.title_fr if document.language == "fr" and document.title_fr else document.title
    return [
        IndexRow(
            language=document.language if document.language in ("en", "fr") else "en",
            title=title,
            body=document.text_content,
            url=reverse("knowledge:document", args=[document.pk]),
            visibility=document.visibility,
            restricted_to=_restricted(document),
            states=_state_codes([org] if org else []),
            date=document.created_at.date() if document.created_at else None,
        )
    ]


# model → (kind, rows function, queryset with what the rows function reads, for rebuilds)
def _querysets() -> dict[type[Model], QuerySet]:
    orgs = Prefetch("restricted_to", queryset=Organisation.objects.only("id"))
    return {
        Recommendation: Recommendation.objects.select_related("source").prefetch_related(
            orgs, "addressees", "themes"
        ),
        StateProfile: StateProfile.objects.select_related("state").prefetch_related(orgs),
        Practice: Practice.objects.select_related("organisation").prefetch_related(orgs),
        CaseLaw: CaseLaw.objects.prefetch_related(orgs, "profiles__state"),
        Document: Document.objects.select_related("organisation").prefetch_related(orgs),
    }


INDEXERS = {
    Recommendation: (Kind.RECOMMENDATION, recommendation_rows),
    StateProfile: (Kind.PROFILE, profile_rows),
    Practice: (Kind.PRACTICE, practice_rows),
    CaseLaw: (Kind.CASE_LAW, case_law_rows),
    Document: (Kind.DOCUMENT, document_rows),
}


def recommendation_rows_in_bulk(
    chunk_size: int = 5000, ids: list[int] | None = None
) -> Iterator[tuple[int, list[IndexRow]]]:
    """The same rows as recommendation_rows, for every recommendation (or those in `ids`), from four
    plain queries per chunk instead of model instances: a rebuild of a million recommendations takes
    minutes, not an hour. tests/test_indexers.py checks that both give the same rows."""
    wanted = sorted(set(ids)) if ids is not None else None
    sentinel = 987654321
    url = reverse("recommendations:detail", args=[sentinel]).replace(str(sentinel), "{}")
    through = {
        name: getattr(Recommendation, name).through for name in ("addressees", "themes", "restricted_to")
    }
    last = 0
    while True:
        if wanted is None:
            selected = Recommendation.objects.filter(pk__gt=last)
        else:
            chunk, wanted = wanted[:chunk_size], wanted[chunk_size:]
            selected = Recommendation.objects.filter(pk__in=chunk)
        recs = list(
            selected.order_by("pk").values_list(
                "pk", "visibility", "text", "text_fr", "reference", "source__symbol", "source__date"
            )[:chunk_size]
        )
        if not recs:
            return
        first, last = recs[0][0], recs[-1][0]
        in_chunk = {"recommendation_id__gte": first, "recommendation_id__lte": last}
        states: dict[int, set[str]] = {}
        rows = through["addressees"].objects.filter(**in_chunk, organisation__kind=OrganisationKind.STATE)
        for rec_id, code in rows.values_list("recommendation_id", "organisation__code"):
            states.setdefault(rec_id, set()).add(code)
        topics: dict[int, list[str]] = {}
        rows = through["themes"].objects.filter(**in_chunk).order_by("theme__name", "theme_id")
        for rec_id, name in rows.values_list("recommendation_id", "theme__name"):
            topics.setdefault(rec_id, []).append(name)
        restricted: dict[int, list[int]] = {}
        rows = through["restricted_to"].objects.filter(**in_chunk).order_by("organisation_id")
        for rec_id, org_id in rows.values_list("recommendation_id", "organisation_id"):
            restricted.setdefault(rec_id, []).append(org_id)
        for pk, visibility, text, text_fr, reference, symbol, day in recs:
            common = {
                "url": url.format(pk),
                "visibility": visibility,
                "restricted_to": restricted.get(pk, []),
                "states": sorted(states.get(pk, ())),
                "topics": topics.get(pk, []),
                "date": day,
            }
            title = f"{symbol} — {reference}"
            out = [IndexRow(language="en", title=title, body=text, **common)]
            if text_fr:
                out.append(IndexRow(language="fr", title=title, body=text_fr, **common))
            yield pk, out


def all_objects(chunk_size: int = 2000) -> Iterator[tuple[str, int, list[IndexRow]]]:
    """(kind, object id, rows) of everything indexed."""
    yield from ((Kind.RECOMMENDATION, pk, rows) for pk, rows in recommendation_rows_in_bulk(chunk_size))
    for model, qs in _querysets().items():
        if model is Recommendation:
            continue
        kind, rows = INDEXERS[model]
        for obj in qs.order_by("pk").iterator(chunk_size=chunk_size):
            yield kind, obj.pk, rows(obj)
