from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from coopreview.core.access import get_or_404, require_perm
from coopreview.jobs.enums import JobKind
from coopreview.jobs.selectors import jobs_visible_to

PAGE = 100


@login_required
@require_GET
def job_list(request: HttpRequest) -> HttpResponse:
    jobs = list(jobs_visible_to(user=request.user)[:PAGE])
    running = any(not job.finished for job in jobs)
    template = "jobs/_table.html" if request.htmx else "jobs/list.html"
    return render(request, template, {"jobs": jobs, "running": running})


@login_required
@require_GET
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_or_404(lambda: jobs_visible_to(user=request.user).get(pk=pk))
    require_perm(request.user, "jobs.view_job", job)
    template = "jobs/_job.html" if request.htmx else "jobs/detail.html"
    return render(request, template, {"job": job})


@login_required
@require_GET
def job_download(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_or_404(lambda: jobs_visible_to(user=request.user).get(pk=pk))
    require_perm(request.user, "jobs.view_job", job)
    if job.kind == JobKind.REPORT_BUILD:
        return redirect("reports:job-file", pk=job.pk)  # one way out for reports: audited, named
    if not job.result_file or job.expired:
        raise Http404
    return FileResponse(job.result_file.open("rb"), as_attachment=True,
                        filename=job.result_file.name.rsplit("/", 1)[-1])  # fmt: skip
