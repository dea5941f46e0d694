"""Writes: confirm or remove links, reject suggestions, import links, build/split/merge duplicate groups.

Every function resolves recommendations through the acting user's visibility, so a record they may
not see is refused with the same words as one that does not exist. Each call is one transaction.
"""

from collections import Counter
from collections.abc import Iterable, Sequence

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from coopreview.core.history import save_with_history
from coopreview.followup.models import Action
from coopreview.followup.selectors import actions_visible_to
from coopreview.lineage.enums import LinkOrigin, LinkType
from coopreview.lineage.models import DuplicateGroup, DuplicateGroupMember, Link, RejectedPair
from coopreview.lineage.selectors import LineageError
from coopreview.lineage.similarity import Item, make_ranker
from coopreview.recommendations.models import Recommendation, Source
from coopreview.recommendations.selectors import recommendations_visible_to


def _require(user: User, perm: str) -> None:
    if not user.has_perm(perm):
        raise LineageError(_("You may not review links between recommendations."))


def recommendation_for(*, user: User, pk: int | str | None, label: str = "") -> Recommendation:
    """The recommendation `pk` if `user` may see it. One message for "absent" and "hidden"."""
    try:
        return recommendations_visible_to(user=user).select_related("source").get(pk=int(pk))  # type: ignore[arg-type]
    except (Recommendation.DoesNotExist, TypeError, ValueError):
        raise LineageError(
            _("Recommendation not found: %(pk)s%(where)s.")
            % {"pk": pk, "where": f" ({label})" if label else ""}
        ) from None


def _check_link(*, a: Recommendation, b: Recommendation, link_type: str) -> None:
    if link_type not in LinkType.values:
        raise LineageError(
            _("Unknown link type: %(type)s (choose one of: %(choices)s).")
            % {"type": link_type, "choices": ", ".join(LinkType.values)}
        )
    if a.pk == b.pk:
        raise LineageError(_("A recommendation cannot be linked to itself."))
    existing = Link.objects.filter(
        Q(from_recommendation=a, to_recommendation=b) | Q(from_recommendation=b, to_recommendation=a)
    ).first()
    if existing is not None:
        if existing.link_type == link_type and existing.from_recommendation_id == a.pk:
            raise LineageError(_("These recommendations are already linked this way."))
        raise LineageError(
            _(
                "Contradictory link: %(a)s and %(b)s are already linked as “%(existing)s”. "
                "A pair holds one link; remove that one first."
            )
            % {"a": a, "b": b, "existing": existing.get_link_type_display()}
        )
    if link_type == LinkType.SUPERSEDES and _supersedes_path(start=b.pk, goal=a.pk):
        raise LineageError(
            _("Contradictory link: %(b)s already supersedes %(a)s through other links (a cycle).")
            % {"a": a, "b": b}
        )


def _supersedes_path(*, start: int, goal: int) -> bool:
    """Whether `start` supersedes `goal`, directly or through a chain."""
    seen, frontier = {start}, [start]
    while frontier:
        nxt = list(
            Link.objects.filter(
                link_type=LinkType.SUPERSEDES, from_recommendation_id__in=frontier
            ).values_list("to_recommendation_id", flat=True)
        )
        if goal in nxt:
            return True
        frontier = [n for n in nxt if n not in seen]
        seen.update(frontier)
    return False


def action_for(*, user: User, pk: int | str) -> Action:
    """The follow-up action `pk` if `user` may see it (all its recommendations); one message otherwise."""
    try:
        return actions_visible_to(user=user).get(pk=int(pk))
    except (Action.DoesNotExist, TypeError, ValueError):
        raise LineageError(_("Action not found: %(pk)s.") % {"pk": pk}) from None


