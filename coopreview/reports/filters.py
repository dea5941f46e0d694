"""Filters given by name (command line) resolved to objects, among what the user may see."""

from django.db.models import Q
from django.utils.translation import gettext as _

from coopreview.accounts.models import Organisation
from coopreview.accounts.selectors import AnyUser
from coopreview.core.exceptions import ServiceError
from coopreview.recommendations import selectors as rec_selectors
from coopreview.recommendations.models import PriorityFlag, Theme

ADDRESSEES = ("court", "assembly", "both", "state")


class FilterError(ServiceError):
    pass


def _one(qs, what: str, value: str):
    matches = list(qs[:2])
    if not matches:
        raise FilterError(_("%(what)s: nothing is called “%(value)s”.") % {"what": what, "value": value})
    if len(matches) > 1:
        raise FilterError(
            _("%(what)s: “%(value)s” is ambiguous; give it in full.") % {"what": what, "value": value}
        )
    return matches[0]


def filters_from_names(
    *,
    user: AnyUser,
    source: str = "",
    section: str = "",
    addressee: str = "",
    organ: str = "",
    flag: str = "",
    theme: str = "",
    q: str = "",
) -> rec_selectors.RecommendationFilters:
    filters = rec_selectors.RecommendationFilters(q=q.strip())
    if source:
        # Only sources with a recommendation the user may see: an unseen source is "nothing called".
        sources = rec_selectors.sources_visible_to(user=user)
        filters.source = _one(sources.filter(symbol__iexact=source), "--source", source)
    if section:
        sections = rec_selectors.sections_visible_to(user=user)
        if filters.source:
            sections = sections.filter(source=filters.source)
        lookup = Q(title__iexact=section) | Q(title_fr__iexact=section)
        if section.isdigit():
            lookup |= Q(pk=int(section))
        filters.section = _one(sections.filter(lookup), "--section", section)
    if addressee:
        if addressee not in ADDRESSEES:
            raise FilterError(
                _("--addressee: “%(value)s” is not one of %(choices)s.")
                % {"value": addressee, "choices": ", ".join(ADDRESSEES)}
            )
        filters.addressee = addressee
    if organ:
        filters.organ = _one(Organisation.objects.filter(code__iexact=organ), "--organ", organ)
    if flag:
        lookup = Q(name__iexact=flag) | Q(name_fr__iexact=flag)
        filters.flag = _one(PriorityFlag.objects.filter(lookup), "--flag", flag)
    if theme:
        lookup = Q(slug__iexact=theme) | Q(name__iexact=theme) | Q(name_fr__iexact=theme)
        filters.theme = _one(Theme.objects.filter(lookup), "--theme", theme)
    return filters
