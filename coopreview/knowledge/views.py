from collections.abc import Callable
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Model
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coopreview.accounts.enums import OrganisationKind, Visibility
from coopreview.accounts.models import Organisation
from coopreview.audit.enums import AuditAction
from coopreview.audit.services import audit_record
from coopreview.core.access import get_or_404, require_perm
from coopreview.core.edits import report_saved
from coopreview.core.exceptions import ConcurrentEditError, ServiceError
from coopreview.core.history import history_timeline
from coopreview.knowledge import selectors, services
from coopreview.knowledge.forms import (
    AttachmentForm,
    CaseLawForm,
    DecisionForm,
    DocumentDeleteForm,
    EntryForm,
    PracticeForm,
    ProposalForm,
)
from coopreview.knowledge.models import Practice, ProfileChangeProposal

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


def _profile_history_excluded(user) -> tuple[str, ...]:
    """Points of contact stay out of the history of those who may not see them on the profile."""
    hidden = () if selectors.user_sees_contacts(user) else ("contact_details",)
    return ("updated_at", "created_at", *hidden)


@login_required
@require_GET
def profile_history_view(request: HttpRequest, pk: int) -> HttpResponse:
    profile = get_or_404(lambda: selectors.profile_get(user=request.user, pk=pk))
    require_perm(request.user, "recommendations.view_history")
    context = {
        "profile": profile,
        "timeline": history_timeline(
            profile, user=request.user, exclude=_profile_history_excluded(request.user)
        ),
        "proposals": selectors.proposals_for_profile(user=request.user, profile=profile),
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
    return document_response(document)


def document_response(document) -> FileResponse:
    """The download of a document the caller may open (the page and the API's `download/` both send
    this): a non-public one is audited, whoever asks and however."""
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
    if document.visibility != Visibility.PUBLIC:
        audit_record(action=AuditAction.DOWNLOAD, obj=document, detail={"visibility": document.visibility})
    return response


# --- Editors: practices, case law, attachments --------------------------------------------------
# Fetch through the visibility-filtered selectors first (404: a hidden entry's existence is not
# revealed), then require the editors' permission (403), as the recommendations' edit view does.


def _posted(request: HttpRequest) -> QueryDict | None:
    """The submitted data of a POST, even an empty one (which must fail validation, not show the form)."""
    return request.POST if request.method == "POST" else None


def _conflict(form: EntryForm, exc: ConcurrentEditError, model: type[Model], pk: int) -> ConcurrentEditError:
    """Show what the other editor changed, and move the form to the current version: saving again,
    after reviewing it, then overwrites knowingly instead of failing forever."""
    form.add_error(None, str(exc))
    form.data = form.data.copy()
    form.data["version"] = str(model.objects.values_list("updated_at", flat=True).get(pk=pk))
    return exc


def _save_entry(
    request: HttpRequest, form: EntryForm, update: Callable, entry: Model
) -> tuple[bool, ConcurrentEditError | None]:
    """The edit flow shared by practices and decisions: apply a valid POST through `update` (the
    service, bound to its entry). Returns (saved, the conflict with a newer save if there was one)."""
    if request.method != "POST" or not form.is_valid():
        return False, None
    try:
        saved = update(
            by=request.user,
            reason=form.cleaned_data["reason"],
            expected_updated_at=form.cleaned_data["version"],
            **form.service_data(),
        )
    except ConcurrentEditError as exc:
        return False, _conflict(form, exc, type(entry), entry.pk)
    except ServiceError as exc:
        form.add_error(None, str(exc))
        return False, None
    report_saved(request, saved, _("Changes saved."))  # or "No changes to save.": nothing written
    return True, None


def _create_entry(
    request: HttpRequest, form_class: type, create: Callable, *, template: str, done: str, detail: str
) -> HttpResponse:
    """The create flow shared by practices and decisions: editors only, 422 on an invalid form."""
    require_perm(request.user, "knowledge.change_entries")
    form = form_class(_posted(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            entry = create(by=request.user, reason=form.cleaned_data["reason"], **form.service_data())
        except ServiceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, done)
            return redirect(detail, pk=entry.pk)
    status = 422 if form.is_bound else 200
    return render(request, template, {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def practice_create_view(request: HttpRequest) -> HttpResponse:
    return _create_entry(
        request,
        PracticeForm,
        services.practice_create,
        template="knowledge/practice_form.html",
        done=_("Practice created. You can now attach documents to it."),
        detail="knowledge:practice",
    )


@login_required
@require_http_methods(["GET", "POST"])
def practice_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    practice = get_or_404(lambda: selectors.practice_get(user=request.user, pk=pk))
    require_perm(request.user, "knowledge.change_entries")
    heading = practice.text("title")  # before the form writes the submitted values onto the instance
    form = PracticeForm(_posted(request), instance=practice, user=request.user)
    saved, conflict = _save_entry(
        request, form, partial(services.practice_update, practice=practice), practice
    )
    if saved:
        return redirect("knowledge:practice", pk=practice.pk)
    status = 409 if conflict else (422 if form.is_bound else 200)
    return _practice_edit_page(request, practice, heading, form, AttachmentForm(), status, conflict)


def _practice_edit_page(
    request: HttpRequest,
    practice: Practice,
    heading: str,
    form: PracticeForm | None,
    attachment_form: AttachmentForm,
    status: int,
    conflict: ConcurrentEditError | None = None,
) -> HttpResponse:
    """The edit page: the practice's form (None on the attachments page), its attachments and history."""
    context = {
        "form": form,
        "practice": practice,
        "heading": heading,
        "conflict": conflict,
        "attachment_form": attachment_form,
        "attachments": selectors.documents_visible_to(user=request.user).filter(practice=practice),
        "timeline": history_timeline(practice, user=request.user) if form is not None else [],
    }
    template = "knowledge/practice_form.html" if form is not None else "knowledge/practice_attachments.html"
    return render(request, template, context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def practice_attachments_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload a PDF or DOCX to a practice (GET shows the form alone). The attachment takes the
    practice's access; a refused file names its problem and leaves no row and no file behind."""
    practice = get_or_404(lambda: selectors.practice_get(user=request.user, pk=pk))
    require_perm(request.user, "knowledge.change_entries")
    form = AttachmentForm(request.POST, request.FILES) if request.method == "POST" else AttachmentForm()
    if request.method == "POST" and form.is_valid():
        try:
            document = services.practice_document_attach(
                practice=practice,
                upload=form.cleaned_data["file"],
                by=request.user,
                title=form.cleaned_data["title"],
                title_fr=form.cleaned_data["title_fr"],
                language=form.cleaned_data["language"],
            )
        except ServiceError as exc:
            form.add_error("file", str(exc))
        else:
            messages.success(request, _("“%(title)s” attached.") % {"title": document.text("title")})
            return redirect(reverse("knowledge:practice_edit", args=[practice.pk]) + "#attachments")
    status = 422 if form.is_bound else 200
    return _practice_edit_page(request, practice, practice.text("title"), None, form, status)


@login_required
@require_http_methods(["GET", "POST"])
def document_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A confirmation page first (GET); the POST deletes the document and its file."""
    document = get_or_404(lambda: selectors.document_get(user=request.user, pk=pk))
    require_perm(request.user, "knowledge.change_entries")
    form = DocumentDeleteForm(_posted(request))
    back = (
        reverse("knowledge:practice_edit", args=[document.practice_id]) + "#attachments"
        if document.practice_id
        else reverse("knowledge:index")
    )
    if request.method == "POST" and form.is_valid():
        title = document.text("title")
        services.document_delete(document=document, by=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("“%(title)s” deleted.") % {"title": title})
        return redirect(back)
    status = 422 if form.is_bound else 200
    context = {"form": form, "document": document, "back": back}
    return render(request, "knowledge/document_delete.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def case_law_create_view(request: HttpRequest) -> HttpResponse:
    return _create_entry(
        request,
        CaseLawForm,
        services.case_law_create,
        template="knowledge/caselaw_form.html",
        done=_("Decision recorded."),
        detail="knowledge:caselaw",
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_law_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    decision = get_or_404(lambda: selectors.case_law_get(user=request.user, pk=pk))
    require_perm(request.user, "knowledge.change_entries")
    heading = decision.text("title")
    form = CaseLawForm(_posted(request), instance=decision, user=request.user)
    saved, conflict = _save_entry(
        request, form, partial(services.case_law_update, decision=decision), decision
    )
    if saved:
        return redirect("knowledge:caselaw", pk=decision.pk)
    status = 409 if conflict else (422 if form.is_bound else 200)
    context = {
        "form": form,
        "decision": decision,
        "heading": heading,
        "conflict": conflict,
        "timeline": history_timeline(decision, user=request.user),
    }
    return render(request, "knowledge/caselaw_form.html", context, status=status)