@transaction.atomic
def link_create(
    *,
    by: User,
    from_pk: int | str,
    to_pk: int | str | None = None,
    action_pk: int | str | None = None,
    link_type: str,
    reason: str = "",
    origin: str = LinkOrigin.MANUAL,
    score: float | None = None,
) -> Link:
    """Confirm "from <link_type> to". Refuses self links, records the user may not see (as "not
    found"), a second link on a pair (e.g. a duplicate that also supersedes) and supersedes cycles.
    With `action_pk` instead of `to_pk`: "from is implemented by" that follow-up action."""
    _require(by, "lineage.add_link")
    if origin not in LinkOrigin.values:
        raise LineageError(_("Unknown origin: %(origin)s.") % {"origin": origin})
    a = recommendation_for(user=by, pk=from_pk)
    b, action = None, None
    if action_pk not in (None, ""):
        if to_pk not in (None, ""):
            raise LineageError(_("Link to a recommendation or to an action, not both."))
        if link_type != LinkType.IMPLEMENTED_BY:
            raise LineageError(_("Only “is implemented by” can point at an action."))
        action = action_for(user=by, pk=action_pk)
        if Link.objects.filter(from_recommendation=a, action=action).exists():
            raise LineageError(_("These recommendations are already linked this way."))
    else:
        b = recommendation_for(user=by, pk=to_pk)
        _check_link(a=a, b=b, link_type=link_type)
    link = Link(
        from_recommendation=a,
        to_recommendation=b,
        action=action,
        link_type=link_type,
        reason=reason.strip(),
        origin=origin,
        score=score,
        confirmed_by=by,
        confirmed_at=timezone.now(),
    )
    return save_with_history(link, by=by, reason=reason)


@transaction.atomic
def link_delete(*, by: User, link: Link, reason: str = "") -> None:
    _require(by, "lineage.delete_link")
    recommendation_for(user=by, pk=link.from_recommendation_id)
    if link.to_recommendation_id:
        recommendation_for(user=by, pk=link.to_recommendation_id)
    else:
        action_for(user=by, pk=link.action_id)
    link._history_user = by
    link._change_reason = reason
    link.delete()


@transaction.atomic
def suggestion_reject(*, by: User, a_pk: int | str, b_pk: int | str, reason: str = "") -> RejectedPair:
    """Remember that `a` and `b` are not related: the pair is never suggested again."""
    _require(by, "lineage.review_suggestions")
    a = recommendation_for(user=by, pk=a_pk)
    b = recommendation_for(user=by, pk=b_pk)
    if a.pk == b.pk:
        raise LineageError(_("A recommendation cannot be linked to itself."))
    first, second = sorted([a, b], key=lambda r: r.pk)
    pair, created = RejectedPair.objects.get_or_create(
        first=first, second=second, defaults={"reason": reason, "rejected_by": by}
    )
    return pair


@transaction.atomic
def links_import(*, by: User, rows: Iterable[dict]) -> int:
    """Create links from exported rows (from_id, to_id, link_type, reason). All or nothing:
    the first bad row raises LineageError naming its number, and nothing is saved."""
    count = 0
    for number, row in enumerate(rows, start=1):
        try:
            link_create(
                by=by,
                from_pk=row.get("from_id"),
                to_pk=row.get("to_id") or None,
                action_pk=row.get("action_id") or None,
                link_type=str(row.get("link_type", "")),
                reason=str(row.get("reason") or ""),
                origin=LinkOrigin.IMPORT,
                score=float(row["score"]) if row.get("score") not in (None, "") else None,
            )
        except LineageError as exc:
            raise LineageError(_("Row %(n)s: %(error)s") % {"n": number, "error": exc}) from None
        except (ValueError, AttributeError):
            raise LineageError(_("Row %(n)s: the score is not a number.") % {"n": number}) from None
        count += 1
    return count


GROUP_THRESHOLD = 0.5


