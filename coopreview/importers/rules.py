import rules

from coopreview.accounts.rules import is_editor


@rules.predicate
def is_uploader(user, job) -> bool:
    return job is None or job.uploaded_by_id == user.pk


rules.add_perm("importers.import_recommendations", is_editor)
rules.add_perm("importers.view_importjob", is_editor & is_uploader)
rules.add_perm("importers.change_importjob", is_editor & is_uploader)
