from django.utils.translation import gettext as _


class ServiceError(Exception):
    """A refusal a user can act on: its message is shown as is (translated, no internals)."""


class ConcurrentEditError(ServiceError):
    def __init__(self, changes: list | None = None) -> None:
        self.changes = changes or []
        super().__init__(
            _(
                "Someone else saved this record after you opened it. Their changes are shown below; "
                "review them and save again."
            )
        )
