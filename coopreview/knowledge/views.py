from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coopreview.accounts.enums import OrganisationKind
from coopreview.accounts.models import Organisation
from coopreview.core.access import get_or_404, require_perm
from coopreview.core.exceptions import ServiceError
from coopreview.core.history import history_timeline
from coopreview.knowledge import selectors, services
from coopreview.knowledge.forms import DecisionForm, ProposalForm
from coopreview.knowledge.models import ProfileChangeProposal

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@require_GET
def index_view(request: HttpRequest) -> HttpResponse:
    states = selectors.states_with_profiles(user=request.user)
    pending = (
        selectors.proposals_pending().count() if request.user.has_perm("knowledge.review_proposals") else 0
    )
    return render(request, "knowledge/index.html", {"states": states, "pending": pending})


@require_GET
def state_view(request: HttpRequest, code: str) -> HttpResponse:
    state = get_object_or_404(Organisation, code=code.upper(), kind=OrganisationKind.STATE)
    sections = selectors.state_profile_sections(user=request.user, state=state)
    if not sections:
        raise Http404
    for section in sections:
        section.can_propose = request.user.has_perm("knowledge.propose_change", section)
    context = {
        "state": state,
        "sections": sections,
        "show_contacts": selectors.user_sees_contacts(request.user),
    }
    return render(request, "knowledge/state.html", context)


@login_required
@require_POST
def verify_view(request: HttpRequest, pk: int) -> HttpResponse:
    profile = get_or_404(lambda: selectors.profile_get(user=request.user, pk=pk))
    require_perm(request.user, "knowledge.verify_profile", profile)
    services.profile_verify(profile=profile, by=request.user)
    messages.success(request, _("Section marked as verified today."))
    return redirect(_state_url(profile) + f"#measure-{profile.measure}")


def _state_url(profile) -> str:
    from django.urls import reverse

    return reverse("knowledge:state", args=[profile.state.code])


@login_required
@require_http_methods(["GET", "POST"])
def propose_view(request: HttpRequest, pk: int) -> HttpResponse:
    profile = get_or_404(lambda: selectors.profile_get(user=request.user, pk=pk))
    require_perm(request.user, "knowledge.propose_change", profile)
    form = ProposalForm(request.POST or None, instance=None if request.method == "POST" else profile)
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_create(
                profile=profile, by=request.user, changes=form.changes(), reason=form.cleaned_data["reason"]
            )
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Your proposal was sent to the editors."))
            return redirect(_state_url(profile) + f"#measure-{profile.measure}")
    status = 422 if form.is_bound else 200
    return render(request, "knowledge/propose.html", {"form": form, "profile": profile}, status=status)


@login_required
@require_GET
def profile_history_view(request: HttpRequest, pk: int) -> HttpResponse:
    profile = get_or_404(lambda: selectors.profile_get(user=request.user, pk=pk))
    require_perm(request.user, "recommendations.view_history")
    context = {
        "profile": profile,
        "timeline": history_timeline(profile),
        "proposals": selectors.proposals_for_profile(profile=profile),
    }
    return render(request, "knowledge/profile_history.html", context)


@login_required
@require_GET
def review_view(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, "knowledge.review_proposals")
    proposals = list(selectors.proposals_pending())
    return render(request, "knowledge/review.html", {"proposals": proposals, "form": DecisionForm()})


@login_required
@require_POST
def decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, "knowledge.review_proposals")
    proposal = get_object_or_404(ProfileChangeProposal, pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        proposals = list(selectors.proposals_pending())
        return render(request, "knowledge/review.html", {"proposals": proposals, "form": form}, status=422)
    decide = (
        services.proposal_accept if form.cleaned_data["decision"] == "accept" else services.proposal_decline
    )
    try:
        decide(proposal=proposal, by=request.user, note=form.cleaned_data["note"])
    except ServiceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Decision recorded."))
    return redirect("knowledge:review")


@require_GET
def practice_list_view(request: HttpRequest) -> HttpResponse:
    practices = selectors.practice_list(user=request.user)
    return render(request, "knowledge/practice_list.html", {"practices": practices})


@require_GET
def practice_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    practice = get_or_404(lambda: selectors.practice_get(user=request.user, pk=pk))
    context = {
        "practice": practice,
        "attachments": selectors.documents_visible_to(user=request.user).filter(practice=practice),
        "recommendations": selectors.linked_recommendations(user=request.user, entry=practice),
    }
    return render(request, "knowledge/practice_detail.html", context)


@require_GET
def case_law_list_view(request: HttpRequest) -> HttpResponse:
    decisions = selectors.case_law_list(user=request.user)
    return render(request, "knowledge/caselaw_list.html", {"decisions": decisions})


@require_GET
def case_law_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    decision = get_or_404(lambda: selectors.case_law_get(user=request.user, pk=pk))
    context = {
        "decision": decision,
        "recommendations": selectors.linked_recommendations(user=request.user, entry=decision),
        "profiles": selectors.profiles_visible_to(user=request.user)
        .filter(case_law=decision)
        .select_related("state"),
    }
    return render(request, "knowledge/caselaw_detail.html", context)


@require_GET
def document_view(request: HttpRequest, pk: int) -> FileResponse:
    """The file, only for users who may see the entry (404 otherwise: its existence is not revealed)."""
    document = get_or_404(lambda: selectors.document_get(user=request.user, pk=pk))
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.filename,
        content_type=CONTENT_TYPES.get(document.file_type, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