@transaction.atomic
def duplicate_groups_build(
    *, by: User, source: Source, threshold: float = GROUP_THRESHOLD, replace: bool = False
) -> list[DuplicateGroup]:
    """Cluster the recommendations of `source` that ask the same thing (linked when their
    similarity ≥ `threshold` and they share an addressee, transitively). The representative is the
    member most similar to the others. Refuses to overwrite reviewed groups unless `replace`."""
    _require(by, "lineage.change_duplicategroup")
    existing = DuplicateGroup.objects.filter(source=source)
    if existing.filter(reviewed=True).exists() and not replace:
        raise LineageError(_("Groups of this source were reviewed; rebuilding needs --replace."))
    DuplicateGroupMember.objects.filter(group__source=source).delete()
    existing.delete()
    records = list(
        Recommendation.objects.filter(source=source).prefetch_related("addressees").order_by("reference_sort")
    )
    if len(records) < 2:
        return []
    items = [Item(r.pk, r.text, frozenset(str(a.pk) for a in r.addressees.all())) for r in records]
    ranker = make_ranker("tfidf").fit(items)
    parent = {r.pk: r.pk for r in records}
    weight: Counter[int] = Counter()

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for item, matches in zip(items, ranker.rank(items, top=10), strict=True):
        for m in matches:
            if m.score >= threshold and (m.same_party or not item.parties):
                parent[find(item.id)] = find(m.candidate_id)
                weight[item.id] += m.score
                weight[m.candidate_id] += m.score
    clusters: dict[int, list[Recommendation]] = {}
    for r in records:
        clusters.setdefault(find(r.pk), []).append(r)
    groups = []
    for members in clusters.values():
        if len(members) < 2:
            continue
        representative = max(members, key=lambda r: (weight[r.pk], -len(r.text), -r.pk))
        groups.append(_group_create(by=by, source=source, representative=representative, members=members))
    return groups


def _group_create(
    *, by: User, source: Source, representative: Recommendation, members: Sequence[Recommendation]
) -> DuplicateGroup:
    group = save_with_history(DuplicateGroup(source=source, representative=representative), by=by)
    for r in members:
        save_with_history(DuplicateGroupMember(group=group, recommendation=r), by=by)
    return group


def _group_for(*, by: User, group_id: int | str) -> DuplicateGroup:
    try:
        group = DuplicateGroup.objects.get(pk=int(group_id))
    except (DuplicateGroup.DoesNotExist, ValueError, TypeError):
        raise LineageError(_("Duplicate group not found: %(id)s.") % {"id": group_id}) from None
    visible = recommendations_visible_to(user=by)
    if not group.members.filter(recommendation__in=visible).exists():
        raise LineageError(_("Duplicate group not found: %(id)s.") % {"id": group_id})
    return group


@transaction.atomic
def duplicate_group_split(
    *, by: User, group_id: int | str, recommendation_ids: Sequence[int | str], reason: str = ""
) -> DuplicateGroup:
    """Move the listed members of a group into a new group (reviewed); returns the new group."""
    _require(by, "lineage.change_duplicategroup")
    group = _group_for(by=by, group_id=group_id)
    ids = {int(i) for i in recommendation_ids}
    moving = list(group.members.filter(recommendation_id__in=ids).select_related("recommendation"))
    staying = group.members.exclude(recommendation_id__in=ids)
    if not moving or len(moving) != len(ids) or not staying.exists():
        raise LineageError(_("Choose some, not all, of the group's recommendations to split off."))
    for pk in ids:
        recommendation_for(user=by, pk=pk)  # never move what the user may not see
    new = save_with_history(
        DuplicateGroup(source=group.source, representative=moving[0].recommendation, reviewed=True),
        by=by,
        reason=reason,
    )
    for member in moving:
        member.group = new
        save_with_history(member, by=by, reason=reason)
    if group.representative_id in ids:
        group.representative = staying.first().recommendation
    group.reviewed = True
    save_with_history(group, by=by, reason=reason)
    return new


@transaction.atomic
def duplicate_groups_merge(*, by: User, group_ids: Sequence[int | str], reason: str = "") -> DuplicateGroup:
    """Merge groups of one source into the first; the first's representative stays."""
    _require(by, "lineage.change_duplicategroup")
    groups = [_group_for(by=by, group_id=g) for g in group_ids]
    if len({g.pk for g in groups}) < 2:
        raise LineageError(_("Choose at least two groups to merge."))
    if len({g.source_id for g in groups}) > 1:
        raise LineageError(_("Only groups of the same source can be merged."))
    target, others = groups[0], groups[1:]
    for g in others:
        for member in g.members.all():
            member.group = target
            save_with_history(member, by=by, reason=reason)
        g._history_user = by
        g._change_reason = reason
        g.delete()
    target.reviewed = True
    save_with_history(target, by=by, reason=reason)
    return target
